package dev.starfall.bench.pipeline;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The baseline of the ingest figure: a plain Kafka Streams {@code groupByKey().aggregate()} over
 * the same transfer records (raw bytes, keyed by sender as published), into a RocksDB store, with
 * the projections' processing guarantee and the commit interval they had until the eighteenth
 * round (100 ms; 200 ms since ops/bench/REPORT.md row 44), so that the reference every round's
 * ratio divides by stays the same. Prints
 * {@code BASELINE <records> <seconds from first to last record>} once it has seen
 * {@code expected} records, then exits. Arguments: bootstrap servers, topic, expected records,
 * state directory, application id.
 */
public final class BaselineMain {

    private BaselineMain() {
    }

    /**
     * The line {@link Baseline} reads, in {@link Locale#ROOT} whatever the JVM's default locale: a
     * default locale's decimal comma or its own digits would not match what {@link Baseline} looks for.
     */
    static String resultLine(long records, double seconds) {
        return String.format(Locale.ROOT, "BASELINE %d %.3f", records, seconds);
    }

    public static void main(String[] args) throws Exception {
        String bootstrap = args[0];
        String topic = args[1];
        long expected = Long.parseLong(args[2]);
        Path stateDir = Files.createDirectories(Path.of(args[3]));
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, args[4]);
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
        p.put(StreamsConfig.consumerPrefix("auto.offset.reset"), "earliest");
        p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, 1);

        AtomicLong seen = new AtomicLong();
        AtomicLong firstNanos = new AtomicLong();
        AtomicLong lastNanos = new AtomicLong();
        CountDownLatch done = new CountDownLatch(1);
        StreamsBuilder b = new StreamsBuilder();
        b.stream(topic, Consumed.with(Serdes.Bytes(), Serdes.Bytes()))
                .groupByKey()
                .aggregate(() -> 0L, (Bytes key, Bytes value, Long total) -> {
                    long n = seen.incrementAndGet();
                    long now = System.nanoTime();
                    firstNanos.compareAndSet(0, now);
                    if (n >= expected) {
                        lastNanos.compareAndSet(0, now);
                        done.countDown();
                    }
                    return total + value.get().length;
                }, Materialized.<Bytes, Long, KeyValueStore<Bytes, byte[]>>as("baseline-sums")
                        .withKeySerde(Serdes.Bytes()).withValueSerde(Serdes.Long()));
        try (KafkaStreams streams = new KafkaStreams(b.build(), p)) {
            streams.start();
            if (!done.await(30, TimeUnit.MINUTES)) {
                System.out.println("BASELINE TIMEOUT " + seen.get());
                return;
            }
            System.out.println(resultLine(seen.get(), (lastNanos.get() - firstNanos.get()) / 1e9));
            System.out.flush();
        }
    }
}
