package dev.starfall.schemas.serde;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import dev.starfall.schemas.registry.SchemaRegistryClient;
import dev.starfall.schemas.registry.SchemaRegistryException;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Writes generated Avro records in the Confluent wire format. On first use per topic the record's
 * schema is registered under {@code <topic>-key} / {@code <topic>-value} and its id cached; after that
 * serializing makes no registry call. {@code null} is written as {@code null} (tombstones).
 *
 * <p>Thread-safe: writers are stateless and the output buffer and encoder are per thread.
 */
public final class AvroSerializer<T extends SpecificRecord> implements Serializer<T> {

    /** Per-thread buffers that grew beyond this are dropped after use rather than kept. */
    private static final int MAX_RETAINED_BUFFER = 1 << 20;

    private record Setup(SchemaRegistryClient client, boolean isKey) {
    }

    private record SubjectSchema(String subject, Schema schema) {
    }

    /** Per-thread output buffer and reusable encoder. */
    private static final class Output {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream(512);
        BinaryEncoder encoder;
    }

    private final boolean preconfigured;
    private volatile Setup setup;
    private final ConcurrentMap<SubjectSchema, Integer> ids = new ConcurrentHashMap<>();
    private final ConcurrentMap<Class<?>, DatumWriter<T>> writers = new ConcurrentHashMap<>();
    private final ThreadLocal<Output> output = ThreadLocal.withInitial(Output::new);

    /** For Kafka, which instantiates by class name and then calls {@link #configure(Map, boolean)}. */
    public AvroSerializer() {
        this.preconfigured = false;
    }

    /**
     * A configured serializer; later {@link #configure(Map, boolean)} calls are ignored.
     *
     * @param type the generated class, or null; either way each record is written with the data model
     *             of its own class, so logical types (decimal, timestamp-millis) are converted
     */
    public AvroSerializer(Class<T> type, SchemaRegistryClient client, boolean isKey) {
        this.preconfigured = true;
        this.setup = new Setup(Objects.requireNonNull(client, "client"), isKey);
        if (type != null) {
            SpecificData data = SpecificData.getForClass(type);
            writers.put(type, new SpecificDatumWriter<>(data.getSchema(type), data));
        }
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        if (preconfigured) {
            return;
        }
        AvroSerdes.typeFrom(configs, isKey); // validates the class name if one is given
        this.setup = new Setup(AvroSerdes.clientFrom(configs), isKey);
    }

    @Override
    public byte[] serialize(String topic, T data) {
        if (data == null) {
            return null;
        }
        Setup s = setup;
        if (s == null) {
            throw new IllegalStateException("AvroSerializer is not configured: set " + AvroSerdes.SCHEMA_REGISTRY_URL_CONFIG);
        }
        if (topic == null) {
            throw new SerializationException("Cannot serialize " + data.getSchema().getFullName() + " without a topic: the subject is named after it");
        }
        Schema schema = data.getSchema();
        String subject = AvroSerdes.subject(topic, s.isKey());
        int id = schemaId(s.client(), subject, schema, topic);
        DatumWriter<T> writer = writers.computeIfAbsent(data.getClass(),
                type -> new SpecificDatumWriter<>(schema, SpecificData.getForClass(type)));
        Output out = output.get();
        try {
            out.buffer.reset();
            WireFormat.writeHeader(out.buffer, id);
            out.encoder = EncoderFactory.get().binaryEncoder(out.buffer, out.encoder);
            writer.write(data, out.encoder);
            out.encoder.flush();
            return out.buffer.toByteArray();
        } catch (IOException | AvroRuntimeException | ClassCastException | NullPointerException e) {
            throw new SerializationException("Could not serialize " + schema.getFullName() + " for topic " + topic
                    + " (schema id " + id + "): " + e.getMessage(), e);
        } finally {
            if (out.buffer.size() > MAX_RETAINED_BUFFER) {
                output.remove();
            }
        }
    }

    private int schemaId(SchemaRegistryClient client, String subject, Schema schema, String topic) {
        SubjectSchema key = new SubjectSchema(subject, schema);
        Integer id = ids.get(key);
        if (id != null) {
            return id;
        }
        try {
            int registered = client.register(subject, schema);
            ids.putIfAbsent(key, registered);
            return registered;
        } catch (SchemaRegistryException e) {
            throw new SerializationException("Could not register the schema of " + schema.getFullName() + " under subject '"
                    + subject + "' for topic " + topic + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        output.remove();
    }
}
