package dev.starfall.projections.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import dev.starfall.projections.domain.RankingKey;
import dev.starfall.projections.domain.ShowerTotals;
import org.junit.jupiter.api.Test;

class RankSnapshotsTest {

    private static final Duration MAX_AGE = Duration.ofMillis(250);
    private static final BigInteger UST = BigInteger.valueOf(1_000_000);

    private final AtomicLong clock = new AtomicLong(1_000_000_000L);
    private final AtomicInteger scanned = new AtomicInteger();

    private static ShowerTotals counts(long transfers) {
        return new ShowerTotals(transfers, transfers, UST.multiply(BigInteger.valueOf(transfers)), transfers, 0);
    }

    /** A scan of a two-wallet ranking; {@code counts} as the reader finds them before and after it (null: they moved). */
    private RankSnapshot scan(long at, ShowerTotals counts) {
        scanned.incrementAndGet();
        RankSnapshot s = RankSnapshot.of(List.of(new RankingKey(1, UST.multiply(BigInteger.TWO), 1, "terra1a").encode(),
                new RankingKey(1, UST, 1, "terra1b").encode()).iterator(), at);
        return s.counted(counts);
    }

    private void advance(Duration d) {
        clock.addAndGet(d.toNanos());
    }

    @Test
    void shouldScanOnceAndAnswerWhileTheShowerCountsNothingNew() {
        RankSnapshots ranks = new RankSnapshots(MAX_AGE, 8, clock::get);
        ShowerTotals now = counts(5);

        RankSnapshot first = ranks.get(1, now, at -> scan(at, now));
        advance(Duration.ofHours(1));
        RankSnapshot later = ranks.get(1, now.withDuplicate(), at -> scan(at, now));

        assertThat(later).isSameAs(first);
        assertThat(scanned).hasValue(1);
        assertThat(ranks.scans()).isEqualTo(1);
        assertThat(first.builtAtNanos()).isEqualTo(1_000_000_000L);
    }

    @Test
    void shouldAnswerFromAnOlderRankingForAtMostTheMaximumAgeWhileTheShowerCounts() {
        RankSnapshots ranks = new RankSnapshots(MAX_AGE, 8, clock::get);
        RankSnapshot first = ranks.get(1, counts(5), at -> scan(at, counts(5)));

        advance(MAX_AGE.minusMillis(1));
        assertThat(ranks.usable(1, counts(9))).isSameAs(first);
        assertThat(ranks.get(1, counts(9), at -> scan(at, counts(9)))).isSameAs(first);

        advance(Duration.ofMillis(1));
        assertThat(ranks.usable(1, counts(9))).isNull();
        RankSnapshot second = ranks.get(1, counts(9), at -> scan(at, counts(9)));
        assertThat(second).isNotSameAs(first);
        assertThat(second.current(counts(9))).isTrue();
        assertThat(scanned).hasValue(2);
    }

    @Test
    void shouldAnswerFromAScanDuringWhichTheShowerCountedOnlyForTheMaximumAge() {
        RankSnapshots ranks = new RankSnapshots(MAX_AGE, 8, clock::get);
        RankSnapshot moving = ranks.get(1, counts(5), at -> scan(at, null));

        assertThat(ranks.usable(1, counts(5))).isSameAs(moving);
        advance(MAX_AGE);
        assertThat(ranks.usable(1, counts(5))).as("not known to be the shower's ranking at any counts").isNull();
    }

