package dev.starfall.projections;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;

import dev.starfall.projections.query.FloorView;
import dev.starfall.projections.query.LeaderboardEntry;
import dev.starfall.projections.query.MeteorView;
import dev.starfall.projections.query.ShowerView;
import dev.starfall.projections.query.TelescopeEntry;
import dev.starfall.projections.query.WalletCave;
import dev.starfall.schemas.avro.EggDrawn;
import dev.starfall.schemas.avro.EggRevealRejected;
import dev.starfall.schemas.avro.EggWinner;
import dev.starfall.schemas.avro.ShowerResult;
import dev.starfall.schemas.avro.ShowerSummary;
import dev.starfall.schemas.avro.TierFloor;
import dev.starfall.schemas.avro.TransferObserved;
import dev.starfall.schemas.manifest.ShowerSchedule;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.internals.WrappedStateStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShowerClosingTopologyTest {

    private static final BigInteger UST = BigInteger.valueOf(1_000_000);
    private static final String SEED = "5eed".repeat(16);
    private static final String COMMITMENT = "f9fa5c699354e46a448f75765ae99bf06741d541ab6c337c0f3722850adbb136";

    @TempDir
    Path stateDir;

    private Harness h;
    private ShowerSchedule schedule;

    @BeforeEach
    void setUp() {
        h = new Harness(Harness.manifestWithCommitment(COMMITMENT), stateDir);
        schedule = h.manifest.schedule();
    }

    @AfterEach
    void tearDown() {
        h.close();
    }

    private static BigInteger ust(long n) {
        return UST.multiply(BigInteger.valueOf(n));
    }

    private void threeWalletsInShower1() {
        Instant close = schedule.closeOf(1);
        h.send("a", "w1", ust(30), close.minusSeconds(100));
        h.send("b", "w2", ust(8), close.minusSeconds(90));
        h.send("c", "w3", ust(5), close.minusSeconds(80));
        h.send("d", "w4", ust(8), close.minusSeconds(95)); // ties with w2 and reached it earlier
    }

    @Test
    void shouldEmitResultsAndSummaryOnlyAfterCloseAndGraceOfChainTime() {
        threeWalletsInShower1();
        h.chainReached("src", schedule.finalAt(1));
        assertThat(h.results.isEmpty()).as("exactly at close plus grace the shower is still closing").isTrue();
        assertThat(h.reader.status(1)).isEqualTo(ShowerSchedule.Status.CLOSING);

        h.chainReached("src", schedule.finalAt(1).plusMillis(1));

        List<TestRecord<String, ShowerResult>> results = h.results.readRecordsToList();
        assertThat(results).extracting(TestRecord::key).containsExactly("1:w1", "1:w4", "1:w2");
        assertThat(results).extracting(r -> r.value().getRank()).containsExactly(1L, 2L, 3L);
        assertThat(results).extracting(r -> r.value().getTier()).containsExactly("legendary", "common", "common");
        assertThat(results.get(0).value().getContribution().toBigIntegerExact()).isEqualTo(ust(30));
        assertThat(results.get(0).timestamp()).isEqualTo(schedule.finalAt(1).toEpochMilli());
        ShowerSummary summary = h.summaries.readKeyValue().value;
        assertThat(summary.getShower()).isEqualTo(1);
        assertThat(summary.getEligibleWallets()).isEqualTo(3);
        assertThat(summary.getWallets()).isEqualTo(4);
        assertThat(summary.getRaised().toBigIntegerExact()).isEqualTo(ust(51));
        assertThat(summary.getFloors()).extracting(f -> f.getFloor() == null ? null : f.getFloor().toBigIntegerExact())
                .containsExactly(ust(30), null, null, ust(8));
        assertThat(h.reader.status(1)).isEqualTo(ShowerSchedule.Status.CLOSED);
        assertThat(h.reader.status(2)).isEqualTo(ShowerSchedule.Status.OPEN);
        assertThat(h.reader.status(3)).isEqualTo(ShowerSchedule.Status.UPCOMING);
    }

    @Test
    void shouldNeverCloseOnTheWallClockAlone() {
        threeWalletsInShower1();
        h.driver.advanceWallClockTime(java.time.Duration.ofDays(3650));

        assertThat(h.results.isEmpty()).isTrue();
        assertThat(h.reader.status(1)).isEqualTo(ShowerSchedule.Status.OPEN);
    }

    @Test
    void shouldTakeTheSlowestSourceAsTheWatermark() {
        threeWalletsInShower1();
        h.chainReached("slow", schedule.closeOf(1));
        h.chainReached("fast", schedule.finalAt(3));
        assertThat(h.results.isEmpty()).isTrue();

        h.chainReached("slow", schedule.finalAt(1).plusSeconds(1));

        assertThat(h.results.readRecordsToList()).hasSize(3);
    }

    @Test
    void shouldCloseWhenTransfersOfLaterShowersPassTheGrace() {
        threeWalletsInShower1();
        h.send("later", "w9", ust(9), schedule.finalAt(1).plusMillis(1));

        assertThat(h.resultsByKey()).containsOnlyKeys("1:w1", "1:w4", "1:w2");
    }

    @Test
    void shouldRecordALateTransferAndChangeNothingFinal() {
        threeWalletsInShower1();
        h.chainReached("src", schedule.finalAt(1).plusSeconds(1));
        Map<String, ShowerResult> before = h.resultsByKey();
        h.summaries.readRecordsToList();

        h.send("late", "w3", ust(100), schedule.closeOf(1).minusSeconds(1));
        h.send("late", "w3", ust(100), schedule.closeOf(1).minusSeconds(1)); // re-ingested: a duplicate, not late twice

        assertThat(before).hasSize(3);
        assertThat(h.results.isEmpty()).isTrue();
        assertThat(h.summaries.isEmpty()).isTrue();
        TestRecord<String, TransferObserved> late = h.late.readRecord();
        assertThat(late.key()).isEqualTo("terra-classic:late:0");
        assertThat(h.late.isEmpty()).isTrue();
        assertThat(h.totals.get(1).late()).isEqualTo(1);
        assertThat(h.totals.get(1).duplicates()).isEqualTo(1);
        assertThat(h.reader.wallet(1, "w3", h.manifest.minimumContribution()).orElseThrow().amount()).isEqualTo("5000000");
        ShowerView view = h.reader.summary(1).orElseThrow();
        assertThat(view.late()).isEqualTo(1);
        assertThat(view.status()).isEqualTo("CLOSED");
        assertThat(view.raised()).isEqualTo("51000000");
    }

    @Test
    void shouldCloseAnEmptyShowerWithAnEmptySummary() {
        h.chainReached("src", schedule.finalAt(2).plusSeconds(1));

        assertThat(h.results.isEmpty()).isTrue();
        List<ShowerSummary> summaries = h.summaries.readValuesToList();
        assertThat(summaries).extracting(ShowerSummary::getShower).containsExactly(1, 2);
        assertThat(summaries.get(0).getEligibleWallets()).isZero();
        assertThat(summaries.get(0).getFloors()).allSatisfy(f -> assertThat(f.getFloor()).isNull());
    }

    @Test
    void shouldCollectAWalletsMeteorsInItsCave() {
        h.send("a1", "w1", ust(10), schedule.closeOf(1).minusSeconds(5));
        h.send("a2", "w1", ust(3), schedule.closeOf(2).minusSeconds(5)); // below the minimum: no meteor
        h.send("a3", "w1", ust(20), schedule.closeOf(3).minusSeconds(5));
        h.send("b3", "w2", ust(40), schedule.closeOf(3).minusSeconds(5));
        h.send("a4", "w1", ust(9), schedule.closeOf(4).minusSeconds(5));
        h.chainReached("src", schedule.finalAt(3).plusSeconds(1));

        List<MeteorView> meteors = h.caves.meteors("w1");
        assertThat(meteors).containsExactly(new MeteorView(1, 1, "legendary", "10000000"), new MeteorView(3, 2, "common", "20000000"));
        WalletCave cave = dev.starfall.projections.query.CaveReader.combine("w1", meteors,
                List.of(h.reader.wallet(4, "w1", h.manifest.minimumContribution()).orElseThrow(),
                        h.reader.wallet(3, "w1", h.manifest.minimumContribution()).orElseThrow()));
        assertThat(cave.live()).extracting(s -> s.shower()).containsExactly(4);
        assertThat(h.caves.meteors("nobody")).isEmpty();
    }

    @Test
    void shouldPageAClosedShowersLeaderboardFromItsAnchorsAsOneScanFromTheTopPagesIt() {
        for (int i = 0; i < 600; i++) {
            BigInteger amount = i % 10 == 0 ? ust(3) : ust(8 + i % 97); // ties, and wallets under the minimum at the bottom
            h.send("c" + i, "w" + i, amount, schedule.closeOf(2).minusSeconds(1000 - i));
        }
        for (int i = 0; i < 600; i++) {
            h.send("o" + i, "w" + i, ust(8 + i % 89), schedule.closeOf(3).minusSeconds(1000 - i));
        }
        h.chainReached("src", schedule.finalAt(2).plusSeconds(1));
        assertThat(h.totals.get(2).closed()).isTrue();
        assertThat(h.totals.get(3).closed()).isFalse();
        RankedContributionsStore store = ((WrappedStateStore<?, ?, ?>) h.driver.getKeyValueStore(Stores.CONTRIBUTIONS))
                .findInner(RankedContributionsStore.class);

        for (int shower : List.of(2, 3)) {
            List<LeaderboardEntry> all = h.reader.leaderboard(shower, 0, 1_000).entries();
            assertThat(all).hasSize(600);
            assertThat(store.anchoredFor(shower)).isFalse();
            // deep first, then back, a page across the minimum, the last rank, and past the end
            for (int offset : List.of(450, 451, 120, 530, 599, 600, 750, 1)) {
                assertThat(h.reader.leaderboard(shower, offset, 25).entries()).as("shower %d from rank %d", shower, offset + 1)
                        .isEqualTo(all.subList(Math.min(offset, 600), Math.min(offset + 25, 600)));
            }
            assertThat(store.anchoredFor(shower)).as("shower %d: a closed shower's pages start from anchors, an open one's scan", shower)
                    .isEqualTo(shower == 2);
        }
        assertThat(h.reader.leaderboard(2, 0, 1_000).entries().get(539).tier()).as("rank 540 is the last eligible one").isNotNull();
        assertThat(h.reader.leaderboard(2, 540, 25).entries()).extracting(LeaderboardEntry::tier).containsOnlyNulls();
    }

    @Test
    void shouldKeepTheFinalFloorsOfEveryClosedShowerInTheTelescope() {
        for (int i = 0; i < 200; i++) {
            h.send("t" + i, "w" + i, ust(8 + i), schedule.closeOf(2).minusSeconds(1000 - i));
        }
        h.chainReached("src", schedule.finalAt(2).plusSeconds(1));

        List<TelescopeEntry> telescope = h.telescope.telescope();
        assertThat(telescope).extracting(TelescopeEntry::shower).containsExactly(1, 2);
        // 200 eligible: last ranks 2, 20, 65, 200; rank r holds 8 + (200 - r) UST
        assertThat(telescope.get(1).floors()).extracting(FloorView::lastRank).containsExactly(2L, 20L, 65L, 200L);
        assertThat(telescope.get(1).floors()).extracting(FloorView::floor)
                .containsExactly(ust(206).toString(), ust(188).toString(), ust(143).toString(), ust(8).toString());
        assertThat(h.reader.scannedFloors(2)).isEqualTo(telescope.get(1).floors()).as("live floors of a closed shower equal the final ones");
        assertThat(h.reader.floors(2)).isEqualTo(telescope.get(1).floors());
    }

    @Test
    void shouldAnswerAClosedShowersFloorsFromTheTelescopeAndAnOpenOnesFromItsRanking() {
        for (int i = 0; i < 50; i++) {
            h.send("c" + i, "w" + i, ust(8 + i), schedule.closeOf(2).minusSeconds(1000 - i));
            h.send("o" + i, "w" + i, ust(8 + 2 * i), schedule.closeOf(3).minusSeconds(1000 - i));
        }
        h.chainReached("src", schedule.finalAt(2).plusSeconds(1));
        assertThat(h.totals.get(2).closed()).isTrue();
        assertThat(h.totals.get(3).closed()).isFalse();

        // stand a marker in for shower 2's final floors: a closed shower's floors are read from there
        KeyValueStore<String, ShowerSummary> finals = h.driver.getKeyValueStore(Stores.TELESCOPE);
        ShowerSummary closed = finals.get("2");
        ShowerSummary marked = ShowerSummary.newBuilder(closed).setFloors(List.of(TierFloor.newBuilder(closed.getFloors().get(0))
                .setFloor(new java.math.BigDecimal(42)).build())).build();
        finals.put("2", marked);
        assertThat(h.reader.floors(2)).extracting(FloorView::floor).containsExactly("42");
        assertThat(h.reader.scannedFloors(2)).hasSize(4);
        // a copy that disagrees with the totals (not this shower's close) is not trusted
        finals.put("2", ShowerSummary.newBuilder(marked).setEligibleWallets(closed.getEligibleWallets() + 1).build());
        assertThat(h.reader.floors(2)).isEqualTo(h.reader.scannedFloors(2));
        // an open shower has no final floors: always its ranking
        finals.put("3", marked);
        assertThat(h.reader.floors(3)).isEqualTo(h.reader.scannedFloors(3)).hasSize(4);
        assertThat(h.reader.floors(3)).extracting(FloorView::floor).doesNotContain("42");
    }

    @Test
    void shouldAnswerLiveFloorsAndTheAmountToTheNextTier() {
        for (int i = 0; i < 100; i++) {
            h.send("t" + i, "w" + i, ust(8 + i), schedule.closeOf(5).minusSeconds(1000 - i));
        }
        h.send("small", "tiny", ust(2), schedule.closeOf(5).minusSeconds(1));
        // 100 eligible: legendary rank 1 (107 UST), ancient to rank 10 (98 UST), rare to 33 (75 UST), common to 100 (8 UST)
        assertThat(h.reader.floors(5)).extracting(FloorView::floor)
                .containsExactly(ust(107).toString(), ust(98).toString(), ust(75).toString(), ust(8).toString());

        assertThat(h.reader.nextTier(5, "w0").orElseThrow().amount()).as("rank 100 -> outrank rank 33").isEqualTo(ust(67).add(BigInteger.ONE).toString());
        assertThat(h.reader.nextTier(5, "w0").orElseThrow().tier()).isEqualTo("rare");
        assertThat(h.reader.nextTier(5, "tiny").orElseThrow().amount()).isEqualTo(ust(6).toString());
        assertThat(h.reader.nextTier(5, "w99")).as("the top wallet").isEmpty();
        assertThat(h.reader.nextTier(5, "nobody")).isEmpty();
        assertThat(h.reader.summary(5).orElseThrow().status()).isEqualTo("OPEN");
    }

    @Test
    void shouldDrawEggsWhenTheSeedIsRevealedAfterTheClose() {
        for (int i = 0; i < 300; i++) {
            h.send("t" + i, "w" + i, ust(8 + i % 50), schedule.closeOf(1).minusSeconds(1000 - i));
        }
        h.chainReached("src", schedule.finalAt(1).plusSeconds(1));
        assertThat(h.eggs.isEmpty()).as("no seed, no eggs").isTrue();
        Map<String, ShowerResult> results = h.resultsByKey();

        h.reveal(SEED);

        List<EggDrawn> eggs = h.eggs.readValuesToList();
        assertThat(eggs).extracting(EggDrawn::getTier).containsExactly("legendary", "ancient", "rare", "common");
        // 300 eligible: legendary 3 wallets < 10 eggs -> all win; ancient 27, rare 67, common 203 wallets
        assertThat(eggs).extracting(e -> e.getWinners().size()).containsExactly(3, 27, 61, 101);
        for (EggDrawn e : eggs) {
            for (EggWinner w : e.getWinners()) {
                ShowerResult r = results.get("1:" + w.getWallet());
                assertThat(r.getTier()).isEqualTo(e.getTier());
                assertThat(r.getRank()).isEqualTo(w.getRank());
            }
            List<dev.starfall.projections.domain.EggDraw.Candidate> candidates = results.values().stream()
                    .filter(r -> r.getTier().equals(e.getTier()))
                    .map(r -> new dev.starfall.projections.domain.EggDraw.Candidate(r.getWallet(), r.getRank(), r.getContribution().toBigIntegerExact()))
                    .toList();
            assertThat(e.getWinners()).extracting(EggWinner::getWallet).as("recomputable from the results topic and the seed")
                    .isEqualTo(dev.starfall.projections.domain.EggDraw.draw(java.util.HexFormat.of().parseHex(SEED), 1, e.getTier(), candidates,
                            e.getEggs()).stream().map(w -> w.candidate().wallet()).toList());
        }

        h.reveal(SEED);
        assertThat(h.eggs.readValuesToList()).as("a repeated reveal re-emits identical draws").isEqualTo(eggs);
    }

    @Test
    void shouldDrawEggsAtCloseOnceTheSeedIsKnown() {
        h.reveal(SEED);
        assertThat(h.eggs.isEmpty()).isTrue();
        h.send("a", "w1", ust(10), schedule.closeOf(2).minusSeconds(5));

        h.chainReached("src", schedule.finalAt(2).plusSeconds(1));

        List<TestRecord<String, EggDrawn>> eggs = h.eggs.readRecordsToList();
        assertThat(eggs).extracting(TestRecord::key).containsExactly("1:legendary", "1:ancient", "1:rare", "1:common",
                "2:legendary", "2:ancient", "2:rare", "2:common");
        assertThat(eggs.get(4).value().getWinners()).extracting(EggWinner::getWallet).containsExactly("w1");
    }

    @Test
    void shouldRejectARevealThatDoesNotMatchTheCommitment() {
        h.send("a", "w1", ust(10), schedule.closeOf(1).minusSeconds(5));
        h.chainReached("src", schedule.finalAt(1).plusSeconds(1));

        h.reveal("00".repeat(32));
        h.reveal("not hex");

        List<EggRevealRejected> rejected = h.rejectedReveals.readValuesToList();
        assertThat(rejected).extracting(r -> r.getReason().name()).containsExactly("COMMITMENT_MISMATCH", "MALFORMED_SEED");
        assertThat(rejected.get(0).getCommitment()).isEqualTo(COMMITMENT);
        assertThat(h.eggs.isEmpty()).isTrue();
    }

    /**
     * "Done when": a simulated 44-shower event (a few thousand transfers, re-ingests, out of order
     * within the grace period) gives a results topic equal to the reference computation over the raw log.
     */
    @Test
    void shouldMatchTheReferenceOverA44ShowerEvent() {
        Random random = new Random(44);
        List<TransferObserved> log = new ArrayList<>();
        int tx = 0;
        for (int shower = 1; shower <= 44; shower++) {
            long start = schedule.startOf(shower).toEpochMilli();
            long length = schedule.closeOf(shower).toEpochMilli() - start;
            int transfers = 40 + random.nextInt(80);
            for (int i = 0; i < transfers; i++) {
                long at = start + 1 + Math.floorMod(random.nextLong(), length);
                BigInteger amount = BigInteger.valueOf(1 + random.nextInt(30)).multiply(UST)
                        .add(BigInteger.valueOf(random.nextInt(3) == 0 ? 0 : random.nextInt(1_000_000)));
                log.add(h.transfer("tx" + tx++, random.nextInt(2), "terra1w" + random.nextInt(150), amount, Instant.ofEpochMilli(at)));
            }
        }
        // arrival: by block time plus a random delay shorter than half the grace period (out of order, never late), with re-ingests
        long grace = schedule.grace().toMillis();
        Map<TransferObserved, Long> arrivesAt = new java.util.IdentityHashMap<>();
        log.forEach(t -> arrivesAt.put(t, t.getBlockTime().toEpochMilli() + random.nextInt((int) (grace / 2))));
        List<TransferObserved> arrivals = new ArrayList<>(log);
        arrivals.sort(java.util.Comparator.comparingLong(arrivesAt::get));
        for (int i = 1; i < arrivals.size(); i++) {
            if (random.nextInt(15) == 0) {
                arrivals.add(i, arrivals.get(random.nextInt(i)));
                i++;
            }
        }
        arrivals.forEach(h::pipe);
        h.chainReached("src", schedule.finalAt(44).plusSeconds(1));

        Map<String, String> expected = new Reference(h.manifest, arrivals).results();
        assertThat(new Reference(h.manifest, arrivals).late).as("nothing late in this stream").isEmpty();
        assertThat(Reference.describe(h.resultsByKey())).isEqualTo(expected);
        assertThat(expected).hasSizeGreaterThan(2000);
        assertThat(h.summaries.readValuesToList()).hasSize(44);
        assertThat(h.telescope.telescope()).hasSize(44);
    }

    /**
     * The flaw of a watermark read from the global cursor store: the ingestor commits a cursor whose
     * chain time is hours ahead together with a batch of transfers, and the global store can show
     * the cursor before the tasks processed the batch. Previously the next punctuation closed
     * showers 1 to 9 empty and the transfers came out late; now the showers wait for the transfers.
     */
    @Test
    void shouldCountTheTransfersOfABatchWhoseCursorWasSeenFirst() {
        Instant newest = schedule.closeOf(3).minusSeconds(10);
        h.cursor("src", newest, schedule.finalAt(10));
        h.seconds(1);

        assertThat(h.summaries.isEmpty()).as("nothing closes before the batch is processed").isTrue();
        assertThat(h.reader.status(1)).as("nothing processed: the watermark holds at the open").isEqualTo(ShowerSchedule.Status.UPCOMING);

        h.send("a", "w1", ust(10), schedule.closeOf(1).minusSeconds(10));
        h.send("b", "w2", ust(20), schedule.closeOf(2).minusSeconds(10));
        assertThat(h.summaries.readValuesToList()).extracting(ShowerSummary::getShower)
                .as("the transfers alone passed shower 1's close and grace; the cursor's chain time does not count yet").containsExactly(1);
        h.send("c", "w3", ust(30), newest);

        assertThat(h.late.isEmpty()).isTrue();
        assertThat(h.resultsByKey()).containsOnlyKeys("1:w1", "2:w2", "3:w3");
        assertThat(h.summaries.readValuesToList()).extracting(ShowerSummary::getShower).containsExactly(2, 3, 4, 5, 6, 7, 8, 9);
        assertThat(h.totals.get(1).late()).isZero();
        assertThat(h.reader.status(9)).isEqualTo(ShowerSchedule.Status.CLOSED);
        assertThat(h.reader.status(10)).isEqualTo(ShowerSchedule.Status.CLOSING);
    }

    /** A quiet input partition vouches for the chain head once it stayed idle after seeing the cursor. */
    @Test
    void shouldCloseAtTheChainHeadOnceTheInputIsIdle() {
        threeWalletsInShower1();
        // the batch's newest transaction was rejected (not a transfer), the chain head is past shower 2
        h.cursor("src", schedule.closeOf(1).minusSeconds(1), schedule.finalAt(2).plusSeconds(1));
        h.seconds(1);
        assertThat(h.summaries.isEmpty()).isTrue();

        h.seconds((int) ShowerKeyProcessor.IDLE.toSeconds() + 1);

        assertThat(h.summaries.readValuesToList()).extracting(ShowerSummary::getShower).containsExactly(1, 2);
        assertThat(h.resultsByKey()).containsOnlyKeys("1:w1", "1:w4", "1:w2");
        assertThat(h.reader.status(2)).isEqualTo(ShowerSchedule.Status.CLOSED);
    }

    /**
     * A replay: the compacted cursor topic already holds the final cursor (chain time past the
     * event) when the projections start on the whole transfer log. Nothing is late, the results
     * equal the reference, and no watermark tick leaves the repartition topic.
     */
    @Test
    void shouldReplayTheWholeLogWithTheFinalCursorFirst() {
        Random random = new Random(2021);
        List<TransferObserved> log = new ArrayList<>();
        for (int shower = 1; shower <= 44; shower++) {
            long start = schedule.startOf(shower).toEpochMilli();
            long length = schedule.closeOf(shower).toEpochMilli() - start;
            for (int i = 0, n = 20 + random.nextInt(40); i < n; i++) {
                BigInteger amount = BigInteger.valueOf(1 + random.nextInt(30)).multiply(UST).add(BigInteger.valueOf(random.nextInt(1_000_000)));
                log.add(h.transfer("r" + shower + "-" + i, 0, "terra1w" + random.nextInt(80), amount,
                        Instant.ofEpochMilli(start + 1 + Math.floorMod(random.nextLong(), length))));
            }
        }
        log.sort(java.util.Comparator.comparing(TransferObserved::getBlockTime)); // the ingestor publishes oldest first
        for (int from = 0; from < log.size(); from += 200) { // every batch's cursor, all before any transfer
            Instant newest = log.get(Math.min(from + 200, log.size()) - 1).getBlockTime();
            h.cursor("src", newest, from + 200 >= log.size() ? schedule.finalAt(44).plusSeconds(1) : newest.plusSeconds(3600));
        }
        h.seconds(1);
        assertThat(h.summaries.isEmpty()).isTrue();

        log.forEach(h::pipe);

        Reference expected = new Reference(h.manifest, log);
        assertThat(h.late.isEmpty()).as("nothing late").isTrue();
        assertThat(Reference.describe(h.resultsByKey())).isEqualTo(expected.results());
        assertThat(expected.results()).hasSizeGreaterThan(1000);
        List<ShowerSummary> summaries = h.summaries.readValuesToList();
        assertThat(summaries).hasSize(44);
        assertThat(summaries.stream().mapToLong(ShowerSummary::getTransfers).sum()).isEqualTo(log.size());
        assertThat(h.reader.status(44)).isEqualTo(ShowerSchedule.Status.CLOSED);
    }

    @Test
    void shouldVouchForACursorOnlyOnceItsPartitionProcessedTheOffsetTheCursorNames() {
        Instant first = schedule.startOf(1).plusSeconds(60);
        h.send("a", "terra1w1", UST.multiply(BigInteger.TEN), first); // offset 0
        // the cursor was committed with one more transfer on this partition (offset 1), which a busy task has not fetched yet
        h.cursor("src", first.plusSeconds(1), schedule.finalAt(1).plusSeconds(1), java.util.Map.of("0", 1L));
        h.seconds(10);
        assertThat(h.reader.status(1)).as("no wall-clock wait vouches for a cursor whose transfers are unprocessed")
                .isNotEqualTo(ShowerSchedule.Status.CLOSED);

        h.send("b", "terra1w2", UST.multiply(BigInteger.valueOf(9)), first.plusSeconds(1)); // offset 1
        h.seconds(1);
        assertThat(h.reader.status(1)).isEqualTo(ShowerSchedule.Status.CLOSED);
        assertThat(h.late.isEmpty()).as("nothing late").isTrue();
        assertThat(h.reader.summary(1).orElseThrow().transfers()).isEqualTo(2);
    }
}
