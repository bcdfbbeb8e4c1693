package dev.starfall.embedded.registry;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starfall.schemas.TopicProvisioner;
import dev.starfall.schemas.Topics;
import dev.starfall.schemas.registry.SchemaRegistryException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The registry's durable store: the compacted, single-partition topic {@link Topics#SCHEMAS}, with JSON
 * keys and values shaped like Confluent's ({@code {"keytype":"SCHEMA","subject":..,"version":..,"magic":1}}
 * and {@code {"keytype":"CONFIG","subject":..,"magic":0}}).
 *
 * <p>The log is the only source of truth: {@link RegistryState} changes only by applying records read
 * back from the topic. A write is produced with an idempotent producer (acks=all), awaited, and then
 * read back up to its offset. The writer calls {@link #catchUpToEnd()} before deciding on a new id or
 * version, so a write that failed ambiguously (timed out, yet landed) can never lead to a reused one.
 *
 * <p>Not thread-safe: used by one thread at a time (the server's single writer).
 */
final class SchemaStore implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SchemaStore.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WRITE_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(30);

    private final String bootstrapServers;
    private final RegistryState state;
    private final TopicPartition partition = new TopicPartition(Topics.SCHEMAS.name(), 0);
    private KafkaProducer<String, String> producer;
    private KafkaConsumer<String, String> consumer;

    SchemaStore(String bootstrapServers, RegistryState state) {
        this.bootstrapServers = bootstrapServers;
        this.state = state;
    }

    /** Creates the topic if needed, then reads it from the beginning to its end offset. */
    void open(Duration timeout) {
        Properties adminProps = new Properties();
        adminProps.setProperty(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        adminProps.setProperty(AdminClientConfig.CLIENT_ID_CONFIG, "starfall-schema-registry-admin");
        try (Admin admin = Admin.create(adminProps)) {
            new TopicProvisioner(admin, (short) 1).ensure(List.of(Topics.SCHEMAS), timeout);
        }
        producer = new KafkaProducer<>(producerProps(), new StringSerializer(), new StringSerializer());
        consumer = new KafkaConsumer<>(consumerProps(), new StringDeserializer(), new StringDeserializer());
        consumer.assign(List.of(partition));
        consumer.seekToBeginning(List.of(partition));
        catchUpToEnd(timeout);
    }

    private Properties producerProps() {
        Properties p = new Properties();
        p.setProperty(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.setProperty(ProducerConfig.CLIENT_ID_CONFIG, "starfall-schema-registry-writer");
        p.setProperty(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.setProperty(ProducerConfig.ACKS_CONFIG, "all");
        p.setProperty(ProducerConfig.LINGER_MS_CONFIG, "0");
        p.setProperty(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
        p.setProperty(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, String.valueOf(WRITE_TIMEOUT.toMillis() - 5000));
        p.setProperty(ProducerConfig.MAX_BLOCK_MS_CONFIG, "10000");
        return p;
    }

    private Properties consumerProps() {
        Properties p = new Properties();
        p.setProperty(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.setProperty(ConsumerConfig.CLIENT_ID_CONFIG, "starfall-schema-registry-reader");
        p.setProperty(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.setProperty(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        return p;
    }

    /** Reads the topic up to its current end offset; the writer calls it before deciding on ids and versions. */
    void catchUpToEnd() {
        catchUpToEnd(READ_TIMEOUT);
    }

    private void catchUpToEnd(Duration timeout) {
        long end;
        try {
            end = consumer.endOffsets(Set.of(partition), timeout).getOrDefault(partition, 0L);
        } catch (KafkaException e) {
            throw storeError("Could not read the end offset of " + partition, e);
        }
        catchUpTo(end, timeout);
    }

    private void catchUpTo(long offset, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            while (consumer.position(partition, timeout) < offset) {
                if (System.nanoTime() > deadline) {
                    throw new SchemaRegistryException(500, SchemaRegistryException.OPERATION_TIMEOUT,
                            "Timed out reading " + partition + " up to offset " + offset);
                }
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    apply(record);
                }
            }
        } catch (KafkaException e) {
            throw storeError("Could not read " + partition, e);
        }
    }

    /** Appends a schema version (or its soft deletion) and waits until it is applied. */
    void write(List<SchemaVersion> versions) {
        List<ProducerRecord<String, String>> records = new ArrayList<>();
        for (SchemaVersion v : versions) {
            records.add(new ProducerRecord<>(partition.topic(), partition.partition(), schemaKey(v.subject(), v.version()), schemaValue(v)));
        }
        send(records);
    }

    /** Appends a compatibility level of {@code subject} (global when null); a null level removes it. */
    void writeLevel(String subject, CompatibilityLevel level) {
        String value = null;
        if (level != null) {
            ObjectNode node = JSON.createObjectNode();
            node.put("compatibilityLevel", level.name());
            value = node.toString();
        }
        send(List.of(new ProducerRecord<>(partition.topic(), partition.partition(), configKey(subject), value)));
    }

    private void send(List<ProducerRecord<String, String>> records) {
        long last = -1;
        try {
            List<Future<RecordMetadata>> sent = new ArrayList<>();
            for (ProducerRecord<String, String> record : records) {
                sent.add(producer.send(record));
            }
            producer.flush();
            for (Future<RecordMetadata> future : sent) {
                last = Math.max(last, future.get(WRITE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).offset());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw storeError("Interrupted while writing to " + partition, e);
        } catch (ExecutionException e) {
            throw storeError("Could not write to " + partition, e.getCause());
        } catch (TimeoutException | KafkaException e) {
            throw storeError("Could not write to " + partition, e);
        }
        catchUpTo(last + 1, READ_TIMEOUT);
    }

    private void apply(ConsumerRecord<String, String> record) {
        try {
            JsonNode key = record.key() == null ? null : JSON.readTree(record.key());
            String type = key == null ? "" : key.path("keytype").asText("");
            switch (type) {
                case "SCHEMA" -> applySchema(key, record.value());
                case "CONFIG" -> applyConfig(key, record.value());
                default -> log.debug("Ignoring record of type '{}' at offset {} of {}", type, record.offset(), partition);
            }
        } catch (JsonProcessingException | RuntimeException e) {
            log.warn("Ignoring unreadable record at offset {} of {}: {}", record.offset(), partition, e.toString());
        }
    }

    private void applySchema(JsonNode key, String value) throws JsonProcessingException {
        String subject = key.path("subject").asText();
        int version = key.path("version").asInt();
        if (value == null) {
            state.removeVersion(subject, version);
            return;
        }
        JsonNode v = JSON.readTree(value);
        String schemaType = v.path("schemaType").asText("AVRO");
        if (!"AVRO".equals(schemaType)) {
            log.warn("Ignoring {} schema version {} of subject '{}': only AVRO is supported", schemaType, version, subject);
            return;
        }
        if (!v.path("id").canConvertToInt() || !v.path("schema").isTextual()) {
            throw new IllegalArgumentException("schema record without id or schema: " + value);
        }
        state.putVersion(new SchemaVersion(subject, version, v.path("id").intValue(), v.path("schema").textValue(),
                v.path("deleted").asBoolean(false)));
    }

    private void applyConfig(JsonNode key, String value) throws JsonProcessingException {
        JsonNode subjectNode = key.get("subject");
        String subject = subjectNode == null || subjectNode.isNull() ? null : subjectNode.asText();
        if (value == null) {
            state.setLevel(subject, null);
            return;
        }
        String name = JSON.readTree(value).path("compatibilityLevel").asText(null);
        CompatibilityLevel level = CompatibilityLevel.parse(name)
                .orElseThrow(() -> new IllegalArgumentException("unknown compatibility level " + name));
        state.setLevel(subject, level);
    }

    static String schemaKey(String subject, int version) {
        ObjectNode key = JSON.createObjectNode();
        key.put("keytype", "SCHEMA");
        key.put("subject", subject);
        key.put("version", version);
        key.put("magic", 1);
        return key.toString();
    }

    static String configKey(String subject) {
        ObjectNode key = JSON.createObjectNode();
        key.put("keytype", "CONFIG");
        if (subject == null) {
            key.putNull("subject");
        } else {
            key.put("subject", subject);
        }
        key.put("magic", 0);
        return key.toString();
    }

    static String schemaValue(SchemaVersion v) {
        ObjectNode value = JSON.createObjectNode();
        value.put("subject", v.subject());
        value.put("version", v.version());
        value.put("id", v.id());
        value.put("schema", v.schema());
        value.put("deleted", v.deleted());
        return value.toString();
    }

    private static SchemaRegistryException storeError(String message, Throwable cause) {
        SchemaRegistryException e = new SchemaRegistryException(500, SchemaRegistryException.STORE_ERROR,
                "Error in the backend data store: " + message + ": " + cause);
        e.initCause(cause);
        return e;
    }

    @Override
    public void close() {
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
        }
        if (consumer != null) {
            consumer.close();
        }
    }
}
