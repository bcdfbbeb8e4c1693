package dev.starfall.projections;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import dev.starfall.schemas.Topics;
import dev.starfall.schemas.avro.EggDrawn;
import dev.starfall.schemas.avro.EggRevealRejected;
import dev.starfall.schemas.avro.EggSeedRevealed;
import dev.starfall.schemas.avro.ShowerResult;
import dev.starfall.schemas.avro.ShowerSummary;
import dev.starfall.schemas.avro.TransferObserved;
import dev.starfall.schemas.manifest.Manifest;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.processor.StreamPartitioner;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.StoreBuilder;

/**
 * The projections topology, as a factory. Every operator and store is named (see {@link Stores}),
 * so changelog and repartition topics keep stable names across versions.
 *
 * <pre>
 * transfers.observed (key: sender) --key-by-shower--> transfers-by-shower (repartition, key: shower, the transfer's bytes as read;
 *   reads global [ingest-cursors]                          plus watermark ticks to every partition)
 *   --count-contributions--> [transfer-ids] [shower-wallet-contributions, with their rankings] [shower-totals]
 *                            [task-chain-watermarks] [egg-seed]; reads global [ingest-cursors]
 *     closes showers (in-band chain-time watermark, on each tick and a punctuator every 1 s) and emits:
 *     --results--> starfall.results.v1 (key shower:wallet, in the partition of its wallet)
 *                  --collect-caves--> [wallet-meteors] (read back from the topic: no repartition)
 *     --summaries--> starfall.shower-summaries.v1 (key shower) --global--> [telescope]
 *     --eggs--> starfall.eggs.v1 (key shower:tier)
 *     --late--> starfall.transfers.late.v1 (key transfer id)
 * egg-reveals.v1 --verify-egg-reveals--> rejected: starfall.egg-reveals.rejected.v1
 *                                   \--> accepted: egg-seed-broadcast (repartition to every partition)
 *                                        --draw-eggs--> [egg-seed], starfall.eggs.v1 for already closed showers
 * ingest.cursors.v1 --global--> [ingest-cursors]
 * </pre>
 *
 * <p>Watermark ticks (full topology only): each task of the first sub-topology (one input partition
 * of {@code Topics.TRANSFERS_OBSERVED}) sends, besides the transfers, ticks saying how far its
 * partition has been processed to every partition of {@link Stores#BY_SHOWER}; a tick is a record
 * with key {@code -1 - input partition} and a {@code TransferObserved} value with chain
 * {@code "watermark"}, empty {@code txHash} and the tick time as {@code blockTime} (see
 * {@link WatermarkTicks}; internal to the repartition topic, never on a public topic). The shower
 * tasks close by the minimum over input partitions (see {@link ShowerProcessor},
 * {@link ShowerKeyProcessor} and {@link dev.starfall.projections.domain.ChainWatermark#of}).
 * Transfers keep the default partitioning of their Integer shower key, so
 * {@code queryMetadataForKey(store, shower, IntegerSerializer)} finds a shower's owner.
 */
public final class ProjectionsTopology {

    /** Shower key of transfers whose block time falls outside every shower. */
    public static final int OUTSIDE = 0;

    private ProjectionsTopology() {
    }

    /**
     * Counting only: the live stores, no closing, results, caves, telescope or eggs (those need the
     * Avro serdes of {@link TopologySerdes}). Kept for callers that only hold the transfer serde;
     * prefer {@link #build(Manifest, TopologySerdes)}.
     */
    public static Topology build(Manifest manifest, Serde<TransferObserved> transferSerde) {
        StreamsBuilder builder = new StreamsBuilder();
        addShowerStores(builder);
        int partitions = Topics.TRANSFERS_OBSERVED.partitions();
        Deserializer<TransferObserved> transfers = transferSerde.deserializer();
        builder.stream(Topics.TRANSFERS_OBSERVED.name(), Consumed.with(Serdes.String(), Serdes.ByteArray()).withName("transfers-observed"))
                .selectKey((wallet, bytes) -> bytes == null ? OUTSIDE
                        : manifest.schedule().showerOf(transfers.deserialize(Topics.TRANSFERS_OBSERVED.name(), bytes).getBlockTime()).orElse(OUTSIDE),
                        Named.as("key-by-shower"))
                .repartition(Repartitioned.with(Serdes.Integer(), Serdes.ByteArray()).withName(Stores.BY_SHOWER).withNumberOfPartitions(partitions))
                .process(() -> new ShowerProcessor(manifest, false, partitions, partitions, transfers, new ShowerTaskStores() /* read by no one */),
                        Named.as("count-contributions"),
                        Stores.TRANSFER_IDS, Stores.CONTRIBUTIONS, Stores.SHOWER_TOTALS, Stores.TASK_WATERMARKS);
        return builder.build();
    }

