package dev.starfall.projections;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.internals.WrappedStateStore;

/**
 * A persistent bytes store that Kafka Streams' start-up pass does not open when it was closed
 * cleanly: only the task it is assigned to opens it.
 *
 * <p>Before a restarting instance joins its group, Kafka Streams 4.3 builds every task whose
 * directory holds state, on the thread that calls {@code start()}, opens each of its persistent
 * stores to read the store's changelog offset (which a RocksDB store keeps inside itself), closes
 * them, and only then starts its stream threads; the task assigned afterwards opens every store
 * again. What the pass reads is used only to tell the group's assignor how far this instance's
 * copy of each task has come (its offset sums), not to restore: the task reads its offsets from
 * the store again when it opens it.
 *
 * <p>So this store writes a note of its offsets, the last ones committed to the store under it,
 * next to it when it closes ({@code starfall-offsets.<store>} in the task's directory), with the
 * name of the manifest its RocksDB instance used; and removes the note when it is opened. RocksDB
 * starts a new manifest at every open of an instance, so a note whose manifest is still the
 * instance's current one describes the store as it is now, whatever opened it in between (a
 * version of starfall without notes, a tool). On the start-up pass such a store answers its
 * offsets from its note and registers itself without opening the store under it; without a note
 * that holds (the first start after an upgrade, after a crash, or after another program opened
 * the store) it opens it, as before. A restart then opens each RocksDB instance once, not twice
 * (each open reads the instance's manifest, opens its table files and writes an options file).
 * Every other context (a task's, a standby's, a test driver's) opens the store.
 *
 * <p>The pass is recognised by its context's class, and the instance's directory by Kafka
 * Streams' RocksDB store's layout, both private to Kafka Streams: a version that changes either
 * opens the store on the pass again, as before this class, and {@code OpenOnAssignmentStoreIT}
 * fails.
 */
final class OpenOnAssignmentStore extends WrappedStateStore<KeyValueStore<Bytes, byte[]>, Bytes, byte[]>
        implements KeyValueStore<Bytes, byte[]> {

    /** The class of the context Kafka Streams 4.3's start-up pass initialises stores with. */
    static final String STARTUP_CONTEXT = "org.apache.kafka.streams.processor.internals.StateDirectory$StartupContext";

    /** The offsets read from the note, while registered by the start-up pass without being opened; null otherwise. */
    private Map<TopicPartition, Long> noted;
    /** The task's directory, once initialised. */
    private Path taskDir;
    /** The offsets last committed to the store under this one, since it was opened. */
    private Map<TopicPartition, Long> committed;

    OpenOnAssignmentStore(KeyValueStore<Bytes, byte[]> store) {
        super(store);
    }

    /** {@code persistent}'s stores, each wrapped in this class. */
    static KeyValueBytesStoreSupplier supplier(KeyValueBytesStoreSupplier persistent) {
        return new WrappingStoreSupplier(persistent, OpenOnAssignmentStore::new);
    }

    /** Whether {@code context} is Kafka Streams' start-up pass's, which only reads offsets. */
    static boolean isStartupPass(StateStoreContext context) {
        return context.getClass().getName().equals(STARTUP_CONTEXT);
    }

    /** The note of {@code store}'s offsets in {@code taskDir}. */
    static Path noteOf(Path taskDir, String store) {
        return taskDir.resolve("starfall-offsets." + store);
    }

    /**
     * The manifest {@code store}'s RocksDB instance uses now: its {@code CURRENT} file, in the
     * directory Kafka Streams' RocksDB store keeps it ({@code <task>/rocksdb/<store>}); empty if
     * there is none.
     */
    static Optional<String> manifestOf(Path taskDir, String store) {
        try {
            String current = Files.readString(taskDir.resolve("rocksdb").resolve(store).resolve("CURRENT"), StandardCharsets.UTF_8).strip();
            return current.isEmpty() || current.contains(" ") ? Optional.empty() : Optional.of(current);
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    @Override
    public void init(StateStoreContext context, StateStore root) {
        taskDir = context.stateDir().toPath();
        Path note = noteOf(taskDir, name());
        if (isStartupPass(context)) {
            Optional<OffsetNote.Note> read = OffsetNote.read(note);
            if (read.isPresent() && manifestOf(taskDir, name()).equals(Optional.of(read.get().manifest()))) {
                noted = read.get().offsets();
                context.register(root, (key, value) -> {
                    throw new IllegalStateException("store " + name() + " was registered by Kafka Streams' start-up pass"
                            + " without being opened, and cannot restore");
                });
                return;
            }
        }
        super.init(context, root);
        committed = null;
        OffsetNote.delete(note);
    }

    @Override
    public Long committedOffset(TopicPartition partition) {
        return noted != null ? noted.get(partition) : super.committedOffset(partition);
    }

    @Override
    public void commit(Map<TopicPartition, Long> changelogOffsets) {
        if (noted == null) {
            super.commit(changelogOffsets);
            committed = changelogOffsets;
        }
    }

    @Override
    public void close() {
        if (noted != null) {
            noted = null;
            return;
        }
        boolean wasOpen = super.isOpen();
        super.close();
        Optional<String> manifest = manifestOf(taskDir, name());
        if (wasOpen && committed != null && manifest.isPresent()) {
            OffsetNote.write(noteOf(taskDir, name()), new OffsetNote.Note(manifest.get(), committed));
        }
    }

    // ---- the key-value store, as the store under it

    @Override
    public byte[] get(Bytes key) {
        return wrapped().get(key);
    }

    @Override
    public void put(Bytes key, byte[] value) {
        wrapped().put(key, value);
    }

    @Override
    public byte[] putIfAbsent(Bytes key, byte[] value) {
        return wrapped().putIfAbsent(key, value);
    }

    @Override
    public void putAll(List<KeyValue<Bytes, byte[]>> entries) {
        wrapped().putAll(entries);
    }

    @Override
    public byte[] delete(Bytes key) {
        return wrapped().delete(key);
    }

    @Override
    public KeyValueIterator<Bytes, byte[]> range(Bytes from, Bytes to) {
        return wrapped().range(from, to);
    }

    @Override
    public KeyValueIterator<Bytes, byte[]> reverseRange(Bytes from, Bytes to) {
        return wrapped().reverseRange(from, to);
    }

    @Override
    public KeyValueIterator<Bytes, byte[]> all() {
        return wrapped().all();
    }

    @Override
    public KeyValueIterator<Bytes, byte[]> reverseAll() {
        return wrapped().reverseAll();
    }

    @Override
    public <PS extends Serializer<P>, P> KeyValueIterator<Bytes, byte[]> prefixScan(P prefix, PS serializer) {
        return wrapped().prefixScan(prefix, serializer);
    }

    @Override
    public long approximateNumEntries() {
        return wrapped().approximateNumEntries();
    }
}
