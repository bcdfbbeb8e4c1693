package dev.starfall.projections.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.LongStream;

import dev.starfall.schemas.avro.TierRule;
import org.junit.jupiter.api.Test;

class TiersTest {

    private final Tiers levana = new Tiers(List.of(new TierRule("legendary", 10_000, 10), new TierRule("ancient", 99_000, 30),
            new TierRule("rare", 322_000, 61), new TierRule("common", 1_000_000, 101)));

    private long[] sizes(long eligible) {
        long[] counts = new long[4];
        LongStream.rangeClosed(1, eligible).forEach(rank -> counts[levana.tierOf(rank, eligible).orElseThrow()]++);
        return counts;
    }

    @Test
    void shouldReproduceThePublicWorkedExampleFor1000Participants() {
        assertThat(sizes(1000)).containsExactly(10, 89, 223, 678);
    }

    @Test
    void shouldGiveTheTopTierOneWalletWhenOnlyOneIsEligible() {
        assertThat(sizes(1)).containsExactly(1, 0, 0, 0);
        assertThat(levana.tierOf(1, 1)).hasValue(0);
    }

    @Test
    void shouldRoundEachCumulativeBoundaryUp() {
        // 150 eligible: ceil(1.5)=2, ceil(14.85)=15, ceil(48.3)=49, 150
        assertThat(sizes(150)).containsExactly(2, 13, 34, 101);
    }

    @Test
    void shouldGiveNoTierBeyondTheEligibleWallets() {
        assertThat(levana.tierOf(11, 10)).isEmpty();
        assertThat(levana.tierOf(1, 0)).isEmpty();
        assertThat(levana.tierOf(0, 10)).isEmpty();
    }
}
