package dev.starfall.schemas.serde;

import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import dev.starfall.schemas.registry.SchemaRegistryClient;
import dev.starfall.schemas.registry.SchemaRegistryException;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DecoderFactory;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads one top-level field of records in the Confluent wire format, as {@link AvroDeserializer}
 * would read the whole record and take the field, but without decoding the others: the writer
 * schema (fetched by id, cached by the client) is resolved to a projection of the record's schema
 * that holds only that field, so Avro skips every other field's bytes (a string's length is read,
 * its bytes are not decoded). The field comes as Avro's generic data gives it, without logical
 * type conversions: a {@code timestamp-millis} is its {@code long}. A record whose writer schema
 * cannot be resolved to the field (not there and without a default), or whose bytes end early, is
 * a {@link SerializationException}, as it is for {@link AvroDeserializer}.
 *
 * <p>Thread-safe: the resolving readers and the decoder are per thread.
 */
public final class AvroFieldReader<V> implements Deserializer<V> {

    /** Per-thread reusable decoder and readers by writer schema id. */
    private static final class Input {
        BinaryDecoder decoder;
        final Map<Integer, DatumReader<GenericRecord>> readers = new HashMap<>();
    }

    private final SchemaRegistryClient client;
    private final Schema projection;
    private final Class<V> type;
    private final ThreadLocal<Input> input = ThreadLocal.withInitial(Input::new);

    /**
     * A reader of {@code field} of records of {@code record}'s schema (or any schema its writers
     * used that resolves to it), as a {@code type}.
     *
     * @throws IllegalArgumentException when {@code record} has no such field
     */
    public AvroFieldReader(Schema record, String field, Class<V> type, SchemaRegistryClient client) {
        Objects.requireNonNull(record, "record");
        Objects.requireNonNull(field, "field");
        this.type = Objects.requireNonNull(type, "type");
        this.client = Objects.requireNonNull(client, "client");
        Schema.Field f = record.getField(field);
        if (f == null) {
            throw new IllegalArgumentException("Record " + record.getFullName() + " has no field " + field);
        }
        Schema p = Schema.createRecord(record.getName(), record.getDoc(), record.getNamespace(), record.isError(),
                List.of(new Schema.Field(f, f.schema())));
        record.getAliases().forEach(p::addAlias);
        this.projection = p;
    }

    @Override
    public V deserialize(String topic, byte[] bytes) {
        if (bytes == null) {
            return null;
        }
        int id;
        try {
            id = WireFormat.readSchemaId(bytes);
        } catch (SerializationException e) {
            throw new SerializationException("Cannot read a record of topic " + topic + ": " + e.getMessage(), e);
        }
        Input in = input.get();
        DatumReader<GenericRecord> reader = in.readers.get(id);
        if (reader == null) {
            Schema writerSchema;
            try {
                writerSchema = client.schemaById(id);
            } catch (SchemaRegistryException e) {
                throw new SerializationException("Cannot read a record of topic " + topic + ": writer schema id " + id
                        + " could not be fetched: " + e.getMessage(), e);
            }
            reader = new GenericDatumReader<>(writerSchema, projection, new GenericData());
            in.readers.put(id, reader);
        }
        try {
            in.decoder = DecoderFactory.get().binaryDecoder(bytes, WireFormat.HEADER_LENGTH, bytes.length - WireFormat.HEADER_LENGTH, in.decoder);
            return type.cast(reader.read(null, in.decoder).get(0));
        } catch (IOException | AvroRuntimeException | ClassCastException | IndexOutOfBoundsException e) {
            throw new SerializationException("Cannot read field " + projection.getFields().get(0).name() + " of a record of topic "
                    + topic + " with writer schema id " + id + " as " + type.getName() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        input.remove();
    }
}
