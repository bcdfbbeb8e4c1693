package dev.starfall.projections.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
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
    void shouldKeepSixteenBytesOfTheIdsSha256WhateverItsLength() throws Exception {
        byte[] sha256 = MessageDigest.getInstance("SHA-256").digest(B.getBytes(StandardCharsets.UTF_8));
        byte[] key = TransferIdKey.of(1_651_363_200_000L, B);

        assertThat(key).hasSize(25).startsWith(TransferIdKey.DIGESTED);
        assertThat(Arrays.copyOfRange(key, 9, 25)).isEqualTo(Arrays.copyOf(sha256, 16));
        assertThat(TransferIdKey.of(0, A)).hasSize(25);
        assertThat(TransferIdKey.of(0, TransferIds.of("cosmos", "AB", 0))).hasSize(25);
    }

    @Test
    void shouldTellEachVersionsKeysByTheirFirstByte() {
        Bytes firstTimeOrdered = Bytes.wrap(TransferIdKey.firstOf(TransferIdKey.TIME_ORDERED));
        Bytes firstDigested = Bytes.wrap(TransferIdKey.firstOf(TransferIdKey.DIGESTED));
        Bytes firstLegacy = Bytes.wrap(TransferIdKey.FIRST_LEGACY);
        for (String chain : ManifestLoader.CHAINS) {
            Bytes legacy = Bytes.wrap(TransferIdKey.legacy(TransferIds.of(chain, "AB", 0)));
            assertThat(legacy.compareTo(firstLegacy)).as(chain).isGreaterThanOrEqualTo(0);
        }
        for (long time : new long[] {Long.MIN_VALUE, 0, Long.MAX_VALUE}) {
            Bytes digested = Bytes.wrap(TransferIdKey.of(time, A));
            assertThat(digested.compareTo(firstDigested)).isPositive();
            assertThat(digested.compareTo(firstLegacy)).isNegative();
            Bytes timeOrdered = Bytes.wrap(TransferIdKey.timeOrdered(time, A));
            assertThat(timeOrdered.compareTo(firstTimeOrdered)).isPositive();
            assertThat(timeOrdered.compareTo(firstDigested)).isNegative();
            assertThat(TransferIdKey.blockTimeOf(timeOrdered.get())).isEqualTo(time);
        }
        assertThat(TransferIdKey.timeOrdered(7, A)).startsWith(TransferIdKey.TIME_ORDERED).endsWith(A.getBytes(StandardCharsets.UTF_8));
        assertThat(TransferIdKey.legacy(A)).isEqualTo(A.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void shouldRefuseToReadATimeFromAnEarlierVersionsKey() {
        assertThatThrownBy(() -> TransferIdKey.blockTimeOf(TransferIdKey.legacy(A))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TransferIdKey.blockTimeOf(new byte[0])).isInstanceOf(IllegalArgumentException.class);
    }
}