    @Test
    void shouldAnswerForAClosedShowerOnlyWithItsExactFinalRankingAndNeverScanForOne() {
        RankSnapshots ranks = new RankSnapshots(MAX_AGE, 8, clock::get);
        ranks.get(1, counts(5), at -> scan(at, counts(5)));
        ranks.get(2, counts(5), at -> scan(at, counts(5)));

        // shower 1 counted four more transfers and closed a moment after its scan: that scan is young, but not final
        assertThat(ranks.usable(1, counts(9).asClosed())).isNull();
        assertThat(ranks.get(1, counts(9).asClosed(), at -> scan(at, counts(9)))).isNull();
        // shower 2 closed with what its scan counted: final, for good
        advance(Duration.ofDays(1));
        assertThat(ranks.get(2, counts(5).asClosed(), at -> scan(at, counts(5)))).isNotNull();
        assertThat(ranks.get(3, counts(5).asClosed(), at -> scan(at, counts(5)))).as("no scan for a closed shower").isNull();
        assertThat(scanned).hasValue(2);
    }

    @Test
    void shouldScanAClosedShowerOnceReadsWithoutASnapshotWalkedAsManyEntriesAsItRanks() {
        RankSnapshots ranks = new RankSnapshots(MAX_AGE, 1, clock::get);
        ShowerTotals closed = counts(10).asClosed(); // 10 wallets

        ranks.walked(1, 6);
        ranks.walked(2, 20); // another shower's walks count for that one only
        assertThat(ranks.get(1, closed, at -> scan(at, counts(10)))).as("6 of 10 entries walked").isNull();
        ranks.walked(1, 3);
        assertThat(ranks.get(1, closed, at -> scan(at, counts(10)))).as("9 of 10").isNull();
        assertThat(scanned).hasValue(0);
        ranks.walked(1, 1);
        RankSnapshot whole = ranks.get(1, closed, at -> scan(at, counts(10)));
        assertThat(whole).isNotNull();
        assertThat(whole.current(closed)).isTrue();
        assertThat(ranks.get(1, closed, at -> scan(at, counts(10)))).isSameAs(whole);
        assertThat(scanned).hasValue(1);
        assertThat(ranks.walkedWithout(1)).as("counted again from nothing after the snapshot").isZero();

        // shower 2 crowds shower 1 out; shower 1's reads then walk again before it is scanned again
        ranks.get(2, closed, at -> scan(at, counts(10)));
        assertThat(ranks.usable(1, closed)).isNull();
        assertThat(ranks.get(1, closed, at -> scan(at, counts(10)))).isNull();
        ranks.walked(1, 10);
        assertThat(ranks.get(1, closed, at -> scan(at, counts(10)))).isNotNull();
        assertThat(scanned).hasValue(3);
    }

    @Test
    void shouldKeepTheMostRecentlyUsedShowersOnly() {
        RankSnapshots ranks = new RankSnapshots(MAX_AGE, 2, clock::get);
        RankSnapshot one = ranks.get(1, counts(1), at -> scan(at, counts(1)));
        ranks.get(2, counts(1), at -> scan(at, counts(1)));
        ranks.usable(1, counts(1));
        ranks.get(3, counts(1), at -> scan(at, counts(1)));

        assertThat(ranks.usable(1, counts(1))).isSameAs(one);
        assertThat(ranks.usable(2, counts(1))).as("least recently used").isNull();
        assertThat(ranks.usable(3, counts(1))).isNotNull();
        assertThat(ranks.bytes()).isEqualTo(2 * one.bytes());
    }

