package dev.starfall.projections;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

import dev.starfall.projections.domain.ShowerTotals;
import dev.starfall.schemas.Topics;
import dev.starfall.schemas.avro.ShowerResult;
import dev.starfall.schemas.avro.SourceCursor;
import dev.starfall.schemas.avro.TransferObserved;
import dev.starfall.schemas.manifest.Manifest;
import dev.starfall.schemas.manifest.ManifestLoader;
import dev.starfall.schemas.serde.AvroSerdes;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * On a real broker and registry: two Streams instances of one application (different state dirs
 * and application.server) produce the same results topic content as one instance over the same
 * input, and both equal the reference computation.
 *
 * <p>Each run counts every transfer before the chain watermark (a cursor) passes the closes, and the
 * cursor is removed (tombstone) between runs. (Since the in-band watermark a run that starts with
 * the cursor already past the closes would count the transfers first too; see
 * {@code ShowerClosingTopologyTest#shouldReplayTheWholeLogWithTheFinalCursorFirst}.)
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ProjectionsIT {

    private static final Duration DEADLINE = Duration.ofSeconds(120);

    private final Manifest manifest = ManifestLoader.loadDefault();
    private PipelineOnBroker pipeline;
    private Path dir;

    @BeforeAll
    void start(@TempDir Path tmp) throws Exception {
        dir = tmp;
        pipeline = PipelineOnBroker.start(manifest, tmp);
    }

    @AfterAll
    void stop() {
        if (pipeline != null) {
            pipeline.close();
        }
    }

    @Test
    void shouldWriteTheSameResultsWithTwoInstancesAsWithOne() throws Exception {
        List<TransferObserved> transfers = transfers();
        publish(transfers);
        Map<String, String> expected = new Reference(manifest, transfers).results();
        long counted = transfers.size();

        ProjectionsService a = start("projections-it-pair", "a");
        Await.until("a runs every shower task", DEADLINE,
                () -> listsItsShowerTasks(a) && a.showerTasks().partitions().size() == Topics.TRANSFERS_OBSERVED.partitions());
        ProjectionsService b = start("projections-it-pair", "b");
        Await.until("the pair counted every transfer", DEADLINE, () -> countedAndDuplicates(List.of(a, b)) == counted);
        // b took some of a's shower tasks: each instance lists exactly the shower tasks active on it
        Await.until("each instance lists the shower tasks it runs", DEADLINE,
                () -> listsItsShowerTasks(a) && listsItsShowerTasks(b));
        assertThat(a.showerTasks().partitions()).doesNotContainAnyElementsOf(b.showerTasks().partitions());
        Set<Integer> both = new TreeSet<>(a.showerTasks().partitions());
        both.addAll(b.showerTasks().partitions());
        assertThat(both).hasSize(Topics.TRANSFERS_OBSERVED.partitions());
        assertThat(a.showerTasks().partitions()).isNotEmpty();
        assertThat(b.showerTasks().partitions()).isNotEmpty();
        // what a listed task's stores hold is what Kafka Streams gives a query of that partition (read again until the
        // two reads agree: a shower may close between them)
        for (ProjectionsService s : List.of(a, b)) {
            for (int partition : s.showerTasks().partitions()) {
                assertThat(s.showerTasks().running(partition)).as("partition %d's stores are open", partition).isNotNull();
                Await.until("partition " + partition + "'s listed totals are what a query finds", DEADLINE, () -> {
                    Map<Integer, ShowerTotals> queried = entries(s.streams().store(StoreQueryParameters.fromNameAndType(Stores.SHOWER_TOTALS,
                            QueryableStoreTypes.<Integer, ShowerTotals>keyValueStore()).withPartition(partition)));
                    return queried.equals(entries(s.showerTasks().running(partition).totals()));
                });
            }
        }
        assertThat(Stream.of(a, b).flatMap(s -> s.showerTasks().partitions().stream().map(p -> s.showerTasks().running(p)))
                .mapToInt(held -> entries(held.totals()).size()).sum()).as("showers counted in the listed totals").isGreaterThan(1);
        chainReached(manifest.schedule().finalAt(2).plusSeconds(1));
        Map<String, String> pair = awaitResults(0, expected.size());
        pipeline.stop(a, b);
        assertThat(a.showerTasks().partitions()).as("closed tasks are no longer listed").isEmpty();
        assertThat(b.showerTasks().partitions()).as("closed tasks are no longer listed").isEmpty();

        chainReached(null); // forget the cursor before the second run
        ProjectionsService single = start("projections-it-single", "c");
        Await.until("the single instance counted every transfer", DEADLINE, () -> countedAndDuplicates(List.of(single)) == counted);
        chainReached(manifest.schedule().finalAt(2).plusSeconds(1));
        Map<String, String> alone = awaitResults(expected.size(), expected.size());

        assertThat(pair).isEqualTo(alone);
        assertThat(pair).isEqualTo(expected);
        assertThat(expected).hasSizeGreaterThan(50);
    }

    @Test
    void shouldCreateChangelogsWhoseSegmentsTheCleanerCanCompact() throws Exception {
        // the topology creates its changelogs when it first runs; closed at once, so that it writes no
        // results of the other test's transfers into the shared results topic
        ProjectionsService s = start("projections-it-changelogs", "d");
        try {
            Await.until("the instance runs", DEADLINE, () -> s.streams().state() == KafkaStreams.State.RUNNING);
        } finally {
            pipeline.stop(s);
        }

        Map<String, String> segmentBytes = new TreeMap<>();
        Map<String, String> cleanup = new TreeMap<>();
        List<String> stores = List.of(Stores.CONTRIBUTIONS, Stores.METEORS, Stores.TRANSFER_IDS, Stores.SHOWER_TOTALS);
        try (Admin admin = pipeline.admin()) {
            List<ConfigResource> topics = stores.stream()
                    .map(store -> new ConfigResource(ConfigResource.Type.TOPIC, "projections-it-changelogs-" + store + "-changelog")).toList();
            admin.describeConfigs(topics).all().get().forEach((topic, config) -> {
                segmentBytes.put(topic.name(), config.get(TopicConfig.SEGMENT_BYTES_CONFIG).value());
                cleanup.put(topic.name(), config.get(TopicConfig.CLEANUP_POLICY_CONFIG).value());
            });
        }
        assertThat(cleanup).hasSize(4).allSatisfy((topic, policy) -> assertThat(policy).isEqualTo(TopicConfig.CLEANUP_POLICY_COMPACT));
        assertThat(segmentBytes).containsExactlyInAnyOrderEntriesOf(Map.of(
                "projections-it-changelogs-" + Stores.CONTRIBUTIONS + "-changelog", Integer.toString(16 << 20),
                "projections-it-changelogs-" + Stores.METEORS + "-changelog", Integer.toString(1 << 30),
                "projections-it-changelogs-" + Stores.TRANSFER_IDS + "-changelog", Integer.toString(1 << 30),
                "projections-it-changelogs-" + Stores.SHOWER_TOTALS + "-changelog", Integer.toString(1 << 20)));
    }

    @Test
    void shouldRefuseStateWithTheChangelogOfARetiredStore() throws Exception {
        try (Admin admin = pipeline.admin()) {
            StateLayout.requireCurrent(admin, "projections-it-layout", DEADLINE); // nothing of it yet: fine
            admin.createTopics(List.of(new org.apache.kafka.clients.admin.NewTopic("projections-it-layout-wallet-caves-changelog", 1,
                    (short) 1))).all().get();
            awaitListed(admin, "projections-it-layout-wallet-caves-changelog");
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> StateLayout.requireCurrent(admin, "projections-it-layout", DEADLINE))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("projections-it-layout-wallet-caves-changelog")
                    .hasMessageContaining("starfall reset");
            StateLayout.requireCurrent(admin, "projections-it-layout-g2", DEADLINE); // another application's state: not its own
            admin.createTopics(List.of(new org.apache.kafka.clients.admin.NewTopic("projections-it-layout-g2-shower-rankings-changelog", 1,
                    (short) 1))).all().get();
            awaitListed(admin, "projections-it-layout-g2-shower-rankings-changelog");
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> StateLayout.requireCurrent(admin, "projections-it-layout-g2", DEADLINE))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("projections-it-layout-g2-shower-rankings-changelog")
                    .hasMessageContaining("leaderboards would be empty")
                    .hasMessageNotContaining("wallet-caves");
        }
    }

    /**
     * Waits until the broker lists a topic just created: a create returns once the controller has
     * it, and the broker answering the listing may learn of it a moment later.
     */
    private static void awaitListed(Admin admin, String topic) throws Exception {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
        while (!admin.listTopics().names().get().contains(topic)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(topic + " created but not listed within 30 s");
            }
            Thread.sleep(20);
        }
    }

    /** Showers 1 and 2 inside a window shorter than the grace, so transfers alone never close a shower. */
    private List<TransferObserved> transfers() {
        Random random = new Random(4);
        Instant close1 = manifest.schedule().closeOf(1);
        List<TransferObserved> out = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            Instant at = close1.plusMillis(random.nextInt(480_000) - 239_999);
            BigInteger amount = BigInteger.valueOf(1 + random.nextInt(20)).multiply(BigInteger.valueOf(1_000_000));
            out.add(TransferObserved.newBuilder().setChain("terra-classic").setChainId("columbus-5").setTxHash("it" + i)
                    .setMessageIndex(0).setBlockHeight(1).setBlockTime(at).setSender("terra1it" + random.nextInt(80))
                    .setRecipient(manifest.event().getDestinationWallet()).setDenom("uusd").setAmount(new BigDecimal(amount))
                    .setSourceEndpoint("it").setObservedAt(at).build());
            if (random.nextInt(10) == 0) {
                out.add(out.get(random.nextInt(out.size())));
            }
        }
        return out;
    }

    private ProjectionsService start(String applicationId, String name) throws Exception {
        return pipeline.startInstance(applicationId, dir.resolve("state-" + name));
    }

    /** Whether {@code s} lists exactly the shower tasks active on it now (by the Streams client's own metadata). */
    private static boolean listsItsShowerTasks(ProjectionsService s) {
        if (s.streams().state() != KafkaStreams.State.RUNNING) {
            return false;
        }
        Set<Integer> active = new TreeSet<>();
        s.streams().metadataForLocalThreads().forEach(thread -> thread.activeTasks().forEach(task -> {
            if (task.topicPartitions().stream().anyMatch(tp -> tp.topic().endsWith(Stores.BY_SHOWER + "-repartition"))) {
                active.add(task.taskId().partition());
            }
        }));
        return !active.isEmpty() && active.equals(s.showerTasks().partitions());
    }

    private static <K, V> Map<K, V> entries(ReadOnlyKeyValueStore<K, V> store) {
        Map<K, V> out = new HashMap<>();
        try (KeyValueIterator<K, V> it = store.all()) {
            it.forEachRemaining(kv -> out.put(kv.key, kv.value));
        }
        return out;
    }

    /** Counted plus duplicate transfers over the instances' local shower-totals stores; -1 while one cannot say. */
    private long countedAndDuplicates(List<ProjectionsService> instances) {
        long sum = 0;
        for (ProjectionsService s : instances) {
            Optional<Map<Integer, ShowerTotals>> totals = PipelineOnBroker.totals(s);
            if (totals.isEmpty()) {
                return -1;
            }
            sum += totals.get().values().stream().mapToLong(t -> t.transfers() + t.duplicates()).sum();
        }
        return sum;
    }

    private void publish(List<TransferObserved> transfers) throws Exception {
        pipeline.publish(transfers);
    }

    /** Writes the one source's cursor at {@code chainTime}, or its tombstone when null. */
    private void chainReached(Instant chainTime) throws Exception {
        SourceCursor cursor = chainTime == null ? null : SourceCursor.newBuilder().setSourceId("it").setPosition("1").setNewestBlockHeight(1)
                .setNewestBlockTime(manifest.schedule().opensAt()).setPublishedCount(1).setUpdatedAt(Instant.now()).setChainTime(chainTime).build();
        try (KafkaProducer<String, SourceCursor> producer = new KafkaProducer<>(pipeline.producerProps(), new StringSerializer(),
                AvroSerdes.specific(SourceCursor.class, pipeline.client, false).serializer())) {
            producer.send(new ProducerRecord<>(Topics.INGEST_CURSORS.name(), "it", cursor)).get();
        }
    }

    /** Reads committed results after the first {@code skip} records until {@code count} more arrived; key -> description. */
    private Map<String, String> awaitResults(int skip, int count) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, pipeline.kafka.bootstrapServers());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<ConsumerRecord<String, ShowerResult>> records = new ArrayList<>();
        try (KafkaConsumer<String, ShowerResult> consumer = new KafkaConsumer<>(p, new StringDeserializer(),
                AvroSerdes.specific(ShowerResult.class, pipeline.client, false).deserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            consumer.partitionsFor(Topics.RESULTS.name()).forEach(i -> partitions.add(new TopicPartition(i.topic(), i.partition())));
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = System.nanoTime() + DEADLINE.toNanos();
            while (records.size() < skip + count && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        assertThat(records).as("results records").hasSize(skip + count);
        Map<String, ShowerResult> run = new HashMap<>();
        if (skip == 0) {
            records.forEach(r -> run.put(r.key(), r.value()));
        } else {
            run.putAll(latestAfter(records, count));
        }
        return new TreeMap<>(Reference.describe(run));
    }

    /** Each key's record written by the later run: every key appears once per run, so its second record. */
    private static Map<String, ShowerResult> latestAfter(List<ConsumerRecord<String, ShowerResult>> records, int perRun) {
        Map<String, Integer> occurrences = new HashMap<>();
        Map<String, ShowerResult> second = new HashMap<>();
        for (ConsumerRecord<String, ShowerResult> r : records) {
            if (occurrences.merge(r.key(), 1, Integer::sum) == 2) {
                second.put(r.key(), r.value());
            }
        }
        assertThat(second).as("every key written again by the second run").hasSize(perRun);
        return second;
    }
}
