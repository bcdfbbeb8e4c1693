package dev.starfall.projections.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;

import dev.starfall.schemas.TransferIds;
import dev.starfall.schemas.manifest.ManifestLoader;
import org.apache.kafka.common.utils.Bytes;
import org.junit.jupiter.api.Test;

class TransferIdKeyTest {

    private static final String A = TransferIds.of("terra-classic", "F0E1D2C3B4A5968778695A4B3C2D1E0F00112233445566778899AABBCCDDEEFF", 0);
    private static final String B = TransferIds.of("solana", "5VERv8NMvzbJMEkV8xnrLkEaWRtSz9CosKDYjCJjBRnbJLgp8uirBgmQpjKhoR4tjF3ZpRzrFmBV6UjKdiSZkQUW", 2);

    @Test
    void shouldOrderKeysByBlockTimeWhateverTheirIds() {
        long[] times = {Long.MIN_VALUE, -1, 0, 1, 1_651_363_200_000L, 1_651_363_200_001L, Long.MAX_VALUE};
        List<Bytes> keys = new ArrayList<>();
        for (int i = times.length - 1; i >= 0; i--) {
            keys.add(Bytes.wrap(TransferIdKey.of(times[i], i % 2 == 0 ? A : B)));
        }
        keys.sort(null); // RocksDB's bytewise order
        assertThat(keys).extracting(k -> TransferIdKey.blockTimeOf(k.get())).containsExactly(
                Long.MIN_VALUE, -1L, 0L, 1L, 1_651_363_200_000L, 1_651_363_200_001L, Long.MAX_VALUE);
    }

    @Test
    void shouldGiveOneKeyToEachTransferAndBlockTime() {
        assertThat(TransferIdKey.of(5, A)).isEqualTo(TransferIdKey.of(5, A));
        assertThat(TransferIdKey.of(5, A)).isNotEqualTo(TransferIdKey.of(5, B)).isNotEqualTo(TransferIdKey.of(6, A));
        assertThat(TransferIdKey.of(5, TransferIds.of("cosmos", "AB", 1))).as("the message index is part of the id")
                .isNotEqualTo(TransferIdKey.of(5, TransferIds.of("cosmos", "AB", 10)));
    }

    @Test
    void shouldTellAnEarlierVersionsKeysFromItsOwnByTheirFirstByte() {
        Bytes firstLegacy = Bytes.wrap(TransferIdKey.FIRST_LEGACY);
        for (String chain : ManifestLoader.CHAINS) {
            Bytes legacy = Bytes.wrap(TransferIdKey.legacy(TransferIds.of(chain, "AB", 0)));
            assertThat(legacy.compareTo(firstLegacy)).as(chain).isGreaterThanOrEqualTo(0);
        }
        for (long time : new long[] {Long.MIN_VALUE, 0, Long.MAX_VALUE}) {
            assertThat(Bytes.wrap(TransferIdKey.of(time, A)).compareTo(firstLegacy)).isNegative();
        }
        assertThat(TransferIdKey.legacy(A)).isEqualTo(A.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    @Test
    void shouldRefuseToReadATimeFromAnEarlierVersionsKey() {
        assertThatThrownBy(() -> TransferIdKey.blockTimeOf(TransferIdKey.legacy(A))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TransferIdKey.blockTimeOf(new byte[0])).isInstanceOf(IllegalArgumentException.class);
    }
}
