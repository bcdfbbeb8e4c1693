package dev.starfall.schemas.serde;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

import dev.starfall.schemas.registry.SchemaRegistryClient;
import dev.starfall.schemas.registry.SchemaRegistryException;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads records in the Confluent wire format into a generated Avro class: the writer schema is fetched
 * by id (and cached by the client), then resolved to the class's schema, so records written with an
 * older or newer compatible schema are read. {@code null} is read as {@code null} (tombstones).
 *
 * <p>Thread-safe: the resolving readers and the decoder are per thread.
 */
public final class AvroDeserializer<T extends SpecificRecord> implements Deserializer<T> {

    private record Setup<T>(SchemaRegistryClient client, Class<T> type, SpecificData data, Schema readerSchema) {
    }

    /** Per-thread reusable decoder and readers by writer schema id. */
    private static final class Input<T> {
        BinaryDecoder decoder;
        final Map<Integer, DatumReader<T>> readers = new HashMap<>();
    }

    private final boolean preconfigured;
    private volatile Setup<T> setup;
    private final ThreadLocal<Input<T>> input = ThreadLocal.withInitial(Input::new);

    /** For Kafka, which instantiates by class name and then calls {@link #configure(Map, boolean)}. */
    public AvroDeserializer() {
        this.preconfigured = false;
    }

    /** A configured deserializer; later {@link #configure(Map, boolean)} calls are ignored. */
    public AvroDeserializer(Class<T> type, SchemaRegistryClient client, boolean isKey) {
        this.preconfigured = true;
        this.setup = setupFor(Objects.requireNonNull(type, "type"), Objects.requireNonNull(client, "client"));
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        if (preconfigured) {
            return;
        }
        // The class is only known by name here; typeFrom checked that it implements SpecificRecord.
        @SuppressWarnings("unchecked")
        Class<T> type = (Class<T>) AvroSerdes.typeFrom(configs, isKey);
        if (type == null) {
            String name = isKey ? AvroSerdes.SPECIFIC_KEY_TYPE_CONFIG : AvroSerdes.SPECIFIC_VALUE_TYPE_CONFIG;
            throw new ConfigException(name, null, "Missing the generated class to read records as");
        }
        this.setup = setupFor(type, AvroSerdes.clientFrom(configs));
    }

    private static <T> Setup<T> setupFor(Class<T> type, SchemaRegistryClient client) {
        SpecificData data = SpecificData.getForClass(type);
        return new Setup<>(client, type, data, data.getSchema(type));
    }

    @Override
    public T deserialize(String topic, byte[] bytes) {
        if (bytes == null) {
            return null;
        }
        Setup<T> s = setup;
        if (s == null) {
            throw new IllegalStateException("AvroDeserializer is not configured: set " + AvroSerdes.SCHEMA_REGISTRY_URL_CONFIG
                    + " and " + AvroSerdes.SPECIFIC_VALUE_TYPE_CONFIG + " (or " + AvroSerdes.SPECIFIC_KEY_TYPE_CONFIG + ")");
        }
        int id;
        try {
            id = WireFormat.readSchemaId(bytes);
        } catch (SerializationException e) {
            throw new SerializationException("Cannot read a record of topic " + topic + ": " + e.getMessage(), e);
        }
        Input<T> in = input.get();
        DatumReader<T> reader = in.readers.get(id);
        if (reader == null) {
            Schema writerSchema;
            try {
                writerSchema = s.client().schemaById(id);
            } catch (SchemaRegistryException e) {
                throw new SerializationException("Cannot read a record of topic " + topic + ": writer schema id " + id
                        + " could not be fetched: " + e.getMessage(), e);
            }
            reader = new SpecificDatumReader<>(writerSchema, s.readerSchema(), s.data());
            in.readers.put(id, reader);
        }
        try {
            in.decoder = DecoderFactory.get().binaryDecoder(bytes, WireFormat.HEADER_LENGTH, bytes.length - WireFormat.HEADER_LENGTH, in.decoder);
            return reader.read(null, in.decoder);
        } catch (IOException | AvroRuntimeException | ClassCastException | IndexOutOfBoundsException e) {
            throw new SerializationException("Cannot read a record of topic " + topic + " with writer schema id " + id
                    + " as " + s.type().getName() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        input.remove();
    }
}