    /** The full topology, with the by-shower topics partitioned like {@code Topics.TRANSFERS_OBSERVED}. */
    public static Topology build(Manifest manifest, TopologySerdes serdes) {
        return build(manifest, serdes, new CaveVersions(Topics.RESULTS.partitions()), new ShowerTaskStores());
    }

    /**
     * The full topology as in production, noting each change of a cave partition in {@code caves}
     * and listing each running shower task's stores in {@code showerTasks}.
     */
    public static Topology build(Manifest manifest, TopologySerdes serdes, CaveVersions caves, ShowerTaskStores showerTasks) {
        if (Topics.RESULTS.partitions() != Topics.TRANSFERS_OBSERVED.partitions()) {
            throw new IllegalStateException("the results topic must have as many partitions as the transfers topic");
        }
        int partitions = Topics.TRANSFERS_OBSERVED.partitions();
        return build(manifest, serdes, partitions, partitions, caves, showerTasks);
    }

    /**
     * The full topology, with as many by-shower partitions as input partitions of the transfers
     * topic (as in production; 1 and 1 under {@code TopologyTestDriver}).
     */
    public static Topology build(Manifest manifest, TopologySerdes serdes, int showerPartitions) {
        return build(manifest, serdes, showerPartitions, showerPartitions);
    }

    /**
     * The full topology.
     *
     * @param showerPartitions   partitions of the by-shower repartition topics and of {@code Topics.RESULTS}
     *                           (the same in production); a task closes the showers of its partition and
     *                           keeps the caves of its wallets, so this must be the real count (1 under
     *                           {@code TopologyTestDriver})
     * @param upstreamPartitions partitions of {@code Topics.TRANSFERS_OBSERVED}: the shower tasks wait for a
     *                           watermark tick of each, so this must be the real count (1 under {@code TopologyTestDriver})
     */
    public static Topology build(Manifest manifest, TopologySerdes serdes, int showerPartitions, int upstreamPartitions) {
        return build(manifest, serdes, showerPartitions, upstreamPartitions, new CaveVersions(showerPartitions), new ShowerTaskStores());
    }

