package dev.starfall.schemas.serde;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

import dev.starfall.schemas.registry.SchemaRegistryClient;
import dev.starfall.schemas.registry.SchemaRegistryException;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DecoderFactory;
import org.apache.kafka.common.errors.SerializationException;

/**
 * What {@link AvroDeserializer} and {@link AvroFieldReader} share: a record in the Confluent wire
 * format is read by a reader made once per writer schema id and thread (the writer schema fetched
 * by id, and cached, by the registry client), and every failure is a
 * {@link SerializationException} naming the topic and, once known, the writer schema id.
 *
 * <p>Thread-safe: the readers and the decoder are per thread.
 */
final class WireFormatReads<D> {

    /** Makes the reader of records written with a writer schema. */
    @FunctionalInterface
    interface Readers<D> {
        DatumReader<D> readerFor(Schema writerSchema);
    }

    /** Per-thread reusable decoder and readers by writer schema id. */
    private static final class Input<D> {
        BinaryDecoder decoder;
        final Map<Integer, DatumReader<D>> readers = new HashMap<>();
    }

    private final ThreadLocal<Input<D>> input = ThreadLocal.withInitial(Input::new);

    /**
     * The record in {@code bytes} (not null), read by the reader {@code readers} makes for its
     * writer schema and then given to {@code then}; {@code what} (as what it was read) ends the
     * message of a failure to read it.
     */
    <V> V read(String topic, byte[] bytes, SchemaRegistryClient client, Readers<D> readers, Function<D, V> then, String what) {
        int id;
        try {
            id = WireFormat.readSchemaId(bytes);
        } catch (SerializationException e) {
            throw new SerializationException("Cannot read a record of topic " + topic + ": " + e.getMessage(), e);
        }
        Input<D> in = input.get();
        DatumReader<D> reader = in.readers.get(id);
        if (reader == null) {
            Schema writerSchema;
            try {
                writerSchema = client.schemaById(id);
            } catch (SchemaRegistryException e) {
                throw new SerializationException("Cannot read a record of topic " + topic + ": writer schema id " + id
                        + " could not be fetched: " + e.getMessage(), e);
            }
            reader = readers.readerFor(writerSchema);
            in.readers.put(id, reader);
        }
        try {
            in.decoder = DecoderFactory.get().binaryDecoder(bytes, WireFormat.HEADER_LENGTH, bytes.length - WireFormat.HEADER_LENGTH, in.decoder);
            return then.apply(reader.read(null, in.decoder));
        } catch (IOException | AvroRuntimeException | ClassCastException | IndexOutOfBoundsException e) {
            throw new SerializationException("Cannot read a record of topic " + topic + " with writer schema id " + id
                    + " " + what + ": " + e.getMessage(), e);
        }
    }

    /** Drops the calling thread's decoder and readers. */
    void close() {
        input.remove();
    }
}
