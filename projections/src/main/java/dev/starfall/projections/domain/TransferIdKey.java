package dev.starfall.projections.domain;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Key of a counted transfer in the transfer-ids store: a format byte ({@link #DIGESTED}), the
 * transfer's block time (epoch millis, 8 bytes big-endian with the sign bit flipped, so that keys
 * sort by time for every {@code long}), then the first {@value #DIGEST_BYTES} bytes of the SHA-256
 * of the transfer's id ({@code TransferIds}) in UTF-8: 25 bytes, whatever the chain.
 *
 * <p>Why the time first: the ids are transaction hashes, random, and a store keyed by them alone
 * put every new id at a random place of its memtable's skip list, searched from the top, a cache
 * miss at each level. A shower task receives its transfers nearly in block-time order (its input
 * partitions' keying tasks interleaved), and a restore reads them back in that order, so keys led
 * by the time go in close to the ones before, where the skip list's search starts from its last
 * insert (ops/bench/REPORT.md, row 66).
 *
 * <p>Why a digest: the store holds one key a transfer ever counted, so it is most of what a fresh
 * instance restores of a long history; the id itself (chain, transaction hash in hex or Base58,
 * message index) is 70 to 100 bytes, its digest 16 (ops/bench/REPORT.md, row 71). Two transfers
 * are taken for one only if they have the same block time and the same 128 bits of SHA-256: about
 * n²/2¹²⁹ for n transfers of one block time, never in practice, and not something a sender can aim
 * at (it would need a second preimage of SHA-256 truncated to 128 bits).
 *
 * <p>The block time is part of the key, so a transfer is recognised again only with the same block
 * time. It already decides the transfer's shower, so its task and the store that dedupes it: a
 * chain API reporting another block time for the same transaction would have escaped that store
 * before too (a transaction is in one block, whose time does not change).
 *
 * <p>Earlier versions wrote two other forms, which a store built by them still holds: the block
 * time then the id in UTF-8 ({@link #timeOrdered}, first byte {@link #TIME_ORDERED}), and before it
 * the id's UTF-8 alone ({@link #legacy}); ids start with their chain's name, a lowercase letter, so
 * such keys are exactly those from {@link #FIRST_LEGACY} on.
 */
public final class TransferIdKey {

    /** First byte of every key this version writes. */
    public static final byte DIGESTED = 0x02;

    /** First byte of the keys the version before wrote: the block time, then the id in UTF-8. */
    public static final byte TIME_ORDERED = 0x01;

    /** The lowest key of the earliest form: every key from it on is an id's UTF-8 alone. */
    public static final byte[] FIRST_LEGACY = {DIGESTED + 1};

    /** How much of the id's SHA-256 the key keeps. */
    public static final int DIGEST_BYTES = 16;

    private static final ThreadLocal<MessageDigest> SHA_256 = ThreadLocal.withInitial(TransferIdKey::sha256);

    private TransferIdKey() {
    }

    /** The key of transfer {@code id} with block time {@code blockTimeMillis}. */
    public static byte[] of(long blockTimeMillis, String id) {
        return timeLed(DIGESTED, blockTimeMillis, SHA_256.get().digest(id.getBytes(StandardCharsets.UTF_8)), DIGEST_BYTES);
    }

    /** The key the version before this one wrote for transfer {@code id} with block time {@code blockTimeMillis}. */
    public static byte[] timeOrdered(long blockTimeMillis, String id) {
        byte[] utf8 = id.getBytes(StandardCharsets.UTF_8);
        return timeLed(TIME_ORDERED, blockTimeMillis, utf8, utf8.length);
    }

    /** The key the earliest version wrote for transfer {@code id}. */
    public static byte[] legacy(String id) {
        return id.getBytes(StandardCharsets.UTF_8);
    }

    /** The block time of a key of this version's form or of the version's before it. */
    public static long blockTimeOf(byte[] key) {
        if (key.length < 1 + Long.BYTES || (key[0] != DIGESTED && key[0] != TIME_ORDERED)) {
            throw new IllegalArgumentException("not a time-ordered transfer id key: " + key.length + " bytes, first " + (key.length == 0 ? "none" : key[0]));
        }
        return ByteBuffer.wrap(key, 1, Long.BYTES).getLong() ^ Long.MIN_VALUE;
    }

    /** The lowest key whose first byte is {@code format} ({@link #TIME_ORDERED}, {@link #DIGESTED}): one byte long, which no key is. */
    public static byte[] firstOf(byte format) {
        return new byte[] {format};
    }

    /** A format byte, the block time (sign bit flipped, so that keys sort by time), then the first {@code length} bytes of {@code rest}. */
    private static byte[] timeLed(byte format, long blockTimeMillis, byte[] rest, int length) {
        return ByteBuffer.allocate(1 + Long.BYTES + length).put(format).putLong(blockTimeMillis ^ Long.MIN_VALUE).put(rest, 0, length).array();
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform provides SHA-256", e);
        }
    }
}
