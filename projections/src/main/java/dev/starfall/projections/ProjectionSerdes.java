package dev.starfall.projections;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.math.BigInteger;

import dev.starfall.projections.domain.Contribution;
import dev.starfall.projections.domain.Meteor;
import dev.starfall.projections.domain.ShowerTotals;
import dev.starfall.projections.domain.ShowerWallet;
import dev.starfall.projections.domain.WalletMeteorKey;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Serdes of the internal state stores. Values carry a format byte so a later format can read old
 * changelogs. Amounts are written as their two's-complement bytes, never as floating point.
 */
public final class ProjectionSerdes {

    private static final byte FORMAT_1 = 1;
    /** ShowerTotals with late count and closed flag. */
    private static final byte FORMAT_2 = 2;

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
        return Serdes.serdeFrom((topic, t) -> t == null ? null : write(FORMAT_2, out -> {
            out.writeLong(t.wallets());
            out.writeLong(t.eligibleWallets());
            writeAmount(out, t.raised());
            out.writeLong(t.transfers());
            out.writeLong(t.duplicates());
            out.writeLong(t.late());
            out.writeBoolean(t.closed());
        }), (topic, bytes) -> bytes == null ? null : read(bytes, "ShowerTotals", FORMAT_2, (format, in) -> {
            long wallets = in.readLong();
            long eligible = in.readLong();
            BigInteger raised = readAmount(in);
            long transfers = in.readLong();
            long duplicates = in.readLong();
            return format == FORMAT_1 ? new ShowerTotals(wallets, eligible, raised, transfers, duplicates)
                    : new ShowerTotals(wallets, eligible, raised, transfers, duplicates, in.readLong(), in.readBoolean());
        }));
    }

    /** Keys of {@link Stores#METEORS}; scan one wallet's with {@link #walletPrefix()}. */
    public static Serde<WalletMeteorKey> walletMeteorKey() {
        return Serdes.serdeFrom((topic, key) -> key == null ? null : key.encode(),
                (topic, bytes) -> bytes == null ? null : WalletMeteorKey.decode(bytes));
    }

    /** Serializes a wallet as the prefix of its keys in {@link Stores#METEORS}, for {@code prefixScan}. */
    public static Serializer<String> walletPrefix() {
        return (topic, wallet) -> WalletMeteorKey.walletPrefix(wallet);
    }

    public static Serde<Meteor> meteor() {
        return Serdes.serdeFrom((topic, m) -> m == null ? null : write(out -> {
            out.writeInt(m.shower());
            out.writeLong(m.rank());
            out.writeUTF(m.tier());
            writeAmount(out, m.contribution());
        }), (topic, bytes) -> bytes == null ? null : read(bytes, "Meteor",
                in -> new Meteor(in.readInt(), in.readLong(), in.readUTF(), readAmount(in))));
    }

    private interface Writer {
        void write(DataOutputStream out) throws IOException;
    }

    private interface Reader<T> {
        T read(DataInputStream in) throws IOException;
    }

    private interface VersionedReader<T> {
        T read(byte format, DataInputStream in) throws IOException;
    }

    private static byte[] write(Writer writer) {
        return write(FORMAT_1, writer);
    }

    private static byte[] write(byte format, Writer writer) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
            DataOutputStream out = new DataOutputStream(bytes);
            out.writeByte(format);
            writer.write(out);
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new SerializationException("cannot encode store value", e);
        }
    }

    private static <T> T read(byte[] bytes, String what, Reader<T> reader) {
        return read(bytes, what, FORMAT_1, (format, in) -> reader.read(in));
    }

    /** Reads formats 1 up to {@code newest}. */
    private static <T> T read(byte[] bytes, String what, byte newest, VersionedReader<T> reader) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            byte format = in.readByte();
            if (format < FORMAT_1 || format > newest) {
                throw new SerializationException("unknown " + what + " format " + format);
            }
            return reader.read(format, in);
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
