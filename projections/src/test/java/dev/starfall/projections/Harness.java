package dev.starfall.projections;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

import dev.starfall.projections.domain.Contribution;
import dev.starfall.projections.domain.ShowerTotals;
import dev.starfall.projections.domain.ShowerWallet;
import dev.starfall.projections.query.CaveReader;
import dev.starfall.projections.query.RankSnapshots;
import dev.starfall.projections.query.ShowerReader;
import dev.starfall.projections.query.TelescopeReader;
import dev.starfall.schemas.Topics;
import dev.starfall.schemas.avro.EggDrawn;
import dev.starfall.schemas.avro.EggRevealRejected;
import dev.starfall.schemas.avro.EggSeedRevealed;
import dev.starfall.schemas.avro.ShowerResult;
import dev.starfall.schemas.avro.ShowerSummary;
import dev.starfall.schemas.avro.SourceCursor;
import dev.starfall.schemas.avro.TransferObserved;
import dev.starfall.schemas.manifest.Manifest;
import dev.starfall.schemas.manifest.ManifestLoader;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/** The full topology under {@code TopologyTestDriver} (one partition), with its topics and readers. */
final class Harness implements AutoCloseable {

    final Manifest manifest;
    final TopologyTestDriver driver;
    final TestInputTopic<String, TransferObserved> transfers;
    final TestInputTopic<String, SourceCursor> cursors;
    final TestInputTopic<String, EggSeedRevealed> reveals;
    final TestOutputTopic<String, ShowerResult> results;
    final TestOutputTopic<String, ShowerSummary> summaries;
    final TestOutputTopic<String, TransferObserved> late;
    final TestOutputTopic<String, EggDrawn> eggs;
    final TestOutputTopic<String, EggRevealRejected> rejectedReveals;
    final ShowerReader reader;
    final CaveReader caves;
    final TelescopeReader telescope;
    final KeyValueStore<Integer, ShowerTotals> totals;
    /** The shower task's stores as its processor lists them. */
    final ShowerTaskStores showerTasks = new ShowerTaskStores();

    Harness(Manifest manifest, Path stateDir) {
        this.manifest = manifest;
        TopologySerdes serdes = TestSerdes.all();
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "projections-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        // the driver's wall clock starts now (2026): statuses and closing must follow chain time only
        driver = new TopologyTestDriver(ProjectionsTopology.build(manifest, serdes, 1, 1, new CaveVersions(1), showerTasks), props, Instant.now());
        StringSerializer keys = new StringSerializer();
        StringDeserializer keysOut = new StringDeserializer();
        transfers = driver.createInputTopic(Topics.TRANSFERS_OBSERVED.name(), keys, serdes.transfers().serializer());
        cursors = driver.createInputTopic(Topics.INGEST_CURSORS.name(), keys, serdes.cursors().serializer());
        reveals = driver.createInputTopic(Topics.EGG_REVEALS.name(), keys, serdes.reveals().serializer());
        results = driver.createOutputTopic(Topics.RESULTS.name(), keysOut, serdes.results().deserializer());
        summaries = driver.createOutputTopic(Topics.SHOWER_SUMMARIES.name(), keysOut, serdes.summaries().deserializer());
        late = driver.createOutputTopic(Topics.TRANSFERS_LATE.name(), keysOut, serdes.transfers().deserializer());
        eggs = driver.createOutputTopic(Topics.EGGS.name(), keysOut, serdes.eggs().deserializer());
        rejectedReveals = driver.createOutputTopic(Topics.EGG_REVEALS_REJECTED.name(), keysOut, serdes.rejectedReveals().deserializer());
        totals = driver.getKeyValueStore(Stores.SHOWER_TOTALS);
        KeyValueStore<ShowerWallet, Contribution> contributions = driver.getKeyValueStore(Stores.CONTRIBUTIONS);
        KeyValueStore<Integer, Long> watermarks = driver.getKeyValueStore(Stores.TASK_WATERMARKS);
        KeyValueStore<String, ShowerSummary> telescopeStore = driver.getKeyValueStore(Stores.TELESCOPE);
        reader = new ShowerReader(rankings(), contributions, totals, watermarks, 0, telescopeStore, manifest);
        caves = new CaveReader(driver.getKeyValueStore(Stores.METEORS));
        telescope = new TelescopeReader(telescopeStore);
    }

