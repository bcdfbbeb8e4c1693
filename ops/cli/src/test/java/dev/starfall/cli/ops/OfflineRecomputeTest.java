package dev.starfall.cli.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import dev.starfall.cli.ops.OfflineRecompute.Ranked;
import dev.starfall.cli.ops.OfflineRecompute.ShowerRanking;
import dev.starfall.cli.ops.OfflineRecompute.Transfer;
import dev.starfall.projections.domain.Tiers;
import dev.starfall.schemas.avro.TierRule;
import dev.starfall.schemas.manifest.ShowerSchedule;
import org.junit.jupiter.api.Test;

class OfflineRecomputeTest {

    private static final Instant OPEN = Instant.parse("2021-11-07T06:00:00Z");
    private static final long T0 = OPEN.toEpochMilli();
    private static final long HOUR = Duration.ofHours(1).toMillis();
    private static final BigInteger MIN = BigInteger.valueOf(8_000_000);

    /** Two showers closing 24 h and 25 h after the open; tiers top 25 % gold, the rest silver. */
    private static OfflineRecompute recompute() {
        ShowerSchedule schedule = new ShowerSchedule(OPEN, List.of(OPEN.plus(Duration.ofHours(24)), OPEN.plus(Duration.ofHours(25))),
                Duration.ofMinutes(5));
        Tiers tiers = new Tiers(List.of(tier("gold", 250_000), tier("silver", 1_000_000)));
        return new OfflineRecompute(schedule, MIN, tiers);
    }

    private static TierRule tier(String name, int ppm) {
        return TierRule.newBuilder().setName(name).setCumulativePpm(ppm).setEggsPerShower(0).build();
    }

    private static Transfer t(String id, String sender, long amount, long at) {
        return new Transfer(id, sender, BigInteger.valueOf(amount), at);
    }

    @Test
    void shouldRankByAmountThenReachedAtThenWallet() {
        OfflineRecompute r = recompute();
        r.add(t("c:1:0", "walletC", 10_000_000, T0 + 3));
        r.add(t("c:2:0", "walletB", 10_000_000, T0 + 1));      // same amount, reached earlier: ranks first
        r.add(t("c:3:0", "walletA", 10_000_000, T0 + 3));      // same amount and time as C: address breaks the tie
        r.add(t("c:4:0", "walletD", 20_000_000, T0 + 9));

        ShowerRanking s = r.shower(1);

        assertThat(s.entries()).extracting(Ranked::wallet).containsExactly("walletD", "walletB", "walletA", "walletC");
        assertThat(s.entries()).extracting(Ranked::rank).containsExactly(1L, 2L, 3L, 4L);
        assertThat(s.entries()).extracting(Ranked::tier).containsExactly("gold", "silver", "silver", "silver");
    }

    @Test
    void shouldSumPerSenderAndKeepContributionsBelowTheMinimumWithoutATier() {
        OfflineRecompute r = recompute();
        r.add(t("c:1:0", "small", 3_000_000, T0 + 1));
        r.add(t("c:1:1", "toppedUp", 5_000_000, T0 + 2));
        r.add(t("c:2:0", "toppedUp", 3_000_000, T0 + 50));     // reaches exactly the minimum
        r.add(t("c:3:0", "big", 9_000_000, T0 + 5));

        ShowerRanking s = r.shower(1);

        assertThat(s.entries()).containsExactly(
                new Ranked(1, "big", BigInteger.valueOf(9_000_000), 1, T0 + 5, "gold"),
                new Ranked(2, "toppedUp", MIN, 2, T0 + 50, "silver"),
                new Ranked(3, "small", BigInteger.valueOf(3_000_000), 1, T0 + 1, null));
        assertThat(s.eligibleWallets()).isEqualTo(2);
        assertThat(s.raised()).isEqualTo(BigInteger.valueOf(20_000_000));
        assertThat(s.transfers()).isEqualTo(4);
        assertThat(s.floors()).extracting(f -> f.floor()).containsExactly(BigInteger.valueOf(9_000_000), MIN);
    }

    @Test
    void shouldCountATransferIdOnceAndSplitByShowerOfBlockTime() {
        OfflineRecompute r = recompute();
        r.add(t("c:1:0", "w", 8_000_000, T0 + 1));
        r.add(t("c:1:0", "w", 8_000_000, T0 + 1));                      // duplicate
        r.add(t("c:2:0", "w", 9_000_000, T0 + 24 * HOUR + 1));         // shower 2
        r.add(t("c:3:0", "w", 9_000_000, T0 - 1));                      // before the open
        r.exclude("c:4:0");
        r.add(t("c:4:0", "w", 1_000_000, T0 + 2));                      // recorded late

        assertThat(r.shower(1).entries()).extracting(Ranked::amount).containsExactly(BigInteger.valueOf(8_000_000));
        assertThat(r.shower(1).duplicates()).isEqualTo(1);
        assertThat(r.shower(2).entries()).extracting(Ranked::amount).containsExactly(BigInteger.valueOf(9_000_000));
        assertThat(r.outsideShowers()).isEqualTo(1);
        assertThat(r.excluded()).isEqualTo(1);
        assertThat(r.showers().keySet()).containsExactly(1, 2);
    }

    @Test
    void shouldGiveAnEmptyShowerWithEmptyFloors() {
        ShowerRanking s = recompute().shower(2);
        assertThat(s.entries()).isEmpty();
        assertThat(s.floors()).allSatisfy(f -> assertThat(f.floor()).isNull());
    }
}
