package dev.starfall.projections;

/**
 * A Bloom filter of the keys a restore has written to a store that was empty when it opened: a
 * key it has not seen was certainly never written, so its value before the write is known to be
 * none without reading the store. A key it has seen may or may not be there (a false positive,
 * or a key since deleted), and must be read. Fixed size: as more keys are added the filter
 * answers "seen" more often, which costs reads, never a wrong answer.
 *
 * <p>{@value #DEFAULT_BITS} bits (1 MiB) with {@value #HASHES} hashes: one in about 350 unseen keys
 * is taken for seen at 550,000 keys (a contributions partition of the 10 M history), one in 50 at
 * a million. Not thread-safe: its store calls it under its write lock.
 */
final class WrittenKeys {

    static final int DEFAULT_BITS = 1 << 23;
    static final int HASHES = 4;

    private final long[] words;
    private final int mask;

    WrittenKeys() {
        this(DEFAULT_BITS);
    }

    /** @param bits a power of two, at least 64 */
    WrittenKeys(int bits) {
        if (bits < 64 || Integer.bitCount(bits) != 1) {
            throw new IllegalArgumentException("bits must be a power of two of at least 64, got " + bits);
        }
        this.words = new long[bits >>> 6];
        this.mask = bits - 1;
    }

    void add(byte[] key) {
        long h = hash(key);
        for (int i = 0; i < HASHES; i++) {
            int bit = bit(h, i);
            words[bit >>> 6] |= 1L << bit;
        }
    }

    /** False when {@code key} was certainly never {@link #add added}. */
    boolean mightContain(byte[] key) {
        long h = hash(key);
        for (int i = 0; i < HASHES; i++) {
            int bit = bit(h, i);
            if ((words[bit >>> 6] & (1L << bit)) == 0) {
                return false;
            }
        }
        return true;
    }

    /** The {@code i}-th bit of a key of hash {@code h}: its two halves combined (Kirsch and Mitzenmacher). */
    private int bit(long h, int i) {
        return ((int) h + i * ((int) (h >>> 32) | 1)) & mask;
    }

    /** 64-bit FNV-1a over the bytes, then MurmurHash3's finalizer to spread every input bit over the result. */
    static long hash(byte[] key) {
        long h = 0xcbf29ce484222325L;
        for (byte b : key) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h;
    }
}
