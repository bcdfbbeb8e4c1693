package dev.starfall.projections.query;

import java.util.Arrays;
import java.util.Iterator;

import dev.starfall.projections.domain.RankingKey;
import dev.starfall.projections.domain.ShowerTotals;

/**
 * One shower's ranking as it was when one scan read it: its keys in ranking order, packed into one
 * array. A wallet's rank is then a binary search instead of a scan down to the wallet, and the
 * amount at any rank one decode.
 *
 * <p>{@link #counts} are the shower's totals read before the scan, when they were still the same
 * after it; null when a transfer was counted during the scan. While a shower's totals show the
 * same counts as these, its ranking is this one: counting only ever adds transfers, and a transfer
 * moves the counts (see {@link ShowerTotals#sameRanking}). The processor writes a transfer's
 * ranking entry before the totals that count it, so totals read before the scan never count a
 * transfer the scan missed.
 */
public final class RankSnapshot {

    private final byte[] packed;
    private final int[] ends;
    private final ShowerTotals counts;
    private final long builtAtNanos;

    private RankSnapshot(byte[] packed, int[] ends, ShowerTotals counts, long builtAtNanos) {
        this.packed = packed;
        this.ends = ends;
        this.counts = counts;
        this.builtAtNanos = builtAtNanos;
    }

    /**
     * Packs ranking keys given in ranking order (as a prefix scan of the ranking store returns
     * them), with no counts: see {@link #counted}.
     */
    public static RankSnapshot of(Iterator<byte[]> keysInOrder, long builtAtNanos) {
        byte[] packed = new byte[1024];
        int[] ends = new int[16];
        int size = 0;
        int used = 0;
        byte[] previous = null;
        while (keysInOrder.hasNext()) {
            byte[] key = keysInOrder.next();
            if (previous != null && Arrays.compareUnsigned(previous, key) >= 0) {
                throw new IllegalArgumentException("ranking keys out of order at rank " + (size + 1));
            }
            previous = key;
            if (used + key.length > packed.length) {
                packed = Arrays.copyOf(packed, Math.max(packed.length * 2, used + key.length));
            }
            System.arraycopy(key, 0, packed, used, key.length);
            used += key.length;
            if (size == ends.length) {
                ends = Arrays.copyOf(ends, size * 2);
            }
            ends[size++] = used;
        }
        return new RankSnapshot(Arrays.copyOf(packed, used), Arrays.copyOf(ends, size), null, builtAtNanos);
    }

    /**
     * This ranking, known to be the one of a shower at {@code counts}: the shower's totals read
     * before the scan, and equal to those read after it. Null leaves it unknown.
     */
    public RankSnapshot counted(ShowerTotals counts) {
        return new RankSnapshot(packed, ends, counts, builtAtNanos);
    }

    /** Wallets ranked. */
    public int size() {
        return ends.length;
    }

    /** The totals this ranking belongs to; null when the shower counted a transfer while it was read. */
    public ShowerTotals counts() {
        return counts;
    }

    public long builtAtNanos() {
        return builtAtNanos;
    }

    /** Bytes held. */
    public long bytes() {
        return packed.length + 4L * ends.length;
    }

    /** True when the shower, now at {@code now}, still has exactly this ranking. */
    public boolean current(ShowerTotals now) {
        return counts != null && counts.sameRanking(now);
    }

    /**
     * The rank a wallet whose ranking key is {@code key} holds in this ranking: its own position
     * when the key is in it, else one more than the number of keys before it. A contribution only
     * grows, and a larger contribution sorts earlier, so a wallet that topped up since the scan has
     * its old key after its new one: the count before the new key leaves it out.
     */
    public long rankOf(byte[] key) {
        int lo = 0;
        int hi = ends.length - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            int c = Arrays.compareUnsigned(packed, start(mid), ends[mid], key, 0, key.length);
            if (c < 0) {
                lo = mid + 1;
            } else if (c > 0) {
                hi = mid - 1;
            } else {
                return mid + 1L;
            }
        }
        return lo + 1L;
    }

    /** The ranking key at {@code rank} (1-based), decoded. */
    public RankingKey at(long rank) {
        if (rank < 1 || rank > ends.length) {
            throw new IndexOutOfBoundsException("rank " + rank + " of " + ends.length);
        }
        int i = (int) (rank - 1);
        return RankingKey.decode(Arrays.copyOfRange(packed, start(i), ends[i]));
    }

    private int start(int i) {
        return i == 0 ? 0 : ends[i - 1];
    }
}
