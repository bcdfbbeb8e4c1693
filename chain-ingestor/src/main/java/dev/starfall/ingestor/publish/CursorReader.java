package dev.starfall.ingestor.publish;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.starfall.schemas.avro.SourceCursor;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads the latest committed {@link SourceCursor} of one source from the compacted cursor topic: a
 * {@code read_committed} consumer without a group reads every partition from the beginning to the
 * end offsets as of the start (the last stable offsets), keeping the last value for the source id.
 * Call it after {@link TransactionalPublisher#init()}, which aborts a crashed instance's open
 * transaction so that the last stable offset can move past it.
 */
public final class CursorReader {

    private CursorReader() {
    }

    public static Optional<SourceCursor> latest(String bootstrapServers, String topic, String sourceId,
                                                Deserializer<SourceCursor> deserializer, Duration timeout) {
        Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, "cursor-reader-" + sourceId);
        long deadline = System.nanoTime() + timeout.toNanos();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, timeout);
            if (infos == null || infos.isEmpty()) {
                throw new IllegalStateException("Cursor topic " + topic + " does not exist; create it before starting the ingestor");
            }
            List<TopicPartition> partitions = infos.stream().map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
            byte[] latest = null;
            boolean found = false;
            while (!caughtUp(consumer, end)) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new IllegalStateException("Could not read cursor topic " + topic + " up to " + end + " within " + timeout);
                }
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(Math.min(200, Math.max(1, left / 1_000_000))))) {
                    if (sourceId.equals(r.key())) {
                        latest = r.value();
                        found = true;
                    }
                }
            }
            if (!found || latest == null) {
                return Optional.empty();
            }
            return Optional.of(deserializer.deserialize(topic, latest));
        }
    }

    private static boolean caughtUp(KafkaConsumer<String, byte[]> consumer, Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (consumer.position(e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }
}
