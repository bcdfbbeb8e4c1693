package dev.starfall.projections;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

import dev.starfall.projections.query.NextTierView;
import dev.starfall.projections.query.RankSnapshots;
import dev.starfall.projections.query.ShowerReader;
import dev.starfall.projections.query.WalletStanding;
import dev.starfall.schemas.manifest.ShowerSchedule;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A reader with rank snapshots against the plain reader (a scan for every rank) on the same stores of the full topology. */
class RankSnapshotReaderTest {

    private static final BigInteger UST = BigInteger.valueOf(1_000_000);
    private static final Duration MAX_AGE = Duration.ofMillis(250);

    @TempDir
    Path stateDir;

    private Harness h;
    private ShowerSchedule schedule;
    private final AtomicLong clock = new AtomicLong();
    private RankSnapshots ranks;
    private ShowerReader snapshots;
    private BigInteger minimum;
    private final List<String> wallets = new ArrayList<>();
    private int tx;

    @BeforeEach
    void setUp() {
        h = new Harness(Harness.manifestWithCommitment("f9fa5c699354e46a448f75765ae99bf06741d541ab6c337c0f3722850adbb136"), stateDir);
        schedule = h.manifest.schedule();
        minimum = h.manifest.minimumContribution();
        ranks = new RankSnapshots(MAX_AGE, 8, clock::get);
        snapshots = h.reader(ranks);
        for (int i = 0; i < 60; i++) {
            wallets.add("terra1wallet" + i);
        }
    }

    @AfterEach
    void tearDown() {
        h.close();
    }

    /** {@code n} transfers into shower 1 from random wallets (top-ups among them, some below the minimum). */
    private void transfers(int n, Random random) {
        Instant close = schedule.closeOf(1);
        for (int i = 0; i < n; i++) {
            BigInteger amount = UST.multiply(BigInteger.valueOf(1 + random.nextInt(30))).add(BigInteger.valueOf(random.nextInt(1000)));
            h.send("tx" + tx++, wallets.get(random.nextInt(wallets.size())), amount, close.minusSeconds(3000 - tx));
        }
    }

    private void assertSameAnswers(int shower) {
        int seen = 0;
        for (String w : wallets) {
            Optional<WalletStanding> expected = h.reader.wallet(shower, w, minimum);
            Optional<WalletStanding> actual = snapshots.wallet(shower, w, minimum);
            assertThat(actual).as("standing of %s", w).isEqualTo(expected);
            if (expected.isPresent()) {
                seen++;
                Optional<NextTierView> next = h.reader.nextTier(shower, w);
                assertThat(snapshots.nextTier(shower, actual.get())).as("next tier of %s", w).isEqualTo(next);
            }
        }
        assertThat(seen).isPositive();
        assertThat(snapshots.scannedFloors(shower)).isEqualTo(h.reader.scannedFloors(shower));
    }

    @Test
    void shouldGiveTheSameStandingsTiersAndFloorsAsAScanFromOneScanOfTheShower() {
        transfers(200, new Random(1));

        assertSameAnswers(1);
        assertThat(ranks.scans()).isEqualTo(1);
    }

    @Test
    void shouldPlaceAWalletByItsCurrentContributionAndTheOthersAsScannedUntilTheSnapshotAges() {
        transfers(200, new Random(2));
        Optional<WalletStanding> before = snapshots.wallet(1, wallets.get(0), minimum);
        WalletStanding leader = h.reader.leaderboard(1, 0, 1).entries().isEmpty() ? null
                : snapshots.wallet(1, h.reader.leaderboard(1, 0, 1).entries().get(0).wallet(), minimum).orElseThrow();
        assertThat(leader).isNotNull();
        assertThat(leader.rank()).isEqualTo(1);
        String climber = h.reader.leaderboard(1, 20, 1).entries().get(0).wallet();
        String overtaken = h.reader.leaderboard(1, 0, 1).entries().get(0).wallet();

        h.send("tx" + tx++, climber, UST.multiply(BigInteger.valueOf(10_000)), schedule.closeOf(1).minusSeconds(10));

        WalletStanding climbed = snapshots.wallet(1, climber, minimum).orElseThrow();
        assertThat(climbed.rank()).as("its own new contribution, placed in the ranking as scanned").isEqualTo(1);
        assertThat(climbed.amount()).isEqualTo(h.reader.wallet(1, climber, minimum).orElseThrow().amount());
        assertThat(snapshots.wallet(1, overtaken, minimum).orElseThrow().rank()).as("the others as scanned, for at most the maximum age")
                .isEqualTo(1);
        assertThat(h.reader.wallet(1, overtaken, minimum).orElseThrow().rank()).isEqualTo(2);
        assertThat(before).isPresent();

        clock.addAndGet(MAX_AGE.toNanos());
        assertSameAnswers(1);
        assertThat(ranks.scans()).as("renewed from the ranking's moves, not scanned again").isEqualTo(1);
        assertThat(ranks.renewals()).isEqualTo(1);
    }