    /**
     * {@link #build(Manifest, TopologySerdes, int, int)}, noting each change of a cave partition in
     * {@code caves} and listing each running shower task's stores in {@code showerTasks}.
     */
    public static Topology build(Manifest manifest, TopologySerdes serdes, int showerPartitions, int upstreamPartitions, CaveVersions caves,
                                 ShowerTaskStores showerTasks) {
        if (showerPartitions < 1 || upstreamPartitions < 1) {
            throw new IllegalArgumentException("showerPartitions and upstreamPartitions must be positive");
        }
        StreamsBuilder builder = new StreamsBuilder();
        addShowerStores(builder);
        builder.addStateStore(smallStore(Stores.EGG_SEED, Serdes.String(), Serdes.String()));
        // one entry per meteor, written once: compaction finds little, as in the transfer ids
        builder.addStateStore(store(Stores.METEORS, ProjectionSerdes.walletMeteorKey(), ProjectionSerdes.meteor()));
        builder.addStateStore(smallStore(Stores.PROCESSED_OFFSETS, Serdes.Integer(), Serdes.Long()).withCachingEnabled());

        KStream<String, SpecificRecord> out = builder.stream(Topics.TRANSFERS_OBSERVED.name(),
                        Consumed.with(Serdes.String(), Serdes.ByteArray()).withName("transfers-observed"))
                .process(() -> new ShowerKeyProcessor(manifest.schedule(), upstreamPartitions, serdes.transfers(), serdes.transferBlockTimes()), Named.as("key-by-shower"),
                        Stores.PROCESSED_OFFSETS)
                .repartition(Repartitioned.with(Serdes.Integer(), Serdes.ByteArray()).withName(Stores.BY_SHOWER)
                        .withNumberOfPartitions(showerPartitions).withStreamPartitioner(WatermarkTicks.partitioner()))
                .process(() -> new ShowerProcessor(manifest, true, showerPartitions, upstreamPartitions, serdes.transfers().deserializer(), showerTasks),
                        Named.as("count-contributions"),
                        Stores.TRANSFER_IDS, Stores.CONTRIBUTIONS, Stores.SHOWER_TOTALS, Stores.TASK_WATERMARKS, Stores.EGG_SEED);
        Map<String, KStream<String, SpecificRecord>> byType = out.split(Named.as("shower-output-"))
                .branch((k, v) -> v instanceof ShowerResult, Branched.as("results"))
                .branch((k, v) -> v instanceof ShowerSummary, Branched.as("summaries"))
                .branch((k, v) -> v instanceof EggDrawn, Branched.as("eggs"))
                .branch((k, v) -> v instanceof TransferObserved, Branched.as("late"))
                .noDefaultBranch();

        KStream<String, ShowerResult> results = byType.get("shower-output-results")
                .mapValues(v -> (ShowerResult) v, Named.as("as-results"));
        results.to(Topics.RESULTS.name(), Produced.with(Serdes.String(), serdes.results())
                .withStreamPartitioner(WalletPartitions.partitioner()).withName("results-sink"));
        builder.stream(Topics.RESULTS.name(), Consumed.with(Serdes.String(), serdes.results()).withName("results"))
                .process(() -> new CaveProcessor(showerPartitions, caves), Named.as("collect-caves"), Stores.METEORS);
        byType.get("shower-output-summaries").mapValues(v -> (ShowerSummary) v, Named.as("as-summaries"))
                .to(Topics.SHOWER_SUMMARIES.name(), Produced.with(Serdes.String(), serdes.summaries()).withName("summaries-sink"));
        byType.get("shower-output-eggs").mapValues(v -> (EggDrawn) v, Named.as("as-eggs-at-close"))
                .to(Topics.EGGS.name(), Produced.with(Serdes.String(), serdes.eggs()).withName("eggs-at-close-sink"));
        byType.get("shower-output-late").mapValues(v -> (TransferObserved) v, Named.as("as-late-transfers"))
                .to(Topics.TRANSFERS_LATE.name(), Produced.with(Serdes.String(), serdes.transfers()).withName("late-transfers-sink"));

        String commitment = manifest.event().getEggSeedCommitment();
        Map<String, KStream<String, SpecificRecord>> reveals = builder.stream(Topics.EGG_REVEALS.name(),
                        Consumed.with(Serdes.String(), serdes.reveals()).withName("egg-reveals"))
                .process(() -> new EggRevealProcessor(commitment), Named.as("verify-egg-reveals"))
                .split(Named.as("egg-reveal-"))
                .branch((k, v) -> v instanceof EggRevealRejected, Branched.as("rejected"))
                .defaultBranch(Branched.as("accepted"));
        reveals.get("egg-reveal-rejected").mapValues(v -> (EggRevealRejected) v, Named.as("as-rejected-reveals"))
                .to(Topics.EGG_REVEALS_REJECTED.name(), Produced.with(Serdes.String(), serdes.rejectedReveals()).withName("rejected-reveals-sink"));
        reveals.get("egg-reveal-accepted").mapValues(v -> (EggSeedRevealed) v, Named.as("as-accepted-reveals"))
                .repartition(Repartitioned.with(Serdes.String(), serdes.reveals()).withName(Stores.EGG_SEED_BROADCAST)
                        .withNumberOfPartitions(showerPartitions).withStreamPartitioner(toEveryPartition()))
                .process(() -> new EggDrawProcessor(manifest, showerPartitions), Named.as("draw-eggs"),
                        Stores.CONTRIBUTIONS, Stores.SHOWER_TOTALS, Stores.EGG_SEED)
                .mapValues(v -> (EggDrawn) v, Named.as("as-eggs-at-reveal"))
                .to(Topics.EGGS.name(), Produced.with(Serdes.String(), serdes.eggs()).withName("eggs-at-reveal-sink"));

        Topology topology = builder.build();
        topology.addGlobalStore(store(Stores.INGEST_CURSORS, Serdes.String(), serdes.cursors()).withLoggingDisabled(),
                "ingest-cursors-source", new StringDeserializer(), serdes.cursors().deserializer(), Topics.INGEST_CURSORS.name(),
                "ingest-cursors-update", () -> new GlobalPutProcessor<>(Stores.INGEST_CURSORS));
        topology.addGlobalStore(store(Stores.TELESCOPE, Serdes.String(), serdes.summaries()).withLoggingDisabled(),
                "telescope-source", new StringDeserializer(), serdes.summaries().deserializer(), Topics.SHOWER_SUMMARIES.name(),
                "telescope-update", () -> new GlobalPutProcessor<>(Stores.TELESCOPE));
        return topology;
    }

