package dev.starfall.projections.domain;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Key of a wallet's meteor in one shower. Encoded as the wallet's UTF-8 length (2 bytes), the
 * wallet, then the shower (4 bytes, big-endian): the wallet's {@link #walletPrefix prefix} includes
 * its length, so a prefix scan finds that wallet's meteors and no longer wallet's that starts the
 * same way, in shower order (shower numbers are not negative).
 */
public record WalletMeteorKey(String wallet, int shower) {

    /** Longest wallet, in UTF-8 bytes, that a key holds; chain addresses are under 100. */
    public static final int MAX_WALLET_BYTES = 0xFFFF;

    public byte[] encode() {
        byte[] w = walletBytes(wallet);
        return ByteBuffer.allocate(2 + w.length + 4).putShort((short) w.length).put(w).putInt(shower).array();
    }

    public static WalletMeteorKey decode(byte[] bytes) {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        int length = Short.toUnsignedInt(b.getShort());
        if (bytes.length != 2 + length + 4) {
            throw new IllegalArgumentException("not a wallet meteor key: " + bytes.length + " bytes for a wallet of " + length);
        }
        String wallet = new String(bytes, 2, length, StandardCharsets.UTF_8);
        return new WalletMeteorKey(wallet, b.getInt(2 + length));
    }

    /** The bytes every key of {@code wallet} starts with, and no key of another wallet. */
    public static byte[] walletPrefix(String wallet) {
        byte[] w = walletBytes(wallet);
        return ByteBuffer.allocate(2 + w.length).putShort((short) w.length).put(w).array();
    }

    private static byte[] walletBytes(String wallet) {
        byte[] w = wallet.getBytes(StandardCharsets.UTF_8);
        if (w.length > MAX_WALLET_BYTES) {
            throw new IllegalArgumentException("wallet of " + w.length + " bytes is longer than a key holds (" + MAX_WALLET_BYTES + ")");
        }
        return w;
    }
}
