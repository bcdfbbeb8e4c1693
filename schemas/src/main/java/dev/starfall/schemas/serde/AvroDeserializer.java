package dev.starfall.schemas.serde;

import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

import dev.starfall.schemas.registry.SchemaRegistryClient;
import org.apache.avro.Schema;
import org.apache.avro.io.DatumReader;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads records in the Confluent wire format into a generated Avro class: the writer schema is fetched
 * by id (and cached by the client), then resolved to the class's schema, so records written with an
 * older or newer compatible schema are read. {@code null} is read as {@code null} (tombstones).
 *
 * <p>Thread-safe: the resolving readers and the decoder are per thread.
 */
public final class AvroDeserializer<T extends SpecificRecord> implements Deserializer<T> {

    /** What a configured deserializer reads with; {@code what} (as which class) ends the message of a failed read. */
    private record Setup<T>(SchemaRegistryClient client, SpecificData data, Schema readerSchema, String what)
            implements WireFormatReads.Readers<T> {
        @Override
        public DatumReader<T> readerFor(Schema writerSchema) {
            return new SpecificDatumReader<>(writerSchema, readerSchema, data);
        }
    }

    private final boolean preconfigured;
    private volatile Setup<T> setup;
    private final WireFormatReads<T> reads = new WireFormatReads<>();

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
        return new Setup<>(client, data, data.getSchema(type), "as " + type.getName());
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
        return reads.read(topic, bytes, s.client(), s, Function.identity(), s.what());
    }

    @Override
    public void close() {
        reads.close();
    }
}
