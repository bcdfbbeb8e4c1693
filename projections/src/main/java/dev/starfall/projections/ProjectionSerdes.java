package dev.starfall.projections;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.math.BigInteger;

import dev.starfall.projections.domain.Contribution;
import dev.starfall.projections.domain.ShowerTotals;
import dev.starfall.projections.domain.ShowerWallet;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * Serdes of the internal state stores. Values carry a format byte so a later format can read old
 * changelogs. Amounts are written as their two's-complement bytes, never as floating point.
 */
public final class ProjectionSerdes {

    private static final byte FORMAT_1 = 1;

    private ProjectionSerdes() {
    }

    public static Serde<ShowerWallet> showerWallet() {
        return Serdes.serdeFrom((topic, key) -> key == null ? null : key.encode(),
                (topic, bytes) -> bytes == null ? null : ShowerWallet.decode(bytes));
    }

    public static Serde<Contribution> contribution() {
        return Serdes.serdeFrom((topic, c) -> c == null ? null : write(out -> {
            writeAmount(out, c.amount());
            out.writeLong(c.transfers());
            out.writeLong(c.firstAt());
            out.writeLong(c.lastAt());
        }), (topic, bytes) -> bytes == null ? null : read(bytes, "Contribution",
                in -> new Contribution(readAmount(in), in.readLong(), in.readLong(), in.readLong())));
    }

    public static Serde<ShowerTotals> showerTotals() {
        return Serdes.serdeFrom((topic, t) -> t == null ? null : write(out -> {
            out.writeLong(t.wallets());
            out.writeLong(t.eligibleWallets());
            writeAmount(out, t.raised());
            out.writeLong(t.transfers());
            out.writeLong(t.duplicates());
        }), (topic, bytes) -> bytes == null ? null : read(bytes, "ShowerTotals",
                in -> new ShowerTotals(in.readLong(), in.readLong(), readAmount(in), in.readLong(), in.readLong())));
    }

    private interface Writer {
        void write(DataOutputStream out) throws IOException;
    }

    private interface Reader<T> {
        T read(DataInputStream in) throws IOException;
    }

    private static byte[] write(Writer writer) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
            DataOutputStream out = new DataOutputStream(bytes);
            out.writeByte(FORMAT_1);
            writer.write(out);
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new SerializationException("cannot encode store value", e);
        }
    }

    private static <T> T read(byte[] bytes, String what, Reader<T> reader) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            byte format = in.readByte();
            if (format != FORMAT_1) {
                throw new SerializationException("unknown " + what + " format " + format);
            }
            return reader.read(in);
        } catch (IOException e) {
            throw new SerializationException("cannot decode " + what + " (" + bytes.length + " bytes)", e);
        }
    }

    private static void writeAmount(DataOutputStream out, BigInteger amount) throws IOException {
        byte[] raw = amount.toByteArray();
        out.writeShort(raw.length);
        out.write(raw);
    }

    private static BigInteger readAmount(DataInputStream in) throws IOException {
        byte[] raw = new byte[in.readUnsignedShort()];
        in.readFully(raw);
        return new BigInteger(raw);
    }
}
