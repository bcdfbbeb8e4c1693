package dev.starfall.ingestor;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import dev.starfall.embedded.EmbeddedKafka;
import dev.starfall.embedded.registry.SchemaRegistryServer;
import dev.starfall.ingestor.sim.ChainSimulator;
import dev.starfall.ingestor.sim.SimulatorServer;
import dev.starfall.ingestor.sim.SimTx;
import dev.starfall.ingestor.source.RetryPolicy;
import dev.starfall.ingestor.source.http.CircuitBreaker;
import dev.starfall.ingestor.source.http.EndpointPool;
import dev.starfall.ingestor.source.WatchTarget;
import dev.starfall.ingestor.source.fcd.FcdSource;
import dev.starfall.schemas.TopicProvisioner;
import dev.starfall.schemas.Topics;
import dev.starfall.schemas.TransferIds;
import dev.starfall.schemas.avro.PayloadRejected;
import dev.starfall.schemas.avro.SourceCursor;
import dev.starfall.schemas.avro.TransferObserved;
import dev.starfall.schemas.avro.TransferRejected;
import dev.starfall.schemas.manifest.Manifest;
import dev.starfall.schemas.manifest.ManifestLoader;
import dev.starfall.schemas.manifest.ShowerSchedule;
import dev.starfall.schemas.registry.HttpSchemaRegistryClient;
import dev.starfall.schemas.registry.SchemaRegistryClient;
import dev.starfall.schemas.serde.AvroSerdes;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * simulator -> SimulatorServer (HTTP) -> FcdSource -> Ingestor -> Kafka (real broker, real schema
 * registry), read back with {@code read_committed}.
 */
class IngestorIT {

    static final Manifest MANIFEST = ManifestLoader.loadDefault();
    static final String CHAIN_ID = MANIFEST.event().getChainId();
    static final Duration TIMEOUT = Duration.ofSeconds(90);
    static final RetryPolicy FAST = new RetryPolicy(6, Duration.ofMillis(20), Duration.ofMillis(200), 2.0, Duration.ofMillis(200));

    @TempDir
    static Path tempDir;

    static EmbeddedKafka kafka;
    static SchemaRegistryServer registry;
    static SchemaRegistryClient registryClient;

