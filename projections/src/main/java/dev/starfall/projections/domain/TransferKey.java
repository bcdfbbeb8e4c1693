package dev.starfall.projections.domain;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

import dev.starfall.schemas.TransferIds;
import dev.starfall.schemas.avro.TransferObserved;

/**
 * The stored form of a transfer id ({@link TransferIds}: chain, transaction hash, message index), as
 * the key of the counted transfer ids. A hex hash (Terra, Cosmos) is kept as its bytes, and a known
 * chain as a one-byte code, so a Terra id takes 41 bytes instead of the 80 of its text; every
 * other hash (Solana's base58 signatures, odd-length or mixed-case hex) and chain is kept as its
 * UTF-8 bytes. The hash comes first: keys differ from their first byte, so a store compares them
 * in a byte or two.
 *
 * <p>Layout: the hash's bytes, the message index (4 bytes, big-endian), the chain's UTF-8 bytes
 * (none for a known chain), a form byte (high nibble: how the hash is kept, 0 text, 1 upper-case
 * hex, 2 lower-case hex; low nibble: the chain's code, 0 for a chain kept as text) and the hash's
 * length in bytes (4 bytes, big-endian). The trailer says how to read the rest, so every id has
 * one key and every key one id ({@link #decode}).
 */
public record TransferKey(String chain, String txHash, int messageIndex) {

    /**
     * Chains with a one-byte code: the code is the position in this list plus one. Stored keys
     * depend on it, so it only ever grows at its end.
     */
    static final List<String> KNOWN_CHAINS = List.of("terra-classic", "cosmos", "solana", "simulated");

    private static final int TEXT = 0;
    private static final int UPPER_HEX = 1;
    private static final int LOWER_HEX = 2;
    private static final int TRAILER = 1 + 4;
    private static final char[] UPPER_DIGITS = "0123456789ABCDEF".toCharArray();
    private static final char[] LOWER_DIGITS = "0123456789abcdef".toCharArray();

    public TransferKey {
        if (chain == null || txHash == null) {
            throw new IllegalArgumentException("a transfer id needs a chain and a transaction hash");
        }
    }

    public static TransferKey of(TransferObserved t) {
        return new TransferKey(t.getChain(), t.getTxHash(), t.getMessageIndex());
    }

    /** The id as {@link TransferIds} writes it. */
    public String id() {
        return TransferIds.of(chain, txHash, messageIndex);
    }

    public byte[] encode() {
        int hashForm = hexForm(txHash);
        int chainCode = KNOWN_CHAINS.indexOf(chain) + 1;
        byte[] hashText = hashForm == TEXT ? txHash.getBytes(StandardCharsets.UTF_8) : null;
        int hashLength = hashText == null ? txHash.length() / 2 : hashText.length;
        byte[] chainText = chainCode == 0 ? chain.getBytes(StandardCharsets.UTF_8) : new byte[0];
        ByteBuffer b = ByteBuffer.allocate(hashLength + 4 + chainText.length + TRAILER);
        if (hashText != null) {
            b.put(hashText);
        } else {
            for (int i = 0; i < txHash.length(); i += 2) {
                b.put((byte) (Character.digit(txHash.charAt(i), 16) << 4 | Character.digit(txHash.charAt(i + 1), 16)));
            }
        }
        return b.putInt(messageIndex).put(chainText).put((byte) (hashForm << 4 | chainCode)).putInt(hashLength).array();
    }

    public static TransferKey decode(byte[] bytes) {
        if (bytes.length < 4 + TRAILER) {
            throw new IllegalArgumentException("not a transfer key: " + bytes.length + " bytes");
        }
        ByteBuffer b = ByteBuffer.wrap(bytes);
        int form = Byte.toUnsignedInt(bytes[bytes.length - TRAILER]);
        int hashForm = form >>> 4;
        int chainCode = form & 0x0F;
        int hashLength = b.getInt(bytes.length - 4);
        int chainLength = bytes.length - TRAILER - 4 - hashLength;
        if (hashForm > LOWER_HEX || chainCode > KNOWN_CHAINS.size() || hashLength < 0 || chainLength < 0
                || (chainCode != 0 && chainLength != 0)) {
            throw new IllegalArgumentException("not a transfer key: form " + form + ", a hash of " + hashLength + " bytes in " + bytes.length);
        }
        String txHash = switch (hashForm) {
            case TEXT -> new String(bytes, 0, hashLength, StandardCharsets.UTF_8);
            case UPPER_HEX -> hex(bytes, hashLength, UPPER_DIGITS);
            default -> hex(bytes, hashLength, LOWER_DIGITS);
        };
        String chain = chainCode == 0 ? new String(bytes, hashLength + 4, chainLength, StandardCharsets.UTF_8) : KNOWN_CHAINS.get(chainCode - 1);
        return new TransferKey(chain, txHash, b.getInt(hashLength));
    }

    /**
     * How {@code hash} is kept: as bytes when it is non-empty hex of even length in one case (digits
     * alone count as upper case), else as text.
     */
    private static int hexForm(String hash) {
        if (hash.isEmpty() || hash.length() % 2 != 0) {
            return TEXT;
        }
        boolean upper = false;
        boolean lower = false;
        for (int i = 0; i < hash.length(); i++) {
            char c = hash.charAt(i);
            if (c >= 'A' && c <= 'F') {
                upper = true;
            } else if (c >= 'a' && c <= 'f') {
                lower = true;
            } else if (c < '0' || c > '9') {
                return TEXT;
            }
        }
        return upper && lower ? TEXT : lower ? LOWER_HEX : UPPER_HEX;
    }

    private static String hex(byte[] bytes, int length, char[] digits) {
        char[] text = new char[length * 2];
        for (int i = 0; i < length; i++) {
            text[2 * i] = digits[(bytes[i] >> 4) & 0x0F];
            text[2 * i + 1] = digits[bytes[i] & 0x0F];
        }
        return new String(text);
    }
}
