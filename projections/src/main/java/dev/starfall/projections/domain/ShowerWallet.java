package dev.starfall.projections.domain;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** Key of a wallet's contribution to a shower; encoded shower first so a shower is a prefix scan. */
public record ShowerWallet(int shower, String wallet) {

    public byte[] encode() {
        byte[] w = wallet.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(4 + w.length).putInt(shower).put(w).array();
    }

    public static ShowerWallet decode(byte[] bytes) {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        int shower = b.getInt();
        return new ShowerWallet(shower, new String(bytes, 4, bytes.length - 4, StandardCharsets.UTF_8));
    }
}