    /** A reader of the same stores that takes ranks from {@code ranks}, as the gateway's reads of an active task do. */
    ShowerReader reader(RankSnapshots ranks) {
        return new ShowerReader(rankings(), driver.getKeyValueStore(Stores.CONTRIBUTIONS), totals,
                driver.getKeyValueStore(Stores.TASK_WATERMARKS), 0, driver.getKeyValueStore(Stores.TELESCOPE), manifest, ranks);
    }

    /** The rankings kept with the contributions. */
    RankedContributionsStore.Rankings rankings() {
        return RankedContributionsStore.rankingsOf(driver.getKeyValueStore(Stores.CONTRIBUTIONS));
    }

    /** The default manifest with an egg seed commitment. */
    static Manifest manifestWithCommitment(String commitment) {
        try (InputStream in = ManifestLoader.class.getClassLoader().getResourceAsStream(ManifestLoader.DEFAULT_RESOURCE)) {
            String json = new String(in.readAllBytes(), StandardCharsets.UTF_8)
                    .replace("\"eggSeedCommitment\": null", "\"eggSeedCommitment\": \"" + commitment + "\"");
            return ManifestLoader.parse(json, "test");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    TransferObserved transfer(String tx, int msg, String wallet, BigInteger amount, Instant at) {
        return TransferObserved.newBuilder()
                .setChain("terra-classic").setChainId("columbus-5").setTxHash(tx).setMessageIndex(msg)
                .setBlockHeight(1).setBlockTime(at).setSender(wallet).setRecipient(manifest.event().getDestinationWallet())
                .setDenom("uusd").setAmount(new BigDecimal(amount)).setSourceEndpoint("test").setObservedAt(at).build();
    }

    void send(String tx, String wallet, BigInteger amount, Instant at) {
        pipe(transfer(tx, 0, wallet, amount, at));
    }

    void pipe(TransferObserved t) {
        transfers.pipeInput(t.getSender(), t);
    }

    /** A cursor of one source, then one punctuation of wall-clock time. */
    void chainReached(String source, Instant chainTime) {
        cursors.pipeInput(source, SourceCursor.newBuilder().setSourceId(source).setPosition("1").setNewestBlockHeight(1)
                .setNewestBlockTime(manifest.schedule().opensAt()).setPublishedCount(0).setUpdatedAt(Instant.now())
                .setChainTime(chainTime).build());
        driver.advanceWallClockTime(Duration.ofSeconds(1));
    }

    /** A cursor of one source as the ingestor commits it with a batch; no wall-clock time passes. */
    void cursor(String source, Instant newestBlockTime, Instant chainTime) {
        cursors.pipeInput(source, SourceCursor.newBuilder().setSourceId(source).setPosition("1").setNewestBlockHeight(1)
                .setNewestBlockTime(newestBlockTime).setPublishedCount(0).setUpdatedAt(Instant.now()).setChainTime(chainTime).build());
    }

    /** A cursor naming the offset of its source's last transfer per partition, as the ingestor writes it. */
    void cursor(String source, Instant newestBlockTime, Instant chainTime, java.util.Map<String, Long> observedOffsets) {
        cursors.pipeInput(source, SourceCursor.newBuilder().setSourceId(source).setPosition("1").setNewestBlockHeight(1)
                .setNewestBlockTime(newestBlockTime).setPublishedCount(0).setUpdatedAt(Instant.now()).setChainTime(chainTime)
                .setObservedOffsets(observedOffsets).build());
    }

    /** Wall-clock time passing in steps of one second (one punctuation each). */
    void seconds(int n) {
        for (int i = 0; i < n; i++) {
            driver.advanceWallClockTime(Duration.ofSeconds(1));
        }
    }

    void reveal(String seedHex) {
        reveals.pipeInput(manifest.event().getId(), EggSeedRevealed.newBuilder().setSeed(seedHex).setRevealedAt(Instant.now()).build());
    }

    /** Compacted view of the results topic so far. */
    Map<String, ShowerResult> resultsByKey() {
        Map<String, ShowerResult> out = new LinkedHashMap<>();
        results.readKeyValuesToList().forEach(kv -> out.put(kv.key, kv.value));
        return out;
    }

    @Override
    public void close() {
        driver.close();
    }
}