    @Test
    void shouldRenewACountingShowersSnapshotFromItsMovesAsAScanWouldRead() {
        Random random = new Random(6);
        transfers(100, random);
        assertSameAnswers(1);
        for (int i = 1; i <= 20; i++) {
            transfers(1 + random.nextInt(30), random);
            clock.addAndGet(MAX_AGE.toNanos());
            assertSameAnswers(1);
            assertThat(ranks.renewals()).isEqualTo(i);
        }
        assertThat(ranks.scans()).isEqualTo(1);
    }

    @Test
    void shouldScanAgainWhenTheMovesSinceTheSnapshotAreNoLongerKept() {
        transfers(50, new Random(7));
        assertSameAnswers(1);
        // more moves of the partition than the store keeps since the snapshot, from wallets that are not read
        Instant early = schedule.closeOf(1).minusSeconds(4000);
        for (int i = 0; i < RankAnchors.MOVES + 1; i++) {
            h.send("fill" + i, "terra1other" + (i % 500), UST, early);
        }
        transfers(5, new Random(8));
        clock.addAndGet(MAX_AGE.toNanos());

        assertSameAnswers(1);
        assertThat(ranks.scans()).isEqualTo(2);
        assertThat(ranks.renewals()).isZero();
    }

    @Test
    void shouldNotScanAgainForDuplicatesOrForAShowerThatCountsNothing() {
        transfers(100, new Random(3));
        assertSameAnswers(1);
        h.send("tx0", wallets.get(0), UST, schedule.closeOf(1).minusSeconds(3000 - 1)); // tx0 again: a duplicate

        clock.addAndGet(Duration.ofMinutes(5).toNanos());
        assertSameAnswers(1);
        assertThat(ranks.scans()).isEqualTo(1);
    }

    @Test
    void shouldAnswerAClosedShowerExactlyEvenRightAfterAScanOfItWhileOpen() {
        transfers(150, new Random(4));
        assertSameAnswers(1);
        transfers(50, new Random(5));

        h.chainReached("src", schedule.finalAt(1).plusSeconds(1));
        assertThat(h.reader.status(1)).isEqualTo(ShowerSchedule.Status.CLOSED);

        // no time has passed: the open shower's snapshot is young, but a closed shower's answers are final
        WalletStanding first = snapshots.wallet(1, wallets.get(0), minimum).orElseThrow();
        assertThat(first).isEqualTo(h.reader.wallet(1, wallets.get(0), minimum).orElseThrow());
        assertThat(ranks.scans()).as("the snapshot from while it counted, renewed to the final ranking from the moves").isEqualTo(1);
        assertThat(ranks.renewals()).isEqualTo(1);
        assertSameAnswers(1);
        assertThat(ranks.scans()).isEqualTo(1);
        assertThat(ranks.renewals()).isEqualTo(1);
    }

    @Test
    void shouldScanAClosedShowerWithoutAKeptSnapshotOnlyOnceReadsWalkedAsManyEntriesAsItRanks() {
        transfers(200, new Random(4));
        h.chainReached("src", schedule.finalAt(1).plusSeconds(1));
        assertThat(h.reader.status(1)).isEqualTo(ShowerSchedule.Status.CLOSED);

        WalletStanding first = snapshots.wallet(1, wallets.get(0), minimum).orElseThrow();
        assertThat(first).isEqualTo(h.reader.wallet(1, wallets.get(0), minimum).orElseThrow());
        assertThat(ranks.scans()).as("a scan down to the wallet, no snapshot yet").isZero();
        assertSameAnswers(1);
        assertThat(ranks.scans()).as("one snapshot of the closed shower, once reads had walked as many entries as it ranks")
                .isEqualTo(1);
        assertSameAnswers(1);
        assertThat(ranks.scans()).isEqualTo(1);
        assertThat(ranks.renewals()).isZero();
    }
}
