package dev.starfall.projections.domain;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Key of a counted transfer in the transfer-ids store: a format byte ({@link #TIME_ORDERED}), the
 * transfer's block time (epoch millis, 8 bytes big-endian with the sign bit flipped, so that keys
 * sort by time for every {@code long}), then the transfer's id ({@code TransferIds}) in UTF-8.
 *
 * <p>Why the time first: the ids are transaction hashes, random, and a store keyed by them alone
 * put every new id at a random place of its memtable's skip list, searched from the top, a cache
 * miss at each level. A shower task receives its transfers nearly in block-time order (its input
 * partitions' keying tasks interleaved), and a restore reads them back in that order, so keys led
 * by the time go in close to the ones before, where the skip list's search starts from its last
 * insert (ops/bench/REPORT.md, row 66).
 *
 * <p>The block time is part of the key, so a transfer is recognised again only with the same block
 * time. It already decides the transfer's shower, so its task and the store that dedupes it: a
 * chain API reporting another block time for the same transaction would have escaped that store
 * before too (a transaction is in one block, whose time does not change).
 *
 * <p>Earlier versions keyed the store by the id's UTF-8 alone ({@link #legacy}); ids start with
 * their chain's name, a lowercase letter, so such keys are exactly those from
 * {@link #FIRST_LEGACY} on.
 */
public final class TransferIdKey {

    /** First byte of every key this version writes. */
    public static final byte TIME_ORDERED = 0x01;

    /** The lowest key not of this version's form: every key from it on was written by an earlier version. */
    public static final byte[] FIRST_LEGACY = {TIME_ORDERED + 1};

    private TransferIdKey() {
    }

    /** The key of transfer {@code id} with block time {@code blockTimeMillis}. */
    public static byte[] of(long blockTimeMillis, String id) {
        byte[] utf8 = id.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(1 + Long.BYTES + utf8.length)
                .put(TIME_ORDERED).putLong(blockTimeMillis ^ Long.MIN_VALUE).put(utf8).array();
    }

    /** The key an earlier version wrote for transfer {@code id}. */
    public static byte[] legacy(String id) {
        return id.getBytes(StandardCharsets.UTF_8);
    }

    /** The block time of a key of this version's form. */
    public static long blockTimeOf(byte[] key) {
        if (key.length < 1 + Long.BYTES || key[0] != TIME_ORDERED) {
            throw new IllegalArgumentException("not a time-ordered transfer id key: " + key.length + " bytes, first " + (key.length == 0 ? "none" : key[0]));
        }
        return ByteBuffer.wrap(key, 1, Long.BYTES).getLong() ^ Long.MIN_VALUE;
    }
}
