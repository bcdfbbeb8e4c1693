package dev.starfall.schemas;

import java.io.ByteArrayOutputStream;
import java.util.Locale;

/**
 * Bech32 (BIP-173) addresses as Terra and Cosmos chains use them: encode, and decode with the
 * checksum verified. Errors name the problem, for messages shown to people.
 */
public final class Bech32 {

    private static final String CHARSET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
    private static final int[] GENERATOR = {0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3};

    private Bech32() {
    }

    /** A decoded address: human-readable prefix and payload bytes. */
    public record Decoded(String hrp, byte[] data) {
    }

    /** An address that is not valid bech32; the message says why. */
    public static final class InvalidAddress extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        InvalidAddress(String message) {
            super(message);
        }
    }

    public static String encode(String hrp, byte[] data) {
        int[] values = convertBits(data, 8, 5, true);
        int[] withChecksum = new int[values.length + 6];
        System.arraycopy(values, 0, withChecksum, 0, values.length);
        int mod = polymod(hrp, withChecksum) ^ 1;
        for (int i = 0; i < 6; i++) {
            withChecksum[values.length + i] = (mod >>> (5 * (5 - i))) & 31;
        }
        StringBuilder b = new StringBuilder(hrp.length() + 1 + withChecksum.length).append(hrp).append('1');
        for (int v : withChecksum) {
            b.append(CHARSET.charAt(v));
        }
        return b.toString();
    }

    public static Decoded decode(String address) {
        boolean hasLower = !address.equals(address.toUpperCase(Locale.ROOT));
        boolean hasUpper = !address.equals(address.toLowerCase(Locale.ROOT));
        if (hasLower && hasUpper) {
            throw new InvalidAddress("bech32 address mixes upper and lower case");
        }
        String a = address.toLowerCase(Locale.ROOT);
        int sep = a.lastIndexOf('1');
        if (sep < 1 || sep + 7 > a.length()) {
            throw new InvalidAddress("not a bech32 address: expected <prefix>1<data> with a 6-character checksum");
        }
        String hrp = a.substring(0, sep);
        int[] values = new int[a.length() - sep - 1];
        for (int i = 0; i < values.length; i++) {
            char c = a.charAt(sep + 1 + i);
            int v = CHARSET.indexOf(c);
            if (v < 0) {
                throw new InvalidAddress("character '" + c + "' at position " + (sep + 2 + i) + " is not in the bech32 alphabet");
            }
            values[i] = v;
        }
        if (polymod(hrp, values) != 1) {
            throw new InvalidAddress("bech32 checksum does not match (a typo in the address?)");
        }
        int[] payload = new int[values.length - 6];
        System.arraycopy(values, 0, payload, 0, payload.length);
        int[] bytes = convertBits(payload, 5, 8, false);
        byte[] data = new byte[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            data[i] = (byte) bytes[i];
        }
        return new Decoded(hrp, data);
    }

    private static int polymod(String hrp, int[] data) {
        int chk = 1;
        for (int i = 0; i < hrp.length(); i++) {
            chk = step(chk, hrp.charAt(i) >> 5);
        }
        chk = step(chk, 0);
        for (int i = 0; i < hrp.length(); i++) {
            chk = step(chk, hrp.charAt(i) & 31);
        }
        for (int v : data) {
            chk = step(chk, v);
        }
        return chk;
    }

    private static int step(int chk, int value) {
        int top = chk >>> 25;
        int next = (chk & 0x1ffffff) << 5 ^ value;
        for (int i = 0; i < 5; i++) {
            if (((top >>> i) & 1) != 0) {
                next ^= GENERATOR[i];
            }
        }
        return next;
    }

    private static int[] convertBits(byte[] data, int from, int to, boolean pad) {
        int[] in = new int[data.length];
        for (int i = 0; i < data.length; i++) {
            in[i] = data[i] & 0xff;
        }
        return convertBits(in, from, to, pad);
    }

    private static int[] convertBits(int[] data, int from, int to, boolean pad) {
        int acc = 0;
        int bits = 0;
        int max = (1 << to) - 1;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int v : data) {
            acc = (acc << from) | v;
            bits += from;
            while (bits >= to) {
                bits -= to;
                out.write((acc >>> bits) & max);
            }
        }
        if (pad && bits > 0) {
            out.write((acc << (to - bits)) & max);
        } else if (!pad && (bits >= from || ((acc << (to - bits)) & max) != 0)) {
            throw new InvalidAddress("bech32 payload has invalid padding");
        }
        byte[] raw = out.toByteArray();
        int[] result = new int[raw.length];
        for (int i = 0; i < raw.length; i++) {
            result[i] = raw[i] & 0xff;
        }
        return result;
    }
}
