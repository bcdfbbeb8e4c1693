package dev.starfall.projections.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import dev.starfall.schemas.avro.TierRule;
import org.junit.jupiter.api.Test;

class TierFloorsTest {

    private static final BigInteger MIN = BigInteger.valueOf(8_000_000);
    private final Tiers levana = new Tiers(List.of(new TierRule("legendary", 10_000, 10), new TierRule("ancient", 99_000, 30),
            new TierRule("rare", 322_000, 61), new TierRule("common", 1_000_000, 101)));

    /** Eligible contributions in rank order: rank r holds MIN + (n - r) units, so every amount differs. */
    private static List<BigInteger> descending(int n) {
        List<BigInteger> out = new ArrayList<>();
        for (int r = 1; r <= n; r++) {
            out.add(MIN.add(BigInteger.valueOf(n - r)));
        }
        return out;
    }

    private static TierFloors.RankedAmounts of(List<BigInteger> ranked) {
        return rank -> ranked.get((int) rank - 1);
    }

    @Test
    void shouldPutEachFloorAtTheTiersLastRank() {
        List<BigInteger> ranked = descending(1000);
        List<TierFloors.Floor> floors = TierFloors.floors(levana, 1000, of(ranked));

        assertThat(floors).extracting(TierFloors.Floor::lastRank).containsExactly(10L, 99L, 322L, 1000L);
        assertThat(floors).extracting(TierFloors.Floor::wallets).containsExactly(10L, 89L, 223L, 678L);
        assertThat(floors).extracting(TierFloors.Floor::floor).containsExactly(ranked.get(9), ranked.get(98), ranked.get(321), MIN);
        assertThat(TierFloors.boundaryRanks(levana, 1000)).containsExactly(10L, 99L, 322L, 1000L);
    }

    @Test
    void shouldGiveTheCommonFloorAsTheLowestEligibleContributionNotTheMinimum() {
        List<BigInteger> ranked = List.of(MIN.multiply(BigInteger.TEN), MIN.add(BigInteger.valueOf(5)));

        assertThat(TierFloors.floors(levana, 2, of(ranked)).get(3).floor()).isEqualTo(MIN.add(BigInteger.valueOf(5)));
    }

    @Test
    void shouldLeaveEmptyTiersWithoutAFloor() {
        List<TierFloors.Floor> one = TierFloors.floors(levana, 1, of(List.of(MIN)));
        assertThat(one).extracting(TierFloors.Floor::floor).containsExactly(MIN, null, null, null);
        assertThat(one).extracting(TierFloors.Floor::lastRank).containsExactly(1L, 0L, 0L, 0L);

        assertThat(TierFloors.floors(levana, 0, of(List.of()))).extracting(TierFloors.Floor::floor).containsOnlyNulls();
        assertThat(TierFloors.boundaryRanks(levana, 0)).isEmpty();
    }

    @Test
    void shouldRoundBoundariesUp() {
        // 150 eligible: ceil(1.5)=2, ceil(14.85)=15, ceil(48.3)=49, 150
        assertThat(TierFloors.floors(levana, 150, of(descending(150)))).extracting(TierFloors.Floor::lastRank)
                .containsExactly(2L, 15L, 49L, 150L);
    }

    @Test
    void shouldLiftAnIneligibleWalletToTheMinimum() {
        Optional<TierFloors.NextTier> next = TierFloors.nextTier(levana, MIN, 1000, BigInteger.valueOf(3_000_000), 0, of(descending(1000)));

        assertThat(next).hasValueSatisfying(n -> {
            assertThat(n.amount()).isEqualTo(BigInteger.valueOf(5_000_000));
            assertThat(n.tier()).isEqualTo("common");
            assertThat(n.targetRank()).isEqualTo(1001);
        });
    }

    @Test
    void shouldMakeTheFirstEligibleWalletLegendary() {
        assertThat(TierFloors.nextTier(levana, MIN, 0, BigInteger.ONE, 0, of(List.of())).orElseThrow().tier()).isEqualTo("legendary");
    }

    @Test
    void shouldAskOneUnitMoreThanTheNextTiersLowestWalletBecauseTiesGoToTheEarlier() {
        List<BigInteger> ranked = descending(1000);
        // rank 500 is common; the lowest rare wallet is at rank 322
        TierFloors.NextTier next = TierFloors.nextTier(levana, MIN, 1000, ranked.get(499), 500, of(ranked)).orElseThrow();

        assertThat(next.tier()).isEqualTo("rare");
        assertThat(next.targetRank()).isEqualTo(322);
        assertThat(next.amount()).isEqualTo(ranked.get(321).subtract(ranked.get(499)).add(BigInteger.ONE));
    }

    @Test
    void shouldAskOneUnitWhenTiedWithTheTarget() {
        List<BigInteger> ranked = new ArrayList<>(descending(100));
        ranked.set(2, ranked.get(1)); // ranks 2 and 3 tie; 100 eligible: legendary = rank 1, ancient = ranks 2..10
        ranked.set(0, ranked.get(1)); // rank 1 ties too
        TierFloors.NextTier next = TierFloors.nextTier(levana, MIN, 100, ranked.get(1), 2, of(ranked)).orElseThrow();

        assertThat(next.tier()).isEqualTo("legendary");
        assertThat(next.amount()).isEqualTo(BigInteger.ONE);
    }

    @Test
    void shouldSkipEmptyTiersWhenLifting() {
        // 2 eligible: legendary = rank 1, ancient and rare empty, common = rank 2
        List<BigInteger> ranked = List.of(MIN.add(BigInteger.TEN), MIN);
        TierFloors.NextTier next = TierFloors.nextTier(levana, MIN, 2, MIN, 2, of(ranked)).orElseThrow();

        assertThat(next.tier()).isEqualTo("legendary");
        assertThat(next.amount()).isEqualTo(BigInteger.valueOf(11));
    }

    @Test
    void shouldHaveNoNextTierAtTheTop() {
        assertThat(TierFloors.nextTier(levana, MIN, 1, MIN, 1, of(List.of(MIN)))).isEmpty();
    }

    @Test
    void shouldLiftExactlyToTheTargetOnRandomRankings() {
        java.util.Random random = new java.util.Random(99);
        for (int round = 0; round < 300; round++) {
            int n = 1 + random.nextInt(300);
            List<BigInteger> ranked = new ArrayList<>();
            BigInteger a = MIN.add(BigInteger.valueOf(random.nextInt(1000)));
            for (int r = 0; r < n; r++) {
                ranked.add(0, a);
                a = a.add(BigInteger.valueOf(random.nextInt(3))); // ties are common
            }
            int rank = 1 + random.nextInt(n);
            int tier = levana.tierOf(rank, n).orElseThrow();
            Optional<TierFloors.NextTier> next = TierFloors.nextTier(levana, MIN, n, ranked.get(rank - 1), rank, of(ranked));
            if (tier == 0) {
                assertThat(next).isEmpty();
                continue;
            }
            TierFloors.NextTier lift = next.orElseThrow();
            BigInteger target = ranked.get((int) lift.targetRank() - 1);
            BigInteger after = ranked.get(rank - 1).add(lift.amount());
            // topped up later than everyone: ranks above all with a smaller amount, below all with an equal one
            assertThat(after).isGreaterThan(target);
            assertThat(after.subtract(BigInteger.ONE)).isLessThanOrEqualTo(target);
            long newRank = 1 + ranked.stream().filter(x -> x.compareTo(after) >= 0).count();
            assertThat(levana.tierOf(newRank, n).orElseThrow()).isLessThan(tier);
        }
    }
}
