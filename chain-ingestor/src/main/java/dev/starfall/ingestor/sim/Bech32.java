package dev.starfall.ingestor.sim;

import java.io.ByteArrayOutputStream;
import java.util.Locale;

/**
 * Bech32 (BIP-173) encoding with its checksum, as used by Cosmos SDK addresses
 * ({@code terra1...}, {@code terravaloper1...}).
 */
public final class Bech32 {

    private static final String CHARSET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
    private static final int[] GENERATOR = {0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3};

    private Bech32() {
    }

    /** Encodes {@code data} (8-bit bytes, e.g. a 20-byte account hash) under {@code hrp}. */
    public static String encode(String hrp, byte[] data) {
        byte[] values = convertBits(data, 8, 5, true);
        byte[] checksum = checksum(hrp, values);
        StringBuilder sb = new StringBuilder(hrp.length() + 1 + values.length + 6);
        sb.append(hrp).append('1');
        for (byte v : values) {
            sb.append(CHARSET.charAt(v));
        }
        for (byte v : checksum) {
            sb.append(CHARSET.charAt(v));
        }
        return sb.toString();
    }

    /** Whether {@code address} is lower-case bech32 with a valid checksum and human-readable part {@code hrp}. */
    public static boolean isValid(String address, String hrp) {
        if (address == null || !address.equals(address.toLowerCase(Locale.ROOT))) {
            return false;
        }
        int separator = address.lastIndexOf('1');
        if (separator < 1 || !address.substring(0, separator).equals(hrp) || address.length() - separator - 1 < 6) {
            return false;
        }
        String dataPart = address.substring(separator + 1);
        byte[] values = new byte[dataPart.length()];
        for (int i = 0; i < values.length; i++) {
            int v = CHARSET.indexOf(dataPart.charAt(i));
            if (v < 0) {
                return false;
            }
            values[i] = (byte) v;
        }
        return polymod(concat(expandHrp(hrp), values)) == 1;
    }

    private static byte[] checksum(String hrp, byte[] values) {
        byte[] enlarged = concat(concat(expandHrp(hrp), values), new byte[6]);
        int mod = polymod(enlarged) ^ 1;
        byte[] out = new byte[6];
        for (int i = 0; i < 6; i++) {
            out[i] = (byte) ((mod >>> (5 * (5 - i))) & 31);
        }
        return out;
    }

    private static int polymod(byte[] values) {
        int chk = 1;
        for (byte v : values) {
            int top = chk >>> 25;
            chk = ((chk & 0x1ffffff) << 5) ^ v;
            for (int i = 0; i < 5; i++) {
                if (((top >>> i) & 1) == 1) {
                    chk ^= GENERATOR[i];
                }
            }
        }
        return chk;
    }

    private static byte[] expandHrp(String hrp) {
        byte[] out = new byte[hrp.length() * 2 + 1];
        for (int i = 0; i < hrp.length(); i++) {
            out[i] = (byte) (hrp.charAt(i) >>> 5);
            out[i + hrp.length() + 1] = (byte) (hrp.charAt(i) & 31);
        }
        return out;
    }

    private static byte[] convertBits(byte[] data, int fromBits, int toBits, boolean pad) {
        int acc = 0;
        int bits = 0;
        int maxValue = (1 << toBits) - 1;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte b : data) {
            acc = (acc << fromBits) | (b & 0xff);
            bits += fromBits;
            while (bits >= toBits) {
                bits -= toBits;
                out.write((acc >>> bits) & maxValue);
            }
        }
        if (pad && bits > 0) {
            out.write((acc << (toBits - bits)) & maxValue);
        }
        return out.toByteArray();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
