package dev.starfall.projections.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import dev.starfall.schemas.TransferIds;
import org.apache.kafka.common.utils.Bytes;
import org.junit.jupiter.api.Test;

class TransferKeyTest {

    private static final String TERRA_HASH = "2F0A8B9C3D4E5F60718293A4B5C6D7E8F90A1B2C3D4E5F60718293A4B5C6D7E8";
    private static final String SOLANA_SIGNATURE =
            "5VERv8NMvzbJMEkV8xnrLkEaWRtSz9CosKDYjCJjBRnbJLgp8uirBgmQpjKhoR4tjF3ZpRzrFmBV6UjKdiSZkQUW";

    @Test
    void shouldDecodeWhatItEncodes() {
        List<TransferKey> keys = List.of(
                new TransferKey("terra-classic", TERRA_HASH, 0),
                new TransferKey("terra-classic", TERRA_HASH.toLowerCase(), 3),
                new TransferKey("cosmos", "0123456789", 1), // digits alone: kept as hex
                new TransferKey("solana", SOLANA_SIGNATURE, 12),
                new TransferKey("simulated", "sim-00042", 0),
                new TransferKey("osmosis", TERRA_HASH, Integer.MAX_VALUE), // a chain without a code
                new TransferKey("terra-classic", "AbCd", 0), // mixed case: kept as text
                new TransferKey("terra-classic", "ABC", 0), // odd length: kept as text
                new TransferKey("terra-classic", "", -1),
                new TransferKey("", "", 0),
                new TransferKey("wället-chain", "häsh", 5));
        for (TransferKey key : keys) {
            assertThat(TransferKey.decode(key.encode())).as("%s", key).isEqualTo(key);
            assertThat(key.id()).isEqualTo(TransferIds.of(key.chain(), key.txHash(), key.messageIndex()));
        }
    }

    @Test
    void shouldGiveDistinctIdsDistinctKeys() {
        // ids that differ only in how their parts could be read back: case, form, where the chain starts
        List<TransferKey> keys = List.of(
                new TransferKey("terra-classic", "ABCD", 0),
                new TransferKey("terra-classic", "abcd", 0),
                new TransferKey("terra-classic", "AbCd", 0),
                new TransferKey("terra-classic", "ABCD", 1),
                new TransferKey("cosmos", "ABCD", 0),
                new TransferKey("terra-classic", "ABCDAB", 0),
                new TransferKey("terra-classic", "AB", 0),
                new TransferKey("xterra-classic", "ABCD", 0),
                new TransferKey("terra-classic" + "\0", "ABCD", 0),
                new TransferKey("", "ABCD", 0),
                new TransferKey("", "", 0));
        Set<Bytes> encoded = new HashSet<>();
        keys.forEach(k -> encoded.add(Bytes.wrap(k.encode())));
        assertThat(encoded).hasSize(keys.size());
    }

    @Test
    void shouldRoundTripRandomIds() {
        Random random = new Random(42);
        String alphabet = "0123456789abcdefABCDEFxyz:-/ é";
        Set<Bytes> encoded = new HashSet<>();
        Set<TransferKey> ids = new HashSet<>();
        for (int i = 0; i < 20_000; i++) {
            String chain = random.nextInt(3) == 0 ? TransferKey.KNOWN_CHAINS.get(random.nextInt(TransferKey.KNOWN_CHAINS.size()))
                    : text(random, alphabet, random.nextInt(6));
            String hash = random.nextBoolean() ? text(random, random.nextBoolean() ? "0123456789ABCDEF" : "0123456789abcdef", 2 * random.nextInt(5))
                    : text(random, alphabet, random.nextInt(8));
            TransferKey key = new TransferKey(chain, hash, random.nextInt(4) - 1);
            byte[] bytes = key.encode();
            assertThat(TransferKey.decode(bytes)).isEqualTo(key);
            if (ids.add(key) != encoded.add(Bytes.wrap(bytes))) {
                throw new AssertionError("an id and its key disagree on being new: " + key);
            }
        }
        assertThat(encoded).hasSameSizeAs(ids).hasSizeGreaterThan(10_000);
    }

    @Test
    void shouldKeepATerraIdInHalfTheBytesOfItsTextWithItsHashFirst() {
        TransferKey key = new TransferKey("terra-classic", TERRA_HASH, 0);
        byte[] bytes = key.encode();
        assertThat(key.id()).hasSize(80);
        assertThat(bytes).hasSize(32 + 4 + 1 + 4);
        assertThat(bytes[0]).isEqualTo((byte) 0x2F);
        assertThat(new TransferKey("solana", SOLANA_SIGNATURE, 0).encode()).hasSize(SOLANA_SIGNATURE.length() + 4 + 1 + 4);
    }

    @Test
    void shouldRefuseBytesThatAreNoTransferKey() {
        assertThatThrownBy(() -> TransferKey.decode(new byte[3])).isInstanceOf(IllegalArgumentException.class);
        byte[] bytes = new TransferKey("terra-classic", TERRA_HASH, 0).encode();
        byte[] longer = new byte[bytes.length + 1];
        System.arraycopy(bytes, 0, longer, 1, bytes.length);
        longer[longer.length - 5] = 0x3F; // an unknown hash form
        assertThatThrownBy(() -> TransferKey.decode(longer)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a transfer key");
        assertThatThrownBy(() -> new TransferKey(null, "x", 0)).isInstanceOf(IllegalArgumentException.class);
    }

    private static String text(Random random, String alphabet, int length) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < length; i++) {
            b.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return b.toString();
    }
}
