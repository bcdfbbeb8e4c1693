package dev.starfall.projections.domain;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Byte encoding of a ranking entry whose unsigned lexicographic order (RocksDB's default) is the
 * ranking order of a shower: contribution descending, then the time the contribution reached its
 * value ascending, then wallet address ascending. So top-N is a prefix scan and a wallet's rank
 * is the number of keys before its own.
 *
 * <p>Layout: shower (4 bytes, big-endian), amount length n (1 byte, inverted), amount magnitude (n
 * bytes big-endian, inverted), reached-at (8 bytes big-endian, sign bit flipped), wallet (UTF-8).
 * Inverting the length byte and the magnitude makes a larger amount sort first; amounts up to
 * 2^2040 fit, so a sum can never overflow the encoding.
 */
public record RankingKey(int shower, BigInteger amount, long reachedAt, String wallet) {

    /** The ranking entry of a wallet's contribution to a shower. */
    public static RankingKey of(ShowerWallet key, Contribution c) {
        return new RankingKey(key.shower(), c.amount(), c.reachedAt(), key.wallet());
    }

    public byte[] encode() {
        byte[] magnitude = magnitude(amount);
        byte[] w = wallet.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(4 + 1 + magnitude.length + 8 + w.length);
        b.putInt(shower);
        b.put((byte) ~magnitude.length);
        for (byte m : magnitude) {
            b.put((byte) ~m);
        }
        b.putLong(reachedAt ^ Long.MIN_VALUE);
        b.put(w);
        return b.array();
    }

    public static RankingKey decode(byte[] bytes) {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        int shower = b.getInt();
        int n = ~b.get() & 0xff;
        byte[] magnitude = new byte[n];
        for (int i = 0; i < n; i++) {
            magnitude[i] = (byte) ~b.get();
        }
        long reachedAt = b.getLong() ^ Long.MIN_VALUE;
        byte[] w = new byte[b.remaining()];
        b.get(w);
        return new RankingKey(shower, new BigInteger(1, magnitude), reachedAt, new String(w, StandardCharsets.UTF_8));
    }

    /** The 4-byte prefix shared by every key of a shower. */
    public static byte[] showerPrefix(int shower) {
        return ByteBuffer.allocate(4).putInt(shower).array();
    }

    private static byte[] magnitude(BigInteger amount) {
        if (amount.signum() < 0) {
            throw new IllegalArgumentException("negative amount " + amount);
        }
        byte[] raw = amount.toByteArray(); // two's complement, may carry a leading 0 sign byte
        int skip = 0;
        while (skip < raw.length && raw[skip] == 0) {
            skip++;
        }
        int n = raw.length - skip;
        if (n > 255) {
            throw new ArithmeticException("amount too large to rank: " + amount.bitLength() + " bits");
        }
        byte[] out = new byte[n];
        System.arraycopy(raw, skip, out, 0, n);
        return out;
    }
}
