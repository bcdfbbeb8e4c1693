package dev.starfall.projections;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

import dev.starfall.embedded.EmbeddedKafka;
import dev.starfall.schemas.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.ThreadMetadata;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * On a real broker, with exactly-once as the projections run: an instance with a backlog gets no
 * second stream thread while no core is free, gets one once a core is, and gives it back when the
 * backlog is worked off; tasks move to the new thread and back, and every record is counted once.
 * An instance alone gives its thread back when another instance joins its application, and gets
 * none while it shares it. A fresh instance alone starts with the second thread, restores and counts
 * with it, and gives it back once caught up. What such an instance would restore and count is read
 * from its application's changelogs, the transfers topic and its committed offsets.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CatchUpThreadIT {

    private static final String INPUT = "catch-up-in";
    private static final String SHARED_INPUT = "catch-up-shared-in";
    private static final String STORE = "counts";
    private static final int PARTITIONS = 4;
    private static final int RECORDS = 40_000;
    private static final int KEYS = 1_000;
    /** Each record takes at least this long, so the backlog lasts a few seconds. */
    private static final long WORK_NANOS = 200_000;
    /** Slower still where a second instance joins mid-backlog: its join and the rebalances take seconds. */
    private static final long SLOW_WORK_NANOS = 500_000;
    private static final Set<String> ALIVE = Set.of("CREATED", "STARTING", "PARTITIONS_REVOKED", "PARTITIONS_ASSIGNED", "RUNNING");

    private EmbeddedKafka kafka;

    @BeforeAll
    void start(@TempDir Path tmp) throws Exception {
        kafka = EmbeddedKafka.start(EmbeddedKafka.Config.ephemeral(tmp.resolve("kafka")));
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(INPUT, PARTITIONS, (short) 1), new NewTopic(SHARED_INPUT, PARTITIONS, (short) 1)))
                    .all().get();
        }
        produce(INPUT);
    }

    private void produce(String topic) {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()), new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < RECORDS; i++) {
                producer.send(new ProducerRecord<>(topic, "key-" + (i % KEYS), "value-" + i));
            }
        }
    }

    @AfterAll
    void stop() {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void shouldAddAThreadWhileBehindWithACoreFreeAndRemoveItOnceCaughtUp(@TempDir Path state) {
        AtomicBoolean coreFree = new AtomicBoolean(false);
        KafkaStreams streams = new KafkaStreams(topology(INPUT, WORK_NANOS), properties(state, "catch-up-it", "127.0.0.1:1"));
        try {
            streams.start();
            try (CatchUpThread catchUp = CatchUpThread.watch(streams, coreFree::get,
                    new CatchUpThread.Settings(RECORDS / 8, 0, Duration.ofMillis(100)))) {
                // a partition's lag is known once a poll has returned its records: the sum grows over the first polls
                Await.until("a backlog of a quarter of the records seen", Duration.ofSeconds(60),
                        () -> CatchUpThread.backlog(streams.metrics()) >= RECORDS / 4);
                LockSupport.parkNanos(Duration.ofMillis(500).toNanos()); // five checks with no core free
                assertThat(catchUp.adds()).as("no core free: no thread added").isZero();
                assertThat(aliveThreads(streams)).isEqualTo(1);

                coreFree.set(true);
                long behind = CatchUpThread.backlog(streams.metrics());
                Await.until("a second stream thread (" + behind + " records behind when a core came free)", Duration.ofSeconds(30),
                        () -> aliveThreads(streams) == 2);
                assertThat(catchUp.adds()).isEqualTo(1);
                Await.until("every record counted", Duration.ofSeconds(120), () -> counted(streams) == RECORDS);
                Await.until("back to one stream thread", Duration.ofSeconds(60), () -> aliveThreads(streams) == 1);
                assertThat(catchUp.removals()).containsExactly(CatchUpThread.Removal.CAUGHT_UP);
                assertThat(catchUp.adds()).as("added once, not again after the removal").isEqualTo(1);
                // a task moved back answers once it runs again (a restoring task's store is left out of the sum, never doubled)
                Await.until("each record counted once across the tasks' moves", Duration.ofSeconds(60), () -> counted(streams) == RECORDS);
            }
        } finally {
            streams.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                    .withTimeout(Duration.ofSeconds(30)));
        }
    }

    @Test
    void shouldGiveTheThreadBackWhenAnotherInstanceJoinsAndAddNoneWhileShared(@TempDir Path a, @TempDir Path b) {
        KafkaStreams first = new KafkaStreams(topology(SHARED_INPUT, SLOW_WORK_NANOS), properties(a, "catch-up-it-shared", "127.0.0.1:1"));
        KafkaStreams second = new KafkaStreams(topology(SHARED_INPUT, SLOW_WORK_NANOS), properties(b, "catch-up-it-shared", "127.0.0.1:2"));
        try {
            first.start();
            Await.until("the first instance running alone", Duration.ofSeconds(60), () -> first.state() == KafkaStreams.State.RUNNING);
            try (CatchUpThread catchUp = CatchUpThread.watch(first, () -> true,
                    new CatchUpThread.Settings(RECORDS / 8, 0, Duration.ofMillis(100)))) {
                produce(SHARED_INPUT);
                Await.until("a second stream thread on the instance alone", Duration.ofSeconds(60), () -> aliveThreads(first) == 2);

                second.start();
                Await.until("back to one stream thread once another instance shares the application", Duration.ofSeconds(60),
                        () -> aliveThreads(first) == 1 && first.metadataForAllStreamsClients().size() == 2);
                assertThat(catchUp.removals()).as("removed because the application is shared").containsExactly(CatchUpThread.Removal.SHARED);

                Await.until("every record counted", Duration.ofSeconds(180), () -> counted(first) >= 0 && counted(second) >= 0
                        && counted(first) + counted(second) == RECORDS);
                assertThat(catchUp.adds()).as("no thread added while the application is shared").isEqualTo(1);
                assertThat(catchUp.removals()).containsExactly(CatchUpThread.Removal.SHARED);
                assertThat(aliveThreads(first)).isEqualTo(1);
            }
        } finally {
            for (KafkaStreams s : List.of(first, second)) {
                s.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                        .withTimeout(Duration.ofSeconds(30)));
            }
        }
    }

    @Test
    void shouldStartAFreshInstanceAloneWithTwoThreadsAndGiveOneBackOnceCaughtUp(@TempDir Path first, @TempDir Path restoring) {
        String application = "catch-up-it-fresh";
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            assertThat(CatchUpThread.noLocalState(first, application)).as("an empty state directory").isTrue();
            assertThat(CatchUpThread.members(admin, application, Duration.ofSeconds(10))).as("a group never joined").hasValue(0);
            for (Path state : List.of(first, restoring)) {
                // the first start counts the records; the second, on an empty state directory, restores the counts from the changelog
                KafkaStreams streams = new KafkaStreams(topology(INPUT, WORK_NANOS), freshStart(state, application));
                try {
                    streams.start();
                    try (CatchUpThread catchUp = CatchUpThread.watchFreshStart(streams, () -> true,
                            new CatchUpThread.Settings(RECORDS / 8, 0, Duration.ofMillis(100)))) {
                        Await.until("both stream threads running", Duration.ofSeconds(60),
                                () -> streams.state() == KafkaStreams.State.RUNNING && aliveThreads(streams) == 2);
                        assertThat(CatchUpThread.members(admin, application, Duration.ofSeconds(10)).orElse(0)).as("a group with members")
                                .isPositive();
                        Await.until("every record counted", Duration.ofSeconds(120), () -> counted(streams) == RECORDS);
                        Await.until("back to one stream thread", Duration.ofSeconds(60), () -> aliveThreads(streams) == 1);
                        assertThat(catchUp.removals()).containsExactly(CatchUpThread.Removal.CAUGHT_UP);
                        assertThat(catchUp.adds()).as("none added: the fresh start's own thread was the one given back").isZero();
                        Await.until("each record counted once across the tasks' moves", Duration.ofSeconds(60),
                                () -> counted(streams) == RECORDS);
                    }
                } finally {
                    streams.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                            .withTimeout(Duration.ofSeconds(30)));
                }
                assertThat(CatchUpThread.noLocalState(state, application)).as("the tasks' state left behind").isFalse();
                Await.until("the group empty again", Duration.ofSeconds(60),
                        () -> CatchUpThread.members(admin, application, Duration.ofSeconds(10)).equals(OptionalInt.of(0)));
            }
        }
    }

    @Test
    void shouldCountWhatAFreshInstanceWouldRestoreAndCount() throws Exception {
        String application = "catch-up-it-ahead";
        String ids = dev.starfall.projections.Stores.changelog(application, dev.starfall.projections.Stores.TRANSFER_IDS);
        String meteors = dev.starfall.projections.Stores.changelog(application, dev.starfall.projections.Stores.METEORS);
        // not counted: a small store's changelog, and a persistent store's of an application whose id extends this one's
        String totals = dev.starfall.projections.Stores.changelog(application, dev.starfall.projections.Stores.SHOWER_TOTALS);
        String green = dev.starfall.projections.Stores.changelog(application + "-green", dev.starfall.projections.Stores.TRANSFER_IDS);
        String transfers = Topics.TRANSFERS_OBSERVED.name();
        Duration timeout = Duration.ofSeconds(10);
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            assertThat(CatchUpThread.ahead(admin, application, timeout)).as("no topic yet").contains(new CatchUpThread.Ahead(0, 0));
            admin.createTopics(List.of(new NewTopic(ids, 3, (short) 1), new NewTopic(meteors, 2, (short) 1),
                    new NewTopic(totals, 1, (short) 1), new NewTopic(green, 1, (short) 1), new NewTopic(transfers, 2, (short) 1))).all().get();
            assertThat(CatchUpThread.ahead(admin, application, timeout)).as("empty topics").contains(new CatchUpThread.Ahead(0, 0));
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()), new StringSerializer(), new StringSerializer())) {
                for (int i = 0; i < 300; i++) {
                    producer.send(new ProducerRecord<>(ids, i % 3, "id-" + i, "1"));
                }
                for (int i = 0; i < 50; i++) {
                    producer.send(new ProducerRecord<>(meteors, "meteor-" + i, "m"));
                }
                for (int i = 0; i < 1_000; i++) {
                    producer.send(new ProducerRecord<>(totals, "total-" + i, "t"));
                    producer.send(new ProducerRecord<>(green, "id-" + i, "1"));
                }
                for (int i = 0; i < 100; i++) {
                    producer.send(new ProducerRecord<>(transfers, i < 60 ? 0 : 1, "transfer-" + i, "t"));
                }
            }
            assertThat(CatchUpThread.ahead(admin, application, timeout)).as("the persistent stores' changelogs; every transfer")
                    .contains(new CatchUpThread.Ahead(350, 100));
            // records a changelog no longer holds (its start moved, as compaction or deletion moves it) are not restored
            admin.deleteRecords(Map.of(new TopicPartition(ids, 0), RecordsToDelete.beforeOffset(40))).all().get();
            // transfers before the application's committed offset are counted already
            admin.alterConsumerGroupOffsets(application, Map.of(new TopicPartition(transfers, 0), new OffsetAndMetadata(25))).all().get();
            assertThat(CatchUpThread.ahead(admin, application, timeout)).as("40 of a changelog gone, 25 transfers counted")
                    .contains(new CatchUpThread.Ahead(310, 75));
            assertThat(new CatchUpThread.Ahead(Long.MAX_VALUE, 1).records()).as("saturates").isEqualTo(Long.MAX_VALUE);
        }
        Admin unreachable = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:1"));
        try {
            assertThat(CatchUpThread.ahead(unreachable, application, Duration.ofSeconds(1))).as("no broker answers").isEmpty();
            assertThat(CatchUpThread.members(unreachable, application, Duration.ofSeconds(1))).as("no broker answers").isEmpty();
        } finally {
            unreachable.close(Duration.ZERO);
        }
    }

    /** {@link #properties}, with the settings a fresh instance alone starts with. */
    private Properties freshStart(Path state, String application) {
        Properties p = properties(state, application, "127.0.0.1:1");
        p.putAll(CatchUpThread.FRESH_START);
        return p;
    }

    private static int aliveThreads(KafkaStreams streams) {
        return (int) streams.metadataForLocalThreads().stream().map(ThreadMetadata::threadState).filter(ALIVE::contains).count();
    }

    /** The sum of the counts in the running tasks' stores; -1 while none can be read (a rebalance). */
    private static long counted(KafkaStreams streams) {
        try {
            ReadOnlyKeyValueStore<String, Long> store = streams.store(
                    StoreQueryParameters.fromNameAndType(STORE, QueryableStoreTypes.keyValueStore()));
            long sum = 0;
            try (KeyValueIterator<String, Long> all = store.all()) {
                while (all.hasNext()) {
                    KeyValue<String, Long> kv = all.next();
                    sum += kv.value;
                }
            }
            return sum;
        } catch (InvalidStateStoreException e) {
            return -1;
        }
    }

    private static Topology topology(String input, long workNanos) {
        Topology topology = new Topology();
        topology.addSource("in", Serdes.String().deserializer(), Serdes.String().deserializer(), input);
        topology.addProcessor("count", () -> new Count(workNanos), "in");
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(STORE), Serdes.String(), Serdes.Long()), "count");
        return topology;
    }

    private Properties properties(Path state, String application, String server) {
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, application);
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        p.put(StreamsConfig.STATE_DIR_CONFIG, state.toString());
        p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, 1);
        p.put(StreamsConfig.APPLICATION_SERVER_CONFIG, server); // as the projections run: each instance known to the group
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 200);
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
        return p;
    }

    /** Counts records by key, taking at least {@code workNanos} each. */
    private static final class Count implements Processor<String, String, Void, Void> {
        private final long workNanos;
        private KeyValueStore<String, Long> counts;

        Count(long workNanos) {
            this.workNanos = workNanos;
        }

        @Override
        public void init(ProcessorContext<Void, Void> context) {
            counts = context.getStateStore(STORE);
        }

        @Override
        public void process(Record<String, String> record) {
            Long c = counts.get(record.key());
            counts.put(record.key(), c == null ? 1 : c + 1);
            LockSupport.parkNanos(workNanos);
        }
    }
}
