package dev.starfall.schemas.serde;

import java.io.ByteArrayOutputStream;

import org.apache.kafka.common.errors.SerializationException;

/**
 * The Confluent wire format: magic byte {@code 0}, the writer schema's id as a 4-byte big-endian int,
 * then the Avro binary encoding of the datum.
 */
public final class WireFormat {

    /** The only magic byte defined by the format. */
    public static final byte MAGIC_BYTE = 0;

    /** Length of the header: magic byte plus schema id. */
    public static final int HEADER_LENGTH = 5;

    private WireFormat() {
    }

    /** The 5-byte header for {@code schemaId}. */
    public static byte[] header(int schemaId) {
        return new byte[] {
                MAGIC_BYTE,
                (byte) (schemaId >>> 24),
                (byte) (schemaId >>> 16),
                (byte) (schemaId >>> 8),
                (byte) schemaId};
    }

    /** Writes the 5-byte header for {@code schemaId} to {@code out}. */
    public static void writeHeader(ByteArrayOutputStream out, int schemaId) {
        out.write(MAGIC_BYTE);
        out.write(schemaId >>> 24);
        out.write(schemaId >>> 16);
        out.write(schemaId >>> 8);
        out.write(schemaId);
    }

    /**
     * Checks the header of {@code payload} and returns the schema id it names; the Avro data starts at
     * {@link #HEADER_LENGTH}.
     *
     * @throws SerializationException when the payload is shorter than the header or its first byte is
     *                                not the magic byte {@code 0}
     */
    public static int readSchemaId(byte[] payload) {
        if (payload == null || payload.length < HEADER_LENGTH) {
            throw new SerializationException("Not in the Confluent wire format: payload of "
                    + (payload == null ? "null" : payload.length + " byte(s)")
                    + " is shorter than the " + HEADER_LENGTH + "-byte header (magic byte 0 and 4-byte schema id)");
        }
        if (payload[0] != MAGIC_BYTE) {
            throw new SerializationException(String.format(
                    "Not in the Confluent wire format: unknown magic byte 0x%02x, expected 0x00", payload[0] & 0xff));
        }
        return ((payload[1] & 0xff) << 24) | ((payload[2] & 0xff) << 16) | ((payload[3] & 0xff) << 8) | (payload[4] & 0xff);
    }
}
