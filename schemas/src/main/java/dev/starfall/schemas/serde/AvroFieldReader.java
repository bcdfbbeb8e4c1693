package dev.starfall.schemas.serde;

import java.util.List;
import java.util.Objects;
import java.util.function.Function;

import dev.starfall.schemas.registry.SchemaRegistryClient;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
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

    private final SchemaRegistryClient client;
    private final WireFormatReads.Readers<GenericRecord> readers;
    private final Function<GenericRecord, V> field;
    private final String what;
    private final WireFormatReads<GenericRecord> reads = new WireFormatReads<>();

    /**
     * A reader of {@code field} of records of {@code record}'s schema (or any schema its writers
     * used that resolves to it), as a {@code type}.
     *
     * @throws IllegalArgumentException when {@code record} has no such field
     */
    public AvroFieldReader(Schema record, String field, Class<V> type, SchemaRegistryClient client) {
        Objects.requireNonNull(record, "record");
        Objects.requireNonNull(field, "field");
        Objects.requireNonNull(type, "type");
        this.client = Objects.requireNonNull(client, "client");
        Schema.Field f = record.getField(field);
        if (f == null) {
            throw new IllegalArgumentException("Record " + record.getFullName() + " has no field " + field);
        }
        Schema projection = Schema.createRecord(record.getName(), record.getDoc(), record.getNamespace(), record.isError(),
                List.of(new Schema.Field(f, f.schema())));
        record.getAliases().forEach(projection::addAlias);
        this.readers = writerSchema -> new GenericDatumReader<>(writerSchema, projection, new GenericData());
        this.field = r -> type.cast(r.get(0));
        this.what = "as its field " + field + " (" + type.getName() + ")";
    }

    @Override
    public V deserialize(String topic, byte[] bytes) {
        if (bytes == null) {
            return null;
        }
        return reads.read(topic, bytes, client, readers, field, what);
    }

    @Override
    public void close() {
        reads.close();
    }
}
