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
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
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
        Serde<TransferObserved> serde = TestSerdes.transfers();
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "projections-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        driver = new TopologyTestDriver(ProjectionsTopology.build(manifest, serde), props);
        input = driver.createInputTopic(Topics.TRANSFERS_OBSERVED.name(), new StringSerializer(), serde.serializer());
        KeyValueStore<Bytes, byte[]> rankings = driver.getKeyValueStore(Stores.RANKINGS);
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
    void shouldCountATransferIdOnlyOnce() {
        Instant t = schedule.closeOf(1).minusSeconds(1);
        send("dup", 2, "w1", UST, t);
        send("dup", 2, "w1", UST, t);
        send("dup", 3, "w1", UST, t);

        assertThat(reader.wallet(1, "w1", manifest.minimumContribution()).orElseThrow().amount()).isEqualTo("2000000");
        assertThat(totals.get(1)).isEqualTo(new ShowerTotals(1, 0, BigInteger.valueOf(2_000_000), 2, 1));
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

    /** Random streams (duplicates, out of order, outside showers) against a plain reference computation. */
    @Test
    void shouldMatchAReferenceComputationOnRandomStreams() {
        Random random = new Random(20211108);
        List<TransferObserved> sent = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            Instant at = schedule.opensAt().minusSeconds(3600)
                    .plusSeconds(random.nextInt((int) (schedule.closeOf(6).getEpochSecond() - schedule.opensAt().getEpochSecond() + 7200)));
            BigInteger amount = BigInteger.TEN.pow(4 + random.nextInt(6)).multiply(BigInteger.valueOf(1 + random.nextInt(20)));
            TransferObserved t = transfer("tx" + i, random.nextInt(2), "w" + random.nextInt(120), amount, at);
            sent.add(t);
            if (random.nextInt(10) == 0) {
                sent.add(t); // re-ingested
            }
        }
        Collections.shuffle(sent, random);
        sent.forEach(t -> input.pipeInput(t.getSender(), t));

        Map<Integer, Map<String, Contribution>> expected = reference(sent);
        for (int shower = 1; shower <= 6; shower++) {
            Map<String, Contribution> byWallet = expected.getOrDefault(shower, Map.of());
            List<String> order = new ArrayList<>(byWallet.keySet());
            order.sort(Comparator.<String, BigInteger>comparing(w -> byWallet.get(w).amount()).reversed()
                    .thenComparingLong(w -> byWallet.get(w).reachedAt()).thenComparing(w -> w));
            Leaderboard board = reader.leaderboard(shower, 0, 1000);
            assertThat(board.entries()).extracting(LeaderboardEntry::wallet).as("shower %d order", shower).isEqualTo(order);
            assertThat(board.entries()).extracting(LeaderboardEntry::amount)
                    .isEqualTo(order.stream().map(w -> byWallet.get(w).amount().toString()).toList());
            assertThat(board.eligibleWallets()).isEqualTo(byWallet.values().stream().filter(c -> c.isEligible(manifest.minimumContribution())).count());
        }
    }

    private Map<Integer, Map<String, Contribution>> reference(List<TransferObserved> transfers) {
        Set<String> seen = new HashSet<>();
        Map<Integer, Map<String, Contribution>> out = new HashMap<>();
        for (TransferObserved t : transfers) {
            if (!seen.add(TransferIds.of(t))) {
                continue;
            }
            var shower = schedule.showerOf(t.getBlockTime());
            if (shower.isEmpty()) {
                continue;
            }
            BigInteger amount = t.getAmount().toBigIntegerExact();
            long at = t.getBlockTime().toEpochMilli();
            out.computeIfAbsent(shower.getAsInt(), s -> new HashMap<>())
                    .merge(t.getSender(), Contribution.first(amount, at), (a, b) -> a.plus(amount, at));
        }
        return out;
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