    @Test
    void shouldLetReadsThatArriveDuringAScanUseWhatItRead() throws Exception {
        RankSnapshots ranks = new RankSnapshots(MAX_AGE, 8, clock::get);
        CountDownLatch scanning = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<RankSnapshot> first = CompletableFuture.supplyAsync(() -> ranks.get(1, counts(5), at -> {
            scanning.countDown();
            try {
                assertThat(release.await(30, TimeUnit.SECONDS)).isTrue();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            return scan(at, counts(5));
        }));
        assertThat(scanning.await(30, TimeUnit.SECONDS)).isTrue();
        AtomicReference<RankSnapshot> second = new AtomicReference<>();
        Thread waiter = new Thread(() -> second.set(ranks.get(1, counts(5), at -> scan(at, counts(5)))));
        waiter.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (waiter.getState() != Thread.State.BLOCKED && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertThat(waiter.getState()).as("the second read waits for the scan under way").isEqualTo(Thread.State.BLOCKED);
        release.countDown();
        waiter.join(30_000);

        assertThat(second.get()).isSameAs(first.get(30, TimeUnit.SECONDS));
        assertThat(scanned).hasValue(1);
    }

    /** A renewal that scans as {@link #scan} does and renews a kept snapshot as {@code moved} says (null: the moves are not known). */
    private RankSnapshots.Renewal renewal(ShowerTotals counts, AtomicReference<RankSnapshot> kept, boolean movesKnown) {
        return new RankSnapshots.Renewal() {
            @Override
            public RankSnapshot scan(long atNanos) {
                return RankSnapshotsTest.this.scan(atNanos, counts);
            }

            @Override
            public RankSnapshot moved(RankSnapshot snapshot, long atNanos) {
                kept.set(snapshot);
                return movesKnown ? RankSnapshot.of(List.<byte[]>of().iterator(), atNanos).counted(counts) : null;
            }
        };
    }

    @Test
    void shouldRenewAKeptSnapshotFromItsMovesRatherThanScanAgain() {
        RankSnapshots ranks = new RankSnapshots(MAX_AGE, 8, clock::get);
        AtomicReference<RankSnapshot> kept = new AtomicReference<>();
        RankSnapshot first = ranks.get(1, counts(5), renewal(counts(5), kept, true));
        assertThat(kept.get()).as("nothing kept to renew: scanned").isNull();
        assertThat(ranks.scans()).isEqualTo(1);

        advance(MAX_AGE);
        RankSnapshot renewed = ranks.get(1, counts(9), renewal(counts(9), kept, true));

        assertThat(kept.get()).isSameAs(first);
        assertThat(renewed.size()).as("the renewal's snapshot").isZero();
        assertThat(renewed.builtAtNanos()).isEqualTo(clock.get());
        assertThat(ranks.scans()).isEqualTo(1);
        assertThat(ranks.renewals()).isEqualTo(1);
        assertThat(ranks.get(1, counts(9), renewal(counts(9), kept, true))).as("kept as any snapshot").isSameAs(renewed);

        advance(MAX_AGE);
        RankSnapshot scannedAgain = ranks.get(1, counts(12), renewal(counts(12), kept, false));
        assertThat(scannedAgain.size()).as("the moves not known: scanned").isEqualTo(2);
        assertThat(ranks.scans()).isEqualTo(2);
        assertThat(ranks.renewals()).isEqualTo(1);
    }

    @Test
    void shouldRenewAClosedShowersKeptSnapshotFromItsMovesWhateverWasWalked() {
        RankSnapshots ranks = new RankSnapshots(MAX_AGE, 8, clock::get);
        AtomicReference<RankSnapshot> kept = new AtomicReference<>();
        ranks.get(1, counts(5), renewal(counts(5), kept, true));
        ShowerTotals closed = counts(10).asClosed();

        assertThat(ranks.get(1, closed, renewal(closed, kept, false))).as("moves not known, nothing walked: no scan").isNull();
        assertThat(ranks.scans()).isEqualTo(1);
        RankSnapshot renewed = ranks.get(1, closed, renewal(closed, kept, true));
        assertThat(renewed).isNotNull();
        assertThat(renewed.current(closed)).isTrue();
        assertThat(ranks.renewals()).isEqualTo(1);
        assertThat(ranks.scans()).isEqualTo(1);
        assertThat(ranks.get(2, closed, renewal(closed, kept, true))).as("nothing kept of shower 2, nothing walked").isNull();
    }

    @Test
    void shouldRefuseANegativeAgeOrNoRoom() {
        assertThatThrownBy(() -> new RankSnapshots(Duration.ofMillis(-1), 8, clock::get)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RankSnapshots(MAX_AGE, 0, clock::get)).isInstanceOf(IllegalArgumentException.class);
    }
}
