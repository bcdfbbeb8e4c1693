package dev.starfall.projections.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.OptionalLong;

import dev.starfall.schemas.avro.SourceCursor;
import org.junit.jupiter.api.Test;

class ChainWatermarkTest {

    private static SourceCursor cursor(String id, long newest, Long chainTime) {
        return SourceCursor.newBuilder().setSourceId(id).setPosition("p").setNewestBlockHeight(1).setNewestBlockTime(Instant.ofEpochMilli(newest))
                .setPublishedCount(1).setUpdatedAt(Instant.ofEpochMilli(0)).setChainTime(chainTime == null ? null : Instant.ofEpochMilli(chainTime))
                .build();
    }

    @Test
    void shouldTakeTheSlowestSourceAndItsChainHead() {
        assertThat(ChainWatermark.ofSources(List.of(cursor("a", 100, null), cursor("b", 50, 300L)))).hasValue(100);
        assertThat(ChainWatermark.ofSources(List.of(cursor("a", 100, 90L), cursor("b", 50, 80L)))).hasValue(80);
        assertThat(ChainWatermark.ofSources(List.of())).isEmpty();
    }

    @Test
    void shouldBeAdvancedByTheNewestProcessedBlockTime() {
        assertThat(ChainWatermark.combine(OptionalLong.of(100), 150)).isEqualTo(150);
        assertThat(ChainWatermark.combine(OptionalLong.of(100), 50)).isEqualTo(100);
        assertThat(ChainWatermark.combine(OptionalLong.empty(), ChainWatermark.NONE)).isEqualTo(ChainWatermark.NONE);
    }

    @Test
    void shouldLetTheChainTimeAdvanceTheInBandWatermarkOnlyOnceEverythingPublishedWasProcessed() {
        assertThat(ChainWatermark.of(70, List.of())).as("no cursors: in-band alone").isEqualTo(70);
        assertThat(ChainWatermark.of(70, List.of(cursor("a", 100, 500L)))).as("transfers up to 100 not all processed").isEqualTo(70);
        assertThat(ChainWatermark.of(100, List.of(cursor("a", 100, 500L)))).as("caught up: chain time beyond the last transfer").isEqualTo(500);
        assertThat(ChainWatermark.of(600, List.of(cursor("a", 100, 500L)))).as("a cursor behind the transfers never lowers it").isEqualTo(600);
        assertThat(ChainWatermark.of(600, List.of(cursor("a", 100, 500L), cursor("b", 50, 300L)))).as("several sources: capped by the slowest")
                .isEqualTo(300);
        assertThat(ChainWatermark.of(70, List.of(cursor("a", 100, 500L), cursor("b", 50, 300L)))).isEqualTo(70);
    }
}