    private static void addShowerStores(StreamsBuilder builder) {
        builder.addStateStore(store(Stores.TRANSFER_IDS, Serdes.Bytes(), Serdes.ByteArray())); // keyed by TransferIdKey, empty values
        // the contributions, with their rankings in the same RocksDB instance and no changelog of their own
        builder.addStateStore(org.apache.kafka.streams.state.Stores.keyValueStoreBuilder(
                OpenOnAssignmentStore.supplier(RankedContributionsStore.supplier(Stores.CONTRIBUTIONS)),
                ProjectionSerdes.showerWallet(), ProjectionSerdes.contribution()).withLoggingEnabled(REWRITTEN_CHANGELOG));
        builder.addStateStore(smallStore(Stores.SHOWER_TOTALS, Serdes.Integer(), ProjectionSerdes.showerTotals()).withCachingEnabled());
        builder.addStateStore(smallStore(Stores.TASK_WATERMARKS, Serdes.Integer(), Serdes.Long()).withCachingEnabled());
    }

    /** Multicast: a copy of the record to every partition. */
    private static <K, V> StreamPartitioner<K, V> toEveryPartition() {
        return (topic, key, value, partitions) -> {
            Set<Integer> all = IntStream.range(0, partitions).boxed().collect(Collectors.toSet());
            return Optional.of(all);
        };
    }

    /**
     * A store of a handful of keys per task (totals, watermarks, processed offsets, the egg seed):
     * kept in memory and rebuilt from its changelog at each start, so a start opens no RocksDB
     * instance for it (about 30 ms an open here; {@link OpenOnAssignmentStore} says why Kafka
     * Streams 4.3 would open one twice per start). Their changelogs roll small segments so the log
     * cleaner keeps them near one record per key, and the rebuild stays that small.
     */
    private static <K, V> StoreBuilder<org.apache.kafka.streams.state.KeyValueStore<K, V>> smallStore(String name, Serde<K> keys, Serde<V> values) {
        return org.apache.kafka.streams.state.Stores.keyValueStoreBuilder(org.apache.kafka.streams.state.Stores.inMemoryKeyValueStore(name), keys, values)
                .withLoggingEnabled(SMALL_CHANGELOG);
    }

    /** Changelog settings of the small stores: compacted (as every changelog), in 1 MiB segments that roll every 10 minutes. */
    private static final Map<String, String> SMALL_CHANGELOG = Map.of(
            TopicConfig.SEGMENT_BYTES_CONFIG, Integer.toString(1 << 20),
            TopicConfig.SEGMENT_MS_CONFIG, Long.toString(Duration.ofMinutes(10).toMillis()));

    /**
     * Changelog settings of the store whose keys are superseded as the history grows: a
     * contribution is rewritten on every transfer of its wallet. Compacted, as every changelog, in
     * 16 MiB segments: the log cleaner compacts only closed segments, and with the broker's 1 GiB
     * default a changelog partition of a 10 M-event history never rolls one, so a fresh instance
     * restored every superseded value the history ever wrote. (The rankings, when they had a
     * changelog of their own, wrote a delete and a put for each transfer, and their tombstones
     * stayed the broker's one-day {@code delete.retention.ms}.) The transfer ids and the meteors
     * are written once each and keep the default (compaction finds nothing there; the caves, when
     * they were one entry per wallet rewritten whole with each meteor, had the largest changelog at
     * 10 M events: 1.5 GiB for about 100,000 caves).
     */
    static final Map<String, String> REWRITTEN_CHANGELOG = Map.of(TopicConfig.SEGMENT_BYTES_CONFIG, Integer.toString(16 << 20));

    /** A persistent (RocksDB) store, opened once per start ({@link OpenOnAssignmentStore}). */
    private static <K, V> StoreBuilder<org.apache.kafka.streams.state.KeyValueStore<K, V>> store(String name, Serde<K> keys, Serde<V> values) {
        KeyValueBytesStoreSupplier supplier = OpenOnAssignmentStore.supplier(org.apache.kafka.streams.state.Stores.persistentKeyValueStore(name));
        return org.apache.kafka.streams.state.Stores.keyValueStoreBuilder(supplier, keys, values);
    }
}
