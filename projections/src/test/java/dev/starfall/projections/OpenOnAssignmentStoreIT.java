package dev.starfall.projections;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import dev.starfall.embedded.EmbeddedKafka;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.processor.StateRestoreListener;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.RocksDBConfigSetter;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.Options;

/**
 * On a real broker, with exactly-once as the projections run: an instance restarting on its
 * local state opens a store wrapped in {@link OpenOnAssignmentStore} once, where Kafka Streams
 * opens a plain persistent store twice; the note the wrapped store's clean close writes names
 * its changelog's last record; without a note, or with one older than the store (opened since by
 * a version without notes), the store is opened on the start-up pass as before; and both stores
 * keep their offsets (nothing is restored) and their values.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OpenOnAssignmentStoreIT {

    private static final String INPUT = "open-on-assignment-in";
    private static final String WRAPPED = "wrapped";
    private static final String PLAIN = "plain";
    private static final int RECORDS = 200;
    private static final String APPLICATION = "open-on-assignment-it";
    private static final String CHANGELOG = APPLICATION + "-" + WRAPPED + "-changelog";

    /** RocksDB opens by store name, counted by the config setter Kafka Streams calls on every open. */
    private static final Map<String, AtomicInteger> OPENS = new ConcurrentHashMap<>();

    private EmbeddedKafka kafka;

    /** Counts each RocksDB open of a store; changes no option. */
    public static final class CountingConfigSetter implements RocksDBConfigSetter {
        @Override
        public void setConfig(String storeName, Options options, Map<String, Object> configs) {
            OPENS.computeIfAbsent(storeName, n -> new AtomicInteger()).incrementAndGet();
        }

        @Override
        public void close(String storeName, Options options) {
        }
    }

    @BeforeAll
    void start(@TempDir Path tmp) throws Exception {
        kafka = EmbeddedKafka.start(EmbeddedKafka.Config.ephemeral(tmp.resolve("kafka")));
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(INPUT, 1, (short) 1))).all().get();
        }
    }

    @AfterAll
    void stop() {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void shouldOpenItsStoreOnceWhenRestartingOnLocalState(@TempDir Path state) throws Exception {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()), new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < RECORDS; i++) {
                producer.send(new ProducerRecord<>(INPUT, "key-" + i, "value-" + i));
            }
        }
        AtomicLong restored = new AtomicLong();
        Path note = OpenOnAssignmentStore.noteOf(state.resolve(APPLICATION).resolve("0_0"), WRAPPED);

        run(state, restored, true, () -> {
        });
        assertThat(OPENS.get(WRAPPED).get()).as("first start, empty state").isEqualTo(1);
        assertThat(OPENS.get(PLAIN).get()).as("first start, empty state").isEqualTo(1);
        assertThat(restored.get()).isZero();
        assertThat(OffsetNote.read(note).orElseThrow().offsets()).as("the note the clean close wrote")
                .isEqualTo(Map.of(new TopicPartition(CHANGELOG, 0), lastChangelogOffset()));

        run(state, restored, true, () -> {
            assertThat(OPENS.get(WRAPPED).get()).as("restart on local state: the task's open only").isEqualTo(1);
            assertThat(OPENS.get(PLAIN).get()).as("restart on local state: the start-up pass's and the task's").isEqualTo(2);
            assertThat(note).as("removed by the task's open").doesNotExist();
        });
        assertThat(restored.get()).as("records restored from the changelogs: the offsets were kept").isZero();
        assertThat(note).as("written again by the clean close").exists();

        run(state, restored, false, () -> {
        });
        assertThat(OPENS.get(WRAPPED).get()).as("a version without notes opens the store twice").isEqualTo(2);
        assertThat(note).as("and leaves the note alone").exists();
        run(state, restored, true, () -> {
            assertThat(OPENS.get(WRAPPED).get()).as("a note older than the store's manifest is not used").isEqualTo(2);
        });

        Files.delete(note); // as after a crash, which writes none
        run(state, restored, true, () -> {
            assertThat(OPENS.get(WRAPPED).get()).as("restart without a note: opened on the pass too").isEqualTo(2);
            assertThat(OPENS.get(PLAIN).get()).isEqualTo(2);
        });
        assertThat(restored.get()).isZero();
    }

    /**
     * Starts an instance on {@code state} ({@code notes}: with the wrapped store in {@link OpenOnAssignmentStore};
     * otherwise plain, as a version before it), waits until both stores answer every record, checks {@code running}, closes it.
     */
    private void run(Path state, AtomicLong restored, boolean notes, Runnable running) {
        OPENS.clear();
        KafkaStreams streams = start(state, restored, notes);
        try {
            awaitAll(streams, WRAPPED);
            awaitAll(streams, PLAIN);
            running.run();
        } finally {
            close(streams);
        }
    }

    /** The offset of the last record of the wrapped store's changelog, read as exactly-once readers do. */
    private long lastChangelogOffset() {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            TopicPartition changelog = new TopicPartition(CHANGELOG, 0);
            consumer.assign(List.of(changelog));
            consumer.seekToBeginning(List.of(changelog));
            long last = -1;
            int read = 0;
            Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
            while (read < RECORDS && Instant.now().isBefore(deadline)) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    last = Math.max(last, r.offset());
                    read++;
                }
            }
            assertThat(read).as("records in the changelog").isEqualTo(RECORDS);
            return last;
        }
    }

    /** Closes cleanly (the checkpoints written) and leaves the group, so the next start does not wait out the session. */
    private static void close(KafkaStreams streams) {
        streams.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                .withTimeout(Duration.ofSeconds(30)));
    }

    private KafkaStreams start(Path state, AtomicLong restored, boolean notes) {
        Topology topology = new Topology();
        topology.addSource("in", Serdes.String().deserializer(), Serdes.String().deserializer(), INPUT);
        topology.addProcessor("put", PutBoth::new, "in");
        KeyValueBytesStoreSupplier wrapped = Stores.persistentKeyValueStore(WRAPPED);
        topology.addStateStore(Stores.keyValueStoreBuilder(notes ? OpenOnAssignmentStore.supplier(wrapped) : wrapped,
                Serdes.String(), Serdes.String()), "put");
        KeyValueBytesStoreSupplier plain = Stores.persistentKeyValueStore(PLAIN);
        topology.addStateStore(Stores.keyValueStoreBuilder(plain, Serdes.String(), Serdes.String()), "put");

        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, APPLICATION);
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(StreamsConfig.STATE_DIR_CONFIG, state.toString());
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, 1);
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
        p.put(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, CountingConfigSetter.class);
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
        KafkaStreams streams = new KafkaStreams(topology, p);
        streams.setGlobalStateRestoreListener(new StateRestoreListener() {
            @Override
            public void onRestoreStart(TopicPartition partition, String store, long start, long end) {
            }

            @Override
            public void onBatchRestored(TopicPartition partition, String store, long batchEnd, long records) {
                restored.addAndGet(records);
            }

            @Override
            public void onRestoreEnd(TopicPartition partition, String store, long total) {
            }
        });
        streams.start();
        return streams;
    }

    /** Puts every record into both stores. */
    private static final class PutBoth implements Processor<String, String, Void, Void> {
        private KeyValueStore<String, String> wrapped;
        private KeyValueStore<String, String> plain;

        @Override
        public void init(ProcessorContext<Void, Void> context) {
            wrapped = context.getStateStore(WRAPPED);
            plain = context.getStateStore(PLAIN);
        }

        @Override
        public void process(Record<String, String> record) {
            wrapped.put(record.key(), record.value());
            plain.put(record.key(), record.value());
        }
    }

    /** Waits until the store answers every record's value through an interactive query. */
    private static void awaitAll(KafkaStreams streams, String store) {
        Await.until(store + " holds every record", Duration.ofSeconds(60), () -> {
            if (streams.state() != KafkaStreams.State.RUNNING) {
                return false;
            }
            ReadOnlyKeyValueStore<String, String> view;
            try {
                view = streams.store(StoreQueryParameters.fromNameAndType(store, QueryableStoreTypes.keyValueStore()));
            } catch (InvalidStateStoreException e) {
                return false; // migrating or restoring: ask again
            }
            for (int i = 0; i < RECORDS; i++) {
                if (!("value-" + i).equals(view.get("key-" + i))) {
                    return false;
                }
            }
            return true;
        });
    }
}