    @BeforeAll
    static void startKafka() {
        kafka = EmbeddedKafka.start(EmbeddedKafka.Config.ephemeral(tempDir));
        try (Admin admin = Admin.create(Map.<String, Object>of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            new TopicProvisioner(admin, (short) 1).ensure(Topics.PIPELINE, Duration.ofSeconds(30));
        }
        registry = SchemaRegistryServer.start(kafka.bootstrapServers(), 0);
        registryClient = new HttpSchemaRegistryClient(registry.url());
    }

    @AfterAll
    static void stopKafka() {
        if (registry != null) {
            registry.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void shouldPublishEveryTransferOnceAndResumeAfterTheCursor() throws Exception {
        TestClock clock = new TestClock(Instant.parse("2030-01-01T00:00:00Z"));
        ChainSimulator simulator = new ChainSimulator(MANIFEST, ChainSimulator.Config.defaults(2021).withLive(0.8, 50), clock);
        IngestorConfig config = IngestorConfig.defaults(kafka.bootstrapServers())
                .withPollInterval(Duration.ofMillis(200))
                .withFailureBackoff(Duration.ofMillis(200));
        try (SimulatorServer server = SimulatorServer.start(simulator, 0)) {
            // 1. backfill of what is visible, through a few rate limits
            int firstVisible = simulator.visibleCount();
            server.faults().failNext(2, 429);
            String sourceId;
            try (Ingestor ingestor = Ingestor.create(config, source(server), registryClient, clock)) {
                sourceId = ingestor.sourceId();
                ingestor.start();
                assertThat(ingestor.awaitCaughtUp(TIMEOUT)).isTrue();
                Ingestor.Stats stats = ingestor.stats();
                assertThat(stats.state()).isEqualTo(Ingestor.State.CAUGHT_UP);
                assertThat(stats.chainTransactions()).isEqualTo(firstVisible);
                assertThat(stats.rateLimited()).isEqualTo(2);
                assertThat(stats.retries()).isEqualTo(2);
                assertThat(stats.newestBlockTimePublished()).isEqualTo(simulator.transactions().get(firstVisible - 1).blockTime());
            }
            Published first = readAll(server.baseUrl());
            assertPublishedExactly(first, simulator, firstVisible);
            assertThat(first.cursors.get(sourceId).getPosition())
                    .isEqualTo(Long.toString(simulator.transactions().get(firstVisible - 1).id()));
            Instant newestVisible = simulator.transactions().get(firstVisible - 1).blockTime();
            Instant head = simulator.head().time();
            assertThat(first.cursors.get(sourceId).getChainTime()).as("the head's time (or the newest transaction's)")
                    .isEqualTo(head.isAfter(newestVisible) ? head : newestVisible);

            // 2. a crashed instance left an open transaction behind (kill -9 between send and commit)
            KafkaProducer<String, byte[]> zombie = zombieWithOpenTransaction(config.transactionalId(sourceId), sourceId);

            // 3. restart: resumes after the cursor, fences the zombie, publishes nothing until the chain moves
            try (Ingestor ingestor = Ingestor.create(config, source(server), registryClient, clock)) {
                ingestor.start();
                assertThat(ingestor.awaitCaughtUp(TIMEOUT)).isTrue();
                assertThat(ingestor.awaitWalks(2, TIMEOUT)).isTrue();
                assertThat(ingestor.stats().eventsPublished()).isZero();
                assertThat(ingestor.stats().cursorPosition()).isEqualTo(first.cursors.get(sourceId).getPosition());

                clock.advance(Duration.ofHours(1));
                assertThat(simulator.visibleCount()).isEqualTo(simulator.transactions().size());
                long walks = ingestor.stats().walks();
                assertThat(ingestor.awaitWalks(walks + 2, TIMEOUT)).isTrue();

                ChainSimulator.Expected all = simulator.expected(simulator.transactions().size());
                ChainSimulator.Expected before = simulator.expected(firstVisible);
                assertThat(ingestor.stats().observedPublished()).isEqualTo(all.observed() - before.observed());
                assertThat(ingestor.stats().rejectedPublished()).isEqualTo(all.rejected() - before.rejected());
                assertThat(ingestor.stats().chainTransactions()).isEqualTo(simulator.transactions().size() - firstVisible);
            } finally {
                zombie.close(Duration.ZERO);
            }
            Published second = readAll(server.baseUrl());
            assertPublishedExactly(second, simulator, simulator.transactions().size());
            SourceCursor cursor = second.cursors.get(sourceId);
            assertThat(cursor.getPosition()).isEqualTo(Long.toString(simulator.transactions().get(simulator.transactions().size() - 1).id()));
            assertThat(cursor.getPublishedCount()).isEqualTo(second.observed.size() + second.rejected.size());
        }
    }

    @Test
    void shouldEndEqualToTheGroundTruthThroughFaultsFailoverAndAWeightChangeThenRecordAMalformedPayloadAndStop() throws Exception {
        String chainId = CHAIN_ID + "-faults";
        ChainSimulator simulator = new ChainSimulator(MANIFEST, ChainSimulator.Config.defaults(303).withTransactions(3_000));
        try (SimulatorServer a = SimulatorServer.start(simulator, 0); SimulatorServer b = SimulatorServer.start(simulator, 0)) {
            a.faults().failNext(4, 429);
            a.faults().failNext(2, 429, Duration.ofSeconds(1));
            a.faults().rateLimitNextWithDate(1, Duration.ofSeconds(1));
            a.faults().failNext(1, 500);
            a.faults().slowNext(1, Duration.ofMillis(1_500));
            a.faults().repeatPageNext();
            b.faults().failNext(5, 503);
            WatchTarget target = new WatchTarget(MANIFEST.event().getChain(), chainId, simulator.wallet(), MANIFEST.event().getDenom());
            FcdSource source = FcdSource.builder(List.of(new EndpointPool.EndpointConfig("a", a.baseUrl(), 1),
                            new EndpointPool.EndpointConfig("b", b.baseUrl(), 1)), target)
                    .pageLimit(10)
                    .windowPages(4)
                    .batchSize(25)
                    .requestTimeout(Duration.ofMillis(500))
                    .pacing(new EndpointPool.Settings(60, 10, new CircuitBreaker.Config(3, Duration.ofSeconds(1))))
                    .retryPolicy(new RetryPolicy(10, Duration.ofMillis(20), Duration.ofMillis(300), 2.0, Duration.ofSeconds(2)))
                    .build();
            IngestorConfig config = IngestorConfig.defaults(kafka.bootstrapServers())
                    .withPollInterval(Duration.ofMillis(200))
                    .withFailureBackoff(Duration.ofMillis(200));
            try (Ingestor ingestor = Ingestor.create(config, source, registryClient)) {
                ingestor.start();
                // mid-run: move most traffic to b, as the JUP airdrop moved its RPC split live
                long deadline = System.nanoTime() + TIMEOUT.toNanos();
                while (ingestor.metrics().observedPublished() < 200) {
                    assertThat(System.nanoTime()).as("published 200 transfers in time").isLessThan(deadline);
                    assertThat(ingestor.awaitWalks(1, Duration.ofMillis(20))).as("still backfilling").isFalse();
                }
                source.pool().setWeights(Map.of("a", 1, "b", 4));
                long aRequestsAtChange = ingestor.metrics().endpoints().get(0).requests();
                long bRequestsAtChange = ingestor.metrics().endpoints().get(1).requests();
                assertThat(ingestor.awaitCaughtUp(TIMEOUT)).isTrue();

                IngestorMetrics m = ingestor.metrics();
                assertThat(m.rateLimited()).isGreaterThanOrEqualTo(7);
                assertThat(m.serverErrors()).isGreaterThanOrEqualTo(4);
                // the injected slow answer; on a loaded machine another request may also outlast the 500 ms timeout
                assertThat(m.timeouts()).isGreaterThanOrEqualTo(1);
                assertThat(m.failovers()).isPositive();
                assertThat(m.endpoints().get(1).breakerOpened()).as("b's breaker opened").isPositive();
                assertThat(m.endpoints().get(0).weight()).isEqualTo(1);
                assertThat(m.endpoints().get(1).weight()).isEqualTo(4);
                assertThat(m.endpoints().get(0).requests() - aRequestsAtChange).as("b takes most of the traffic after the change")
                        .isLessThan(m.endpoints().get(1).requests() - bRequestsAtChange);
                assertThat(a.faults().pending()).as("every fault of a was served").isZero();
                assertThat(b.faults().pending()).isZero();
                assertThat(m.ingestLag()).isEqualTo(Duration.ZERO);
                assertThat(m.chainTimePublished()).isEqualTo(simulator.head().time());

                Published published = readAll(a.baseUrl(), b.baseUrl());
                assertPublishedExactly(published, simulator, simulator.transactions().size());
                assertThat(published.cursors.get(ingestor.sourceId()).getChainTime()).isEqualTo(simulator.head().time());

                // a malformed answer: recorded in its own transaction, then the source stops, naming it
                a.faults().malformedNext();
                b.faults().malformedNext();
                deadline = System.nanoTime() + TIMEOUT.toNanos();
                while (ingestor.state() != Ingestor.State.FAILED) {
                    assertThat(System.nanoTime()).as("stopped on the malformed answer in time").isLessThan(deadline);
                    pause(Duration.ofMillis(50));
                }
                assertThat(ingestor.failure()).get().asString().contains("malformed payload").contains("/v1/txs?account=");
                assertThat(ingestor.metrics().malformedRecorded()).isEqualTo(1);
                assertThat(ingestor.metrics().failure()).contains("malformed payload");
            }
            List<ConsumerRecord<String, PayloadRejected>> malformed = read(Topics.INGEST_MALFORMED.name(),
                    AvroSerdes.specific(PayloadRejected.class, registryClient, false).deserializer());
            malformed.removeIf(r -> !r.key().equals(WatchTarget.of(MANIFEST).sourceId(FcdSource.API).replace(CHAIN_ID, chainId)));
            assertThat(malformed).hasSize(1);
            PayloadRejected record = malformed.get(0).value();
            assertThat(record.getRequest()).startsWith("GET /v1/txs?account=" + simulator.wallet());
            assertThat(record.getHttpStatus()).isEqualTo(200);
            assertThat(record.getJsonPath()).isEqualTo("$");
            assertThat(record.getRawBody()).isNotEmpty();
            assertThat(record.getEndpoint()).isIn(a.baseUrl(), b.baseUrl());
            assertPublishedExactly(readAll(a.baseUrl(), b.baseUrl()), simulator, simulator.transactions().size());
        }
    }

    @Test
    void shouldNeitherLoseNorDuplicateAnythingWhenKilledAtRandomMoments() throws Exception {
        String chainId = CHAIN_ID + "-kill";
        ChainSimulator simulator = new ChainSimulator(MANIFEST, ChainSimulator.Config.defaults(404).withTransactions(2_000));
        String sourceId = new WatchTarget(MANIFEST.event().getChain(), chainId, simulator.wallet(), MANIFEST.event().getDenom())
                .sourceId(FcdSource.API);
        SimTx newest = simulator.transactions().get(simulator.transactions().size() - 1);
        java.util.SplittableRandom random = new java.util.SplittableRandom(4242);
        try (SimulatorServer server = SimulatorServer.start(simulator, 0)) {
            int kills = 0;
            long previousCount = -1;
            for (int run = 0; run < 4; run++) {
                Process child = startChild(server.baseUrl(), chainId, run);
                try {
                    long millis = 800 + random.nextLong(2_200);
                    assertThat(child.waitFor(millis, java.util.concurrent.TimeUnit.MILLISECONDS)).as("child still running").isFalse();
                } finally {
                    child.destroyForcibly();
                    child.waitFor();
                }
                kills++;
                SourceCursor cursor = readAll(server.baseUrl()).cursors().get(sourceId);
                long count = cursor == null ? 0 : cursor.getPublishedCount();
                assertThat(count).isGreaterThanOrEqualTo(Math.max(0, previousCount));
                previousCount = count;
            }
            Process last = startChild(server.baseUrl(), chainId, 4);
            try {
                long deadline = System.nanoTime() + TIMEOUT.toNanos();
                while (true) {
                    SourceCursor cursor = readAll(server.baseUrl()).cursors().get(sourceId);
                    if (cursor != null && cursor.getPosition().equals(Long.toString(newest.id()))) {
                        break;
                    }
                    assertThat(System.nanoTime()).as("the last child caught up in time").isLessThan(deadline);
                    assertThat(last.waitFor(200, java.util.concurrent.TimeUnit.MILLISECONDS)).as("child still running").isFalse();
                }
            } finally {
                last.destroyForcibly();
                last.waitFor();
            }
            assertThat(kills).isEqualTo(4);
            Published published = readAll(server.baseUrl());
            assertPublishedExactly(published, simulator, simulator.transactions().size());
            assertThat(published.cursors().get(sourceId).getPublishedCount())
                    .isEqualTo(published.observed().size() + published.rejected().size());
        }
    }

    /** Waits a little between two polls of a condition (no Thread.sleep). */
    private static void pause(Duration d) throws InterruptedException {
        assertThat(new java.util.concurrent.CountDownLatch(1).await(d.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)).isFalse();
    }

    /** Starts {@link IngestorChildMain} in a JVM of its own and waits for its ready line. */
    private static Process startChild(String fcdUrl, String chainId, int run) throws Exception {
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder builder = new ProcessBuilder(javaBin, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                IngestorChildMain.class.getName(), kafka.bootstrapServers(), registry.url(), fcdUrl, chainId);
        builder.redirectError(tempDir.resolve("child-" + run + ".err").toFile());
        Process process = builder.start();
        java.io.BufferedReader out = new java.io.BufferedReader(new java.io.InputStreamReader(process.getInputStream(),
                java.nio.charset.StandardCharsets.UTF_8));
        java.util.concurrent.CompletableFuture<String> ready = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return out.readLine();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        String line = ready.get(60, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(line).as("ready line of child %s (stderr in %s)", run, tempDir.resolve("child-" + run + ".err"))
                .isEqualTo(IngestorChildMain.READY);
        return process;
    }

    private FcdSource source(SimulatorServer server) {
        return FcdSource.builder(server.baseUrl(), WatchTarget.of(MANIFEST)).retryPolicy(FAST).batchSize(250).build();
    }

    /** Everything committed on the three topics. */
    record Published(List<ConsumerRecord<String, TransferObserved>> observed, List<ConsumerRecord<String, TransferRejected>> rejected,
                   Map<String, SourceCursor> cursors) {
    }

    private static void assertPublishedExactly(Published published, ChainSimulator simulator, int visible) {
        Set<String> ids = new HashSet<>();
        ShowerSchedule schedule = MANIFEST.schedule();
        Map<Integer, Map<String, BigInteger>> sums = new TreeMap<>();
        for (ConsumerRecord<String, TransferObserved> r : published.observed()) {
            TransferObserved t = r.value();
            assertThat(ids.add(TransferIds.of(t))).as("transfer id %s published once", TransferIds.of(t)).isTrue();
            assertThat(r.key()).isEqualTo(t.getSender());
            assertThat(t.getAmount().scale()).isZero();
            schedule.showerOf(t.getBlockTime()).ifPresent(k -> sums.computeIfAbsent(k, x -> new TreeMap<>())
                    .merge(t.getSender(), t.getAmount().toBigIntegerExact(), BigInteger::add));
        }
        Set<String> rejections = new HashSet<>();
        for (ConsumerRecord<String, TransferRejected> r : published.rejected()) {
            TransferRejected t = r.value();
            assertThat(r.key()).isEqualTo(t.getTxHash());
            assertThat(rejections.add(t.getTxHash() + ':' + t.getMessageIndex() + ':' + t.getDenom() + ':' + t.getReason()))
                    .as("rejection of %s published once", t.getTxHash()).isTrue();
        }
        assertThat(sums).isEqualTo(simulator.groundTruth(visible));
        ChainSimulator.Expected expected = simulator.expected(visible);
        assertThat((long) published.observed().size()).isEqualTo(expected.observed());
        assertThat((long) published.rejected().size()).isEqualTo(expected.rejected());
    }

    /** A producer with the ingestor's transactional id that sent a transfer and a cursor and never committed. */
    private KafkaProducer<String, byte[]> zombieWithOpenTransaction(String transactionalId, String sourceId) {
        Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        KafkaProducer<String, byte[]> producer = new KafkaProducer<>(config, new StringSerializer(),
                new ByteArraySerializer());
        producer.initTransactions();
        producer.beginTransaction();
        Serializer<TransferObserved> observed = AvroSerdes.specific(TransferObserved.class, registryClient, false).serializer();
        Serializer<SourceCursor> cursors = AvroSerdes.specific(SourceCursor.class, registryClient, false).serializer();
        TransferObserved ghost = TransferObserved.newBuilder()
                .setChain("terra-classic").setChainId("columbus-5").setTxHash("GHOST").setMessageIndex(0)
                .setBlockHeight(1).setBlockTime(Instant.parse("2021-11-07T12:00:00Z"))
                .setSender("terra1ghost").setRecipient(MANIFEST.event().getDestinationWallet()).setDenom("uusd")
                .setAmount(new BigDecimal("999000000")).setSourceEndpoint("zombie").setObservedAt(Instant.EPOCH)
                .build();
        producer.send(new ProducerRecord<>(Topics.TRANSFERS_OBSERVED.name(), ghost.getSender(),
                observed.serialize(Topics.TRANSFERS_OBSERVED.name(), ghost)));
        SourceCursor bogus = SourceCursor.newBuilder().setSourceId(sourceId).setPosition("999999999999").setNewestBlockHeight(1)
                .setNewestBlockTime(Instant.EPOCH).setPublishedCount(0).setUpdatedAt(Instant.EPOCH).build();
        producer.send(new ProducerRecord<>(Topics.INGEST_CURSORS.name(), sourceId, cursors.serialize(Topics.INGEST_CURSORS.name(), bogus)));
        producer.flush();
        return producer;
    }

    /** Everything committed from the given endpoints (each test has its own simulator servers; the topics are shared). */
    private static Published readAll(String... endpoints) {
        Set<String> from = Set.of(endpoints);
        List<ConsumerRecord<String, TransferObserved>> observed = read(Topics.TRANSFERS_OBSERVED.name(),
                AvroSerdes.specific(TransferObserved.class, registryClient, false).deserializer());
        observed.removeIf(r -> !from.contains(r.value().getSourceEndpoint()));
        List<ConsumerRecord<String, TransferRejected>> rejected = read(Topics.TRANSFERS_REJECTED.name(),
                AvroSerdes.specific(TransferRejected.class, registryClient, false).deserializer());
        rejected.removeIf(r -> !from.contains(r.value().getSourceEndpoint()));
        Map<String, SourceCursor> cursors = new HashMap<>();
        for (ConsumerRecord<String, SourceCursor> r : read(Topics.INGEST_CURSORS.name(),
                AvroSerdes.specific(SourceCursor.class, registryClient, false).deserializer())) {
            cursors.put(r.key(), r.value());
        }
        return new Published(observed, rejected, cursors);
    }

    /** Reads a whole topic with read_committed, from the beginning to the end offsets taken at the start. */
    private static <V> List<ConsumerRecord<String, V>> read(String topic, Deserializer<V> values) {
        Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        List<ConsumerRecord<String, V>> out = new ArrayList<>();
        try (KafkaConsumer<String, V> consumer = new KafkaConsumer<>(config, new StringDeserializer(), values)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, TIMEOUT).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, TIMEOUT);
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                assertThat(System.nanoTime()).as("read %s to its end in time", topic).isLessThan(deadline);
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        }
        return out;
    }
}
