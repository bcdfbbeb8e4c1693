package dev.starfall.projections;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import dev.starfall.schemas.Topics;
import dev.starfall.schemas.avro.TransferObserved;
import dev.starfall.schemas.manifest.Manifest;
import dev.starfall.schemas.registry.SchemaRegistryClient;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.processor.StateRestoreListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the projections topology: one {@link KafkaStreams} instance, exactly-once v2, RocksDB
 * stores in {@code stateDir}. Readiness means RUNNING with no store still restoring.
 */
public final class ProjectionsService implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ProjectionsService.class);

    /**
     * @param bootstrapServers  Kafka bootstrap servers
     * @param applicationId     Streams application id (consumer group and internal topic prefix)
     * @param stateDir          where RocksDB stores live; kept across restarts
     * @param applicationServer {@code host:port} this instance answers queries on
     * @param standbyReplicas   standby copies of each store on other instances
     * @param replicationFactor replication factor of internal topics
     * @param overrides         further Kafka Streams settings, applied last (e.g. session.timeout.ms)
     */
    public record Settings(String bootstrapServers, String applicationId, Path stateDir, String applicationServer,
                           int standbyReplicas, int replicationFactor, java.util.Map<String, Object> overrides) {
        public Settings {
            Objects.requireNonNull(bootstrapServers, "bootstrapServers");
            Objects.requireNonNull(applicationId, "applicationId");
            Objects.requireNonNull(stateDir, "stateDir");
            Objects.requireNonNull(applicationServer, "applicationServer");
            overrides = java.util.Map.copyOf(overrides);
        }

        public Settings(String bootstrapServers, String applicationId, Path stateDir, String applicationServer,
                        int standbyReplicas, int replicationFactor) {
            this(bootstrapServers, applicationId, stateDir, applicationServer, standbyReplicas, replicationFactor, java.util.Map.of());
        }

        /** Application id derived from the event, so two events never share state. */
        public static String applicationIdFor(Manifest manifest) {
            return "starfall-projections-" + manifest.event().getId();
        }
    }

    /** Restores of fewer records are logged at debug: an instance has about 60 store partitions, most of them small. */
    private static final long RESTORE_LOG_FROM = 10_000;
    /** How often the projections commit, and how long their producer lingers (see {@link #properties}). */
    private static final int COMMIT_INTERVAL_MS = 200;
    /** The longest the restore consumer's fetch waits at a changelog's end (see {@link #properties}). */
    private static final int RESTORE_FETCH_MAX_WAIT_MS = 20;

    private final KafkaStreams streams;
    private final AtomicInteger restoring = new AtomicInteger();
    private final Settings settings;
    private final CaveVersions caveVersions;
    private final ShowerTaskStores showerTasks;

    /** Changes of the Kafka Streams client's state so far ({@link #stateChanges()}). */
    private final AtomicLong stateChanges = new AtomicLong();

    private ProjectionsService(KafkaStreams streams, Settings settings, CaveVersions caveVersions, ShowerTaskStores showerTasks) {
        this.streams = streams;
        this.settings = settings;
        this.caveVersions = caveVersions;
        this.showerTasks = showerTasks;
    }

    /**
     * Counting only (live stores, no closing, results, caves, telescope or eggs): see
     * {@link ProjectionsTopology#build(Manifest, Serde)}. Prefer {@link #start(Manifest, Settings, SchemaRegistryClient)}.
     */
    public static ProjectionsService start(Manifest manifest, Settings settings, Serde<TransferObserved> transferSerde) {
        return start(ProjectionsTopology.build(manifest, transferSerde), CaveVersions.untracked(), new ShowerTaskStores(), settings);
    }

    /** The full topology with the Confluent wire-format serdes over {@code registry}. */
    public static ProjectionsService start(Manifest manifest, Settings settings, SchemaRegistryClient registry) {
        return start(manifest, settings, TopologySerdes.of(registry));
    }

    /** The full topology: counting, closing, results, caves, telescope and eggs. */
    public static ProjectionsService start(Manifest manifest, Settings settings, TopologySerdes serdes) {
        ProjectionsService service = prepare(manifest, settings, serdes);
        service.start();
        return service;
    }

    private static ProjectionsService start(org.apache.kafka.streams.Topology topology, CaveVersions caves, ShowerTaskStores showerTasks,
                                            Settings settings) {
        ProjectionsService service = prepare(topology, caves, showerTasks, settings);
        service.start();
        return service;
    }

    /**
     * The full topology with the Confluent wire-format serdes over {@code registry}, built and
     * configured but not started: a caller can do other start-up work (creating topics, say) while
     * the topology and clients are built, then {@link #start()}. {@link #close()} is safe before start.
     */
    public static ProjectionsService prepare(Manifest manifest, Settings settings, SchemaRegistryClient registry) {
        return prepare(manifest, settings, TopologySerdes.of(registry));
    }

    /** The full topology, its cave partitions' versions and its running shower tasks' stores tracked for the gateway. */
    private static ProjectionsService prepare(Manifest manifest, Settings settings, TopologySerdes serdes) {
        CaveVersions caves = new CaveVersions(Topics.RESULTS.partitions());
        ShowerTaskStores showerTasks = new ShowerTaskStores();
        return prepare(ProjectionsTopology.build(manifest, serdes, caves, showerTasks), caves, showerTasks, settings);
    }

    private static ProjectionsService prepare(org.apache.kafka.streams.Topology topology, CaveVersions caves, ShowerTaskStores showerTasks,
                                              Settings settings) {
        KafkaStreams streams = new KafkaStreams(topology, properties(settings));
        ProjectionsService service = new ProjectionsService(streams, settings, caves, showerTasks);
        streams.setStateListener((now, before) -> {
            // tasks may move on any change of state (a rebalance, a failure): no cave read before is known to hold
            caves.changedAll();
            service.stateChanges.incrementAndGet();
            log.info("Projections {} -> {} ({})", before, now, settings.applicationServer());
        });
        streams.setGlobalStateRestoreListener(service.restoreListener());
        streams.setUncaughtExceptionHandler(e -> {
            log.error("Projections stream thread failed; the instance shuts down", e);
            return org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
        return service;
    }

    /**
     * Starts a {@link #prepare prepared} instance: returns once the global stores are restored (the
     * stream thread then joins the group and restores the tasks' stores; see {@link #isReady()}).
     * The source topics must exist.
     */
    public void start() {
        streams.start();
        log.info("Projections started: application id {}, state in {}, queries on {}", settings.applicationId(),
                settings.stateDir(), settings.applicationServer());
    }

    /** The Kafka Streams configuration these settings start the projections with: starfall's own, then {@link Settings#overrides}. */
    public static Properties properties(Settings s) {
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, s.applicationId());
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, s.bootstrapServers());
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        p.put(StreamsConfig.STATE_DIR_CONFIG, s.stateDir().toAbsolutePath().toString());
        p.put(StreamsConfig.APPLICATION_SERVER_CONFIG, s.applicationServer());
        p.put(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, s.standbyReplicas());
        p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, s.replicationFactor());
        // Each exactly-once commit has costs of its own, whatever it carries (partitions added to
        // the transaction, its markers, the offsets): every 200 ms instead of Streams' 100 made the
        // embedded default's ingest about a tenth faster, and freshness moved by about 10 ms (a
        // transfer waits for its chain API's next poll, 1 s, far longer). ops/bench/REPORT.md, row 44.
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, COMMIT_INTERVAL_MS);
        // The shower tasks read two topics (transfers by shower, egg seed broadcast) whose order
        // does not matter: a reveal before or after a close draws the same eggs. Waiting for the
        // idle one costs a log message built per record (7 % of the stream thread), and nothing is gained.
        p.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, StreamsConfig.MAX_TASK_IDLE_MS_DISABLED);
        // Shower totals, task watermarks and processed offsets (a few keys, rewritten on every record) are
        // cached, so each is written once per commit. The contributions are not: their keys rarely repeat
        // within a commit, so a cache only adds its own work there.
        p.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 32L << 20);
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
        // The state updater hands the restore consumer tasks a few at a time, as the stream thread
        // opens their stores. After each poll the consumer fetches again, and at a changelog's end the
        // broker holds that fetch for fetch.max.wait.ms (500 ms by default); the next tasks' changelogs
        // cannot be fetched from the same broker until it returns. On a restart with local state that
        // was about half a second per hand-off, two or three of them. ops/bench/REPORT.md, row 47.
        p.put(StreamsConfig.restoreConsumerPrefix(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG), RESTORE_FETCH_MAX_WAIT_MS);
        // Under exactly-once nothing the producer sends is read before the commit, which flushes it:
        // lingering up to the commit interval costs no freshness, and fills batches. At 5 ms the
        // producer sent about 20 small produce requests per commit, each a log append per partition.
        p.put(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), COMMIT_INTERVAL_MS);
        // And a commit's records to a partition (repartitioned transfers, changelogs) go out as one
        // batch where they fit 256 KiB, not as the default 16 KiB pieces, each sent when it fills.
        p.put(StreamsConfig.producerPrefix(ProducerConfig.BATCH_SIZE_CONFIG), 256 * 1024);
        p.put(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, BoundedMemoryRocksDbConfig.class);
        // Streams 4.3 warns at start unless this is set; its constant is already deprecated because
        // the handler will always cover global state in a later release, which is what we want.
        String globalHandler = "processing.exception.handler.global.enabled";
        p.put(globalHandler, true);
        // The main consumer's partition assignor builds a StreamsConfig of its own from the consumer's
        // settings, which warns the same unless the setting is there too.
        p.put(StreamsConfig.mainConsumerPrefix(globalHandler), true);
        // Client metrics push (KIP-714) sends the clients' metrics to a broker that has a client-metrics
        // subscription for them; without one it only costs. Every metric a client registers also
        // goes through the push reporter's naming, and a restart registers thousands (Streams
        // registers each store's metrics twice: for the offsets read at start, then for the task).
        // Off, a restart with local state took about half a second less CPU (ops/bench/REPORT.md,
        // row 48). JMX still has every client metric; the gateway's /metrics has starfall's own.
        p.put(StreamsConfig.ENABLE_METRICS_PUSH_CONFIG, false);
        p.putAll(s.overrides());
        return p;
    }

    private StateRestoreListener restoreListener() {
        return new StateRestoreListener() {
            @Override
            public void onRestoreStart(TopicPartition partition, String store, long start, long end) {
                restoring.incrementAndGet();
                noteRestore(partition, store);
                if (end - start >= RESTORE_LOG_FROM) {
                    log.info("Restoring {} from {} ({} records)", store, partition, end - start);
                } else {
                    log.debug("Restoring {} from {} ({} records)", store, partition, end - start);
                }
            }

            @Override
            public void onBatchRestored(TopicPartition partition, String store, long batchEnd, long restored) {
                // progress is visible through the restore start and end logs
                noteRestore(partition, store);
            }

            @Override
            public void onRestoreEnd(TopicPartition partition, String store, long total) {
                restoring.decrementAndGet();
                noteRestore(partition, store);
                if (total >= RESTORE_LOG_FROM) {
                    log.info("Restored {} from {} ({} records)", store, partition, total);
                } else {
                    log.debug("Restored {} from {} ({} records)", store, partition, total);
                }
            }

            @Override
            public void onRestoreSuspended(TopicPartition partition, String store, long total) {
                restoring.decrementAndGet();
            }
        };
    }

    /** A restore writes a cave partition without its processor: reads made before it no longer hold. */
    private void noteRestore(TopicPartition changelog, String store) {
        if (Stores.METEORS.equals(store)) {
            caveVersions.changed(changelog.partition());
        }
    }

    public KafkaStreams streams() {
        return streams;
    }

    /**
     * How many times the Kafka Streams client has changed state since it was built. A rebalance of
     * the classic protocol that starts while the client is running moves it (to {@code REBALANCING},
     * and back when it ends), so a value that has not moved since the client was running says no
     * such rebalance came meanwhile; the streams protocol can change other members' assignments
     * without it.
     */
    public long stateChanges() {
        return stateChanges.get();
    }

    /** Versions of this instance's cave partitions, to keep a cave read while nothing changed it (see {@link CaveVersions}). */
    public CaveVersions caveVersions() {
        return caveVersions;
    }

    /**
     * The stores of the shower tasks running on this instance, as their processors hold them (see
     * {@link ShowerTaskStores}); always empty under the counting-only topology, whose readers ask Kafka Streams.
     */
    public ShowerTaskStores showerTasks() {
        return showerTasks;
    }

    public Settings settings() {
        return settings;
    }

    /** Running, and no store is restoring: queries see complete state. */
    public boolean isReady() {
        return streams.state() == KafkaStreams.State.RUNNING && restoring.get() <= 0;
    }

    public boolean isAlive() {
        KafkaStreams.State s = streams.state();
        return s != KafkaStreams.State.ERROR && s != KafkaStreams.State.NOT_RUNNING && s != KafkaStreams.State.PENDING_ERROR;
    }

    /**
     * Closes and leaves the group, so a restart or the reset tool does not wait out the session
     * timeout; logged once, and only for projections that were started.
     */
    @Override
    public void close() {
        KafkaStreams.State before = streams.state();
        boolean started = before != KafkaStreams.State.CREATED && before != KafkaStreams.State.NOT_RUNNING;
        streams.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                .withTimeout(Duration.ofSeconds(30)));
        if (started) {
            log.info("Projections closed ({})", settings.applicationServer());
        }
    }
}
