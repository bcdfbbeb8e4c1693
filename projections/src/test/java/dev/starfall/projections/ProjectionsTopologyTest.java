package dev.starfall.projections;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;

import dev.starfall.projections.domain.Contribution;
import dev.starfall.projections.domain.ShowerTotals;
import dev.starfall.projections.domain.ShowerWallet;
import dev.starfall.projections.domain.Tiers;
import dev.starfall.projections.domain.TransferIdKey;
import dev.starfall.projections.query.Leaderboard;
import dev.starfall.projections.query.LeaderboardEntry;
import dev.starfall.projections.query.ShowerReader;
import dev.starfall.projections.query.WalletStanding;
import dev.starfall.schemas.TransferIds;
import dev.starfall.schemas.Topics;
import dev.starfall.schemas.avro.TransferObserved;
import dev.starfall.schemas.manifest.Manifest;
import dev.starfall.schemas.manifest.ManifestLoader;
import dev.starfall.schemas.manifest.ShowerSchedule;
import org.apache.kafka.common.serialization.LongSerializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProjectionsTopologyTest {

    private static final BigInteger UST = BigInteger.valueOf(1_000_000);

    @TempDir
    Path stateDir;

    private final Manifest manifest = ManifestLoader.loadDefault();
    private final ShowerSchedule schedule = manifest.schedule();
    private TopologyTestDriver driver;
    private TestInputTopic<String, TransferObserved> input;
    private ShowerReader reader;
    private KeyValueStore<Integer, ShowerTotals> totals;

    @BeforeEach
    void setUp() {
        TopologySerdes serdes = TestSerdes.all();
        Serde<TransferObserved> serde = serdes.transfers();
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "projections-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        driver = new TopologyTestDriver(ProjectionsTopology.build(manifest, serdes, 1), props);
        input = driver.createInputTopic(Topics.TRANSFERS_OBSERVED.name(), new StringSerializer(), serde.serializer());
        RankedContributionsStore.Rankings rankings = RankedContributionsStore.rankingsOf(driver.getKeyValueStore(Stores.CONTRIBUTIONS));
        KeyValueStore<ShowerWallet, Contribution> contributions = driver.getKeyValueStore(Stores.CONTRIBUTIONS);
        totals = driver.getKeyValueStore(Stores.SHOWER_TOTALS);
        reader = new ShowerReader(rankings, contributions, totals, new Tiers(manifest.tiers()));
    }

    @AfterEach
    void tearDown() {
        driver.close();
    }

    @Test
    void shouldSumAWalletsTransfersWithinAShower() {
        Instant close = schedule.closeOf(3);
        send("a", 0, "w1", UST.multiply(BigInteger.valueOf(5)), close.minusSeconds(100));
        send("b", 0, "w1", UST.multiply(BigInteger.valueOf(3)), close.minusSeconds(50));

        WalletStanding w1 = reader.wallet(3, "w1", manifest.minimumContribution()).orElseThrow();

        assertThat(w1.amount()).isEqualTo("8000000");
        assertThat(w1.transfers()).isEqualTo(2);
        assertThat(w1.firstAt()).isEqualTo(close.minusSeconds(100).toEpochMilli());
        assertThat(w1.lastAt()).isEqualTo(close.minusSeconds(50).toEpochMilli());
        assertThat(w1.eligible()).as("exactly the minimum is eligible").isTrue();
        assertThat(w1.tier()).isEqualTo("legendary");
    }

    @Test
    void shouldKeyATransferByItsBlockTimeNotByWhenTheIngestorObservedIt() {
        Instant inOne = schedule.closeOf(1).minusSeconds(1);
        Instant inThree = schedule.closeOf(3).minusSeconds(1);
        // a backfill: read from the chain API long after their blocks, the last one after every shower
        input.pipeInput("w1", TransferObserved.newBuilder(transfer("old", 0, "w1", UST, inOne)).setObservedAt(inThree).build());
        input.pipeInput("w2", TransferObserved.newBuilder(transfer("new", 0, "w2", UST.multiply(BigInteger.TWO), inThree))
                .setObservedAt(schedule.closeOf(44).plusSeconds(86_400)).build());

        assertThat(reader.wallet(1, "w1", manifest.minimumContribution()).orElseThrow().amount()).isEqualTo("1000000");
        assertThat(reader.wallet(3, "w1", manifest.minimumContribution())).isEmpty();
        assertThat(reader.wallet(3, "w2", manifest.minimumContribution()).orElseThrow().amount()).isEqualTo("2000000");
        assertThat(totals.get(ProjectionsTopology.OUTSIDE)).isNull();
    }

    @Test
    void shouldCountATransferIdOnlyOnce() {
        Instant t = schedule.closeOf(1).minusSeconds(1);
        send("dup", 2, "w1", UST, t);
        send("dup", 2, "w1", UST, t);
        send("dup", 3, "w1", UST, t);

        assertThat(reader.wallet(1, "w1", manifest.minimumContribution()).orElseThrow().amount()).isEqualTo("2000000");
        assertThat(totals.get(1)).isEqualTo(new ShowerTotals(1, 0, BigInteger.valueOf(2_000_000), 2, 1));
    }

    @Test
    void shouldRecordEachTransferUnderItsBlockTimeThenItsDigest() {
        Instant t = schedule.closeOf(1).minusSeconds(1);
        send("later", 0, "w1", UST, t);
        send("earlier", 1, "w2", UST, t.minusSeconds(30));
        KeyValueStore<Bytes, byte[]> ids = driver.getKeyValueStore(Stores.TRANSFER_IDS);

        List<Bytes> recorded = new ArrayList<>();
        try (KeyValueIterator<Bytes, byte[]> it = ids.all()) {
            it.forEachRemaining(kv -> {
                assertThat(kv.value).as("the key is all there is to know").isEmpty();
                recorded.add(kv.key);
            });
        }
        assertThat(recorded).as("in block-time order").containsExactly(
                Bytes.wrap(TransferIdKey.of(t.minusSeconds(30).toEpochMilli(), TransferIds.of("terra-classic", "earlier", 1))),
                Bytes.wrap(TransferIdKey.of(t.toEpochMilli(), TransferIds.of("terra-classic", "later", 0))));
    }

    @Test
    void shouldNotCountAgainATransferWhoseIdAnEarlierVersionRecorded() {
        Instant t = schedule.closeOf(1).minusSeconds(1);
        KeyValueStore<Bytes, byte[]> ids = driver.getKeyValueStore(Stores.TRANSFER_IDS);
        byte[] blockTime = new LongSerializer().serialize(Stores.TRANSFER_IDS, t.toEpochMilli()); // earlier versions' value
        // state built by earlier versions: the id alone as the key, then the block time and the id
        ids.put(Bytes.wrap(TransferIdKey.legacy(TransferIds.of("terra-classic", "oldest", 0))), blockTime);
        ids.put(Bytes.wrap(TransferIdKey.timeOrdered(t.toEpochMilli(), TransferIds.of("terra-classic", "old", 0))), blockTime);

        send("oldest", 0, "w1", UST, t);
        send("old", 0, "w1", UST, t);
        send("new", 0, "w1", UST, t);
        send("new", 0, "w1", UST, t);

        assertThat(totals.get(1)).isEqualTo(new ShowerTotals(1, 0, UST, 1, 3));
        assertThat(ids.get(Bytes.wrap(TransferIdKey.of(t.toEpochMilli(), TransferIds.of("terra-classic", "new", 0))))).isEmpty();
        for (String found : List.of("oldest", "old")) {
            assertThat(ids.get(Bytes.wrap(TransferIdKey.of(t.toEpochMilli(), TransferIds.of("terra-classic", found, 0)))))
                    .as("a transfer found under an earlier key is not recorded again: %s", found).isNull();
        }
    }

    @Test
    void shouldKeepTransfersOutsideEveryShowerOutOfTheRankings() {
        send("early", 0, "w1", UST.multiply(BigInteger.TEN), schedule.opensAt());
        send("late", 0, "w2", UST.multiply(BigInteger.TEN), schedule.closeOf(44).plusMillis(1));

        assertThat(totals.get(ProjectionsTopology.OUTSIDE).transfers()).isEqualTo(2);
        assertThat(reader.wallet(1, "w1", manifest.minimumContribution())).isEmpty();
        assertThat(reader.wallet(44, "w2", manifest.minimumContribution())).isEmpty();
    }

    @Test
    void shouldRankTiesByTheTimeTheContributionWasReachedThenByAddress() {
        Instant close = schedule.closeOf(2);
        send("t1", 0, "late", UST.multiply(BigInteger.TEN), close.minusSeconds(10));
        send("t2", 0, "zeta", UST.multiply(BigInteger.TEN), close.minusSeconds(20));
        send("t3", 0, "alpha", UST.multiply(BigInteger.TEN), close.minusSeconds(20));
        send("t4", 0, "small", UST, close.minusSeconds(30));

        Leaderboard board = reader.leaderboard(2, 0, 10);

        assertThat(board.entries()).extracting(LeaderboardEntry::wallet).containsExactly("alpha", "zeta", "late", "small");
        assertThat(board.entries()).extracting(LeaderboardEntry::tier).containsExactly("legendary", "common", "common", null);
        assertThat(reader.leaderboard(2, 1, 2).entries()).extracting(LeaderboardEntry::rank).containsExactly(2L, 3L);
        assertThat(board.eligibleWallets()).isEqualTo(3);
    }

    @Test
    void shouldAnswerAnEmptyShowerWithAnEmptyBoard() {
        Leaderboard board = reader.leaderboard(7, 0, 10);

        assertThat(board.entries()).isEmpty();
        assertThat(board.wallets()).isZero();
        assertThat(board.raised()).isEqualTo("0");
    }

    /**
     * Random streams (re-ingests, out of order within and beyond the grace period, late events,
     * transfers outside every shower) against a plain reference computation: the live leaderboards,
     * then - once the chain passed every close - the results topic, the late topic and the late counts.
     */
    @Test
    void shouldMatchAReferenceComputationOnRandomStreams() {
        for (long seed = 20211108; seed < 20211112; seed++) {
            Random random = new Random(seed);
            try (Harness h = new Harness(manifest, stateDir.resolve("run-" + seed))) {
                List<TransferObserved> log = new ArrayList<>();
                long from = schedule.opensAt().minusSeconds(3600).toEpochMilli();
                long span = schedule.closeOf(6).toEpochMilli() + 7_200_000L - from;
                for (int i = 0; i < 3000; i++) {
                    Instant at = Instant.ofEpochMilli(from + Math.floorMod(random.nextLong(), span));
                    BigInteger amount = BigInteger.TEN.pow(4 + random.nextInt(6)).multiply(BigInteger.valueOf(1 + random.nextInt(20)));
                    log.add(h.transfer("tx" + i, random.nextInt(2), "w" + random.nextInt(120), amount, at));
                }
                // arrival = block time + a delay: mostly within the grace, 3 % up to three hours (late once their shower closed)
                long grace = schedule.grace().toMillis();
                Map<TransferObserved, Long> arrivesAt = new java.util.IdentityHashMap<>();
                for (TransferObserved t : log) {
                    long delay = random.nextInt(100) < 3 ? random.nextInt(3 * 3_600_000) : random.nextInt((int) (grace * 3 / 2));
                    arrivesAt.put(t, t.getBlockTime().toEpochMilli() + delay);
                }
                List<TransferObserved> sent = new ArrayList<>(log);
                sent.sort(Comparator.comparingLong(arrivesAt::get));
                for (int i = 1; i < sent.size(); i++) {
                    if (random.nextInt(10) == 0) {
                        sent.add(i, sent.get(random.nextInt(i))); // re-ingested
                        i++;
                    }
                }
                sent.forEach(h::pipe);

                Reference expected = new Reference(manifest, sent);
                for (int shower = 1; shower <= 6; shower++) {
                    Map<String, Reference.Sum> byWallet = expected.sums.getOrDefault(shower, Map.of());
                    List<String> order = new ArrayList<>(byWallet.keySet());
                    order.sort(Comparator.<String, BigInteger>comparing(w -> byWallet.get(w).amount()).reversed()
                            .thenComparingLong(w -> byWallet.get(w).lastAt()).thenComparing(w -> w));
                    Leaderboard board = h.reader.leaderboard(shower, 0, 1000);
                    assertThat(board.entries()).extracting(LeaderboardEntry::wallet).as("seed %d shower %d order", seed, shower).isEqualTo(order);
                    assertThat(board.entries()).extracting(LeaderboardEntry::amount)
                            .isEqualTo(order.stream().map(w -> byWallet.get(w).amount().toString()).toList());
                    assertThat(board.eligibleWallets())
                            .isEqualTo(byWallet.values().stream().filter(c -> c.amount().compareTo(manifest.minimumContribution()) >= 0).count());
                }
                h.chainReached("src", schedule.finalAt(44).plusSeconds(1));

                assertThat(Reference.describe(h.resultsByKey())).as("seed %d results", seed).isEqualTo(expected.results());
                long late = expected.late.values().stream().mapToLong(Long::longValue).sum();
                assertThat(late).as("the stream has late events").isPositive();
                assertThat(h.late.readRecordsToList()).hasSize((int) late);
                for (int shower = 1; shower <= 6; shower++) {
                    assertThat(h.totals.get(shower).late()).as("seed %d shower %d late", seed, shower)
                            .isEqualTo(expected.late.getOrDefault(shower, 0L));
                }
            }
        }
    }

    /** The transfer-serde-only factory the gateway used so far still counts (no closing). */
    @Test
    void shouldStillCountWithTheTransferOnlyTopology(@TempDir Path legacyState) {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "projections-legacy-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, legacyState.toString());
        Serde<TransferObserved> serde = TestSerdes.transfers();
        try (TopologyTestDriver legacy = new TopologyTestDriver(ProjectionsTopology.build(manifest, serde), props)) {
            TestInputTopic<String, TransferObserved> in = legacy.createInputTopic(Topics.TRANSFERS_OBSERVED.name(), new StringSerializer(),
                    serde.serializer());
            in.pipeInput("w1", transfer("x", 0, "w1", UST.multiply(BigInteger.TEN), schedule.closeOf(1)));
            in.pipeInput("w1", transfer("y", 0, "w1", UST, schedule.closeOf(44)));
            KeyValueStore<Integer, ShowerTotals> legacyTotals = legacy.getKeyValueStore(Stores.SHOWER_TOTALS);

            assertThat(legacyTotals.get(1)).isEqualTo(new ShowerTotals(1, 1, UST.multiply(BigInteger.TEN), 1, 0));
        }
    }

    private void send(String tx, int msg, String wallet, BigInteger amount, Instant at) {
        input.pipeInput(wallet, transfer(tx, msg, wallet, amount, at));
    }

    private TransferObserved transfer(String tx, int msg, String wallet, BigInteger amount, Instant at) {
        return TransferObserved.newBuilder()
                .setChain("terra-classic").setChainId("columbus-5").setTxHash(tx).setMessageIndex(msg)
                .setBlockHeight(1).setBlockTime(at).setSender(wallet).setRecipient(manifest.event().getDestinationWallet())
                .setDenom("uusd").setAmount(new BigDecimal(amount)).setSourceEndpoint("test").setObservedAt(at).build();
    }
}
