package dev.starfall.projections;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.StampedLock;
import java.util.function.Function;

import dev.starfall.projections.domain.Contribution;
import dev.starfall.projections.domain.RankingKey;
import dev.starfall.projections.domain.ShowerWallet;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.BytesSerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsMetrics;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.processor.BatchingStateRestoreCallback;
import org.apache.kafka.streams.processor.CommitCallback;
import org.apache.kafka.streams.processor.StateRestoreCallback;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.query.Position;
import org.apache.kafka.streams.query.PositionBound;
import org.apache.kafka.streams.query.Query;
import org.apache.kafka.streams.query.QueryConfig;
import org.apache.kafka.streams.query.QueryResult;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.QueryableStoreType;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.internals.StateStoreProvider;
import org.apache.kafka.streams.state.internals.WrappedStateStore;

/**
 * The bytes store under {@link Stores#CONTRIBUTIONS}: each (shower, wallet) contribution and, in
 * the same RocksDB instance, the shower's ranking entry of that contribution ({@link RankingKey},
 * and the contribution's bytes again as its value, so that a scan of a ranking has every
 * wallet's whole contribution without a point read per wallet: {@link #contributionOf}). The
 * ranking is a function of the contributions, so it has no changelog of its own: every write of
 * a contribution through this store (a transfer counted, a record restored from the
 * contributions' changelog, a standby's update) replaces the contribution's ranking entry in
 * the same call. A ranking is then never restored from a log of its own deletes and puts
 * (two changelog records per transfer, and the deletes' tombstones stayed a day), and a standby's
 * copy of a partition has its rankings too.
 *
 * <p>Keys are prefixed by their key space: {@code 0} and the {@code ShowerWallet} bytes for a
 * contribution, {@code 1} and the {@code RankingKey} bytes for a ranking entry. The layers above
 * (metering, change logging) see only the contributions, with their keys as before; the rankings
 * are read through {@link #rankingsOf(StateStore)} in a task and {@link #PARTITION} (with the
 * contributions) in interactive queries.
 *
 * <p>Why the two stay consistent: both key spaces are one RocksDB instance, so whatever it holds
 * after a crash is a prefix of the writes made to it, and each write of a contribution removes
 * the ranking entry of the value it replaces, read from the store itself, in the same RocksDB write
 * batch (one write, not three: ops/bench/REPORT.md, row 61). Replaying changelog
 * records over such a prefix (a restore from the committed offset) therefore ends with exactly
 * one ranking entry per contribution. A restore writes each batch of changelog records as one
 * RocksDB write batch, after one read per key of the batch ({@link #restore}; none for a key not
 * yet written while a restore fills a store that opened empty). Under
 * exactly-once, a task's state with writes of an aborted transaction is wiped and restored by
 * Kafka Streams, as for every store.
 *
 * <p>Interactive queries v2 ({@link #query}) are not supported: the projections' readers use the
 * key-value interface. Restores do not track the store's {@link Position} (used only when
 * interactive-query consistency is enabled, which the projections do not enable).
 */
public final class RankedContributionsStore implements KeyValueStore<Bytes, byte[]> {

    private static final byte CONTRIBUTION = 0;
    private static final byte RANKING = 1;
    private static final Deserializer<Contribution> CONTRIBUTIONS = ProjectionSerdes.contribution().deserializer();

    /**
     * A partition's contributions and rankings, found by one look-up of Kafka Streams' store
     * provider ({@code StoreQueryParameters.withPartition}). The usual key-value query type finds
     * the store again on every {@code get} (the provider lists the stream thread's tasks each time);
     * this finds it once, when the query is made, so a reader made for one answer pays one look-up
     * for both.
     */
    public static final QueryableStoreType<Partition> PARTITION = new OnePartitionType<>(RankedContributionsStore::partitionOf);

    /** What {@link #PARTITION} gives for the store {@code outer}: as a query finds it, or as a processor holds it. */
    static Partition partitionOf(StateStore outer) {
        return new Partition(contributionsOf(outer), inner(outer).rankings);
    }

    /** {@link #PARTITION}: the contributions as the store's outermost layer reads them, and the rankings. */
    public record Partition(ReadOnlyKeyValueStore<ShowerWallet, Contribution> contributions, Rankings rankings) {
    }

    /** An anchor this many ranks from a rank read from it is replaced by the entry read at that rank. */
    private static final long REANCHOR_DISTANCE = 256;

    private final KeyValueStore<Bytes, byte[]> db;
    private final KeySpace contributions = new KeySpace(CONTRIBUTION);
    private final RankingSpace rankings = new RankingSpace();
    /** Held for writing by every write of the rankings (with its anchors' update), for reading while a read copies anchors and opens iterators. */
    private final StampedLock lock = new StampedLock();
    private final RankAnchors anchors = new RankAnchors();
    /**
     * The keys restores wrote since the store opened empty, while nothing else has written to it
     * (null otherwise: then every restored key is read first). A fresh instance restoring a
     * partition reads the value before each key it restores, to move that value's ranking entry;
     * in an empty store nearly all those reads find nothing, and this filter answers most of
     * them instead (ops/bench/REPORT.md, row 56). The first {@link #put} drops it for good: from
     * then on the store holds keys the filter has not seen.
     */
    private WrittenKeys restoredKeys;
    /**
     * The last contribution read through {@link #get}, with the thread that read it. Counting a
     * transfer reads the wallet's contribution and then puts the new one, and the put needs the
     * value it replaces (to move that value's ranking entry): when the thread that puts read the
     * same key since the store's last write, the put takes the value from here instead of reading
     * RocksDB again (ops/bench/REPORT.md, row 58). Every write drops it; a read on another thread
     * (an interactive query) only replaces it with one the writer will not use.
     */
    private volatile LastRead lastRead;

    private record LastRead(Thread reader, Bytes key, byte[] value) {
    }

    /**
     * The rankings' reads, and the entries at given ranks of a shower found by stepping from
     * {@link RankAnchors anchors} the store keeps exact through every move (a scan from the top the
     * first time, and whenever the anchors were lost).
     */
    public interface Rankings extends ReadOnlyKeyValueStore<Bytes, byte[]> {

        /**
         * The ranking keys at {@code ranks} (1-based, ascending, not empty for a read) of the shower's
         * ranking, all read from one state of it; a rank beyond the ranking's last is left out.
         */
        Map<Long, byte[]> keysAt(int shower, List<Long> ranks);

        /**
         * One scan of the shower's whole ranking, best first, with the {@link Version} of the store's
         * moves it reflects (its iterator is opened under the read lock, so no move comes between the
         * two). Close it.
         */
        Scan scan(int shower);

        /**
         * The moves of the shower's ranking made since {@code since} (a version this store gave), in
         * the order made, with the version they lead to: what turns the ranking as it was then into
         * the ranking now. Null when they are not all kept any more (more than the store keeps, a
         * restore or reopening since), or {@code since} is null or another store's.
         */
        Moves movesSince(int shower, Version since);
    }

    /** A point in one store's sequence of ranking moves (opaque: only that store reads it). */
    public static final class Version {
        private final RankAnchors store;
        private final long moves;

        Version(RankAnchors store, long moves) {
            this.store = store;
            this.moves = moves;
        }

        @Override
        public String toString() {
            return "ranking version " + moves;
        }
    }

    /** {@link Rankings#scan}: the shower's ranking keys, best first, as of {@link #version()}. */
    public interface Scan extends Iterator<byte[]>, AutoCloseable {

        Version version();

        @Override
        void close();
    }

    /**
     * Moves of one shower's ranking, in the order made: move {@code i} removed the entry
     * {@code removed(i)} and added {@code added(i)} (either may be null: a first contribution adds
     * only), leading to {@link #version()}.
     */
    public static final class Moves {
        private final List<byte[]> removed;
        private final List<byte[]> added;
        private final Version version;

        public Moves(List<byte[]> removed, List<byte[]> added, Version version) {
            if (removed.size() != added.size()) {
                throw new IllegalArgumentException("moves of " + removed.size() + " removed and " + added.size() + " added entries");
            }
            this.removed = removed;
            this.added = added;
            this.version = version;
        }

        public int size() {
            return removed.size();
        }

        public byte[] removed(int i) {
            return removed.get(i);
        }

        public byte[] added(int i) {
            return added.get(i);
        }

        public Version version() {
            return version;
        }
    }

    RankedContributionsStore(KeyValueStore<Bytes, byte[]> db) {
        this.db = db;
    }

    /** The contribution a ranking entry's value holds. */
    public static Contribution contributionOf(byte[] rankingValue) {
        return CONTRIBUTIONS.deserialize(null, rankingValue);
    }

    /** A persistent supplier of this store, for {@code Stores.keyValueStoreBuilder} with the contributions' serdes. */
    static KeyValueBytesStoreSupplier supplier(String name) {
        return new WrappingStoreSupplier(org.apache.kafka.streams.state.Stores.persistentKeyValueStore(name), RankedContributionsStore::new);
    }

    /**
     * The rankings of the contributions store a task holds ({@code context.getStateStore(Stores.CONTRIBUTIONS)},
     * or the top store of a test driver): read-only, since they change only with the contributions.
     */
    public static Rankings rankingsOf(StateStore contributions) {
        return inner(contributions).rankings;
    }

    private static RankedContributionsStore inner(StateStore store) {
        RankedContributionsStore inner = store instanceof RankedContributionsStore r ? r
                : store instanceof WrappedStateStore<?, ?, ?> w ? w.findInner(RankedContributionsStore.class) : null;
        if (inner == null) {
            throw new IllegalArgumentException("store " + store.name() + " does not keep rankings with its contributions");
        }
        return inner;
    }

    // ---- the contributions, as the layers above see them

    @Override
    public byte[] get(Bytes key) {
        byte[] value = contributions.get(key);
        lastRead = new LastRead(Thread.currentThread(), key, value);
        return value;
    }

    /** Puts a contribution and moves its ranking entry from the value it replaces, in one RocksDB write batch; a null value deletes both. */
    @Override
    public void put(Bytes key, byte[] value) {
        if (!db.isOpen()) {
            // as RocksDB's own put says it (its batch write, used below, does not check)
            throw new InvalidStateStoreException("Store " + name() + " is currently closed");
        }
        long stamp = lock.writeLock();
        try {
            restoredKeys = null;
            LastRead last = lastRead;
            lastRead = null;
            Bytes stored = in(CONTRIBUTION, key);
            byte[] before = last != null && last.reader() == Thread.currentThread() && last.key().equals(key) ? last.value() : db.get(stored);
            ShowerWallet sw = ShowerWallet.decode(key.get());
            byte[] removed = rankingKeyOf(sw, before);
            byte[] added = rankingKeyOf(sw, value);
            List<KeyValue<Bytes, byte[]>> writes = new ArrayList<>(3);
            move(stored, removed, added, value, writes);
            db.putAll(writes);
            anchors.moved(sw.shower(), removed, added);
        } finally {
            lock.unlockWrite(stamp);
        }
    }

    @Override
    public byte[] putIfAbsent(Bytes key, byte[] value) {
        byte[] before = get(key);
        if (before == null) {
            put(key, value);
        }
        return before;
    }

    @Override
    public void putAll(List<KeyValue<Bytes, byte[]>> entries) {
        for (KeyValue<Bytes, byte[]> e : entries) {
            put(e.key, e.value);
        }
    }

    @Override
    public byte[] delete(Bytes key) {
        byte[] before = get(key);
        if (before != null) {
            put(key, null);
        }
        return before;
    }

    @Override
    public KeyValueIterator<Bytes, byte[]> range(Bytes from, Bytes to) {
        return contributions.range(from, to);
    }

    @Override
    public KeyValueIterator<Bytes, byte[]> reverseRange(Bytes from, Bytes to) {
        return contributions.reverseRange(from, to);
    }

    @Override
    public KeyValueIterator<Bytes, byte[]> all() {
        return contributions.all();
    }

    @Override
    public KeyValueIterator<Bytes, byte[]> reverseAll() {
        return contributions.reverseAll();
    }

    @Override
    public <PS extends Serializer<P>, P> KeyValueIterator<Bytes, byte[]> prefixScan(P prefix, PS serializer) {
        return contributions.prefixScan(prefix, serializer);
    }

    @Override
    public long approximateNumEntries() {
        return contributions.approximateNumEntries();
    }

    // ---- the state store's life, as the RocksDB store's, with its restores going through put

    @Override
    public String name() {
        return db.name();
    }

    @Override
    public void init(StateStoreContext context, StateStore root) {
        clearAnchors();
        lastRead = null;
        db.init(new RestoringThroughPut(context), root);
        long stamp = lock.writeLock();
        try {
            restoredKeys = holdsNoContribution() ? new WrittenKeys() : null;
        } finally {
            lock.unlockWrite(stamp);
        }
    }

    private boolean holdsNoContribution() {
        try (KeyValueIterator<Bytes, byte[]> it = contributions.all()) {
            return !it.hasNext();
        }
    }

    @Override
    public void commit(Map<TopicPartition, Long> changelogOffsets) {
        db.commit(changelogOffsets);
    }

    @Override
    public Long committedOffset(TopicPartition partition) {
        return db.committedOffset(partition);
    }

    /** As the RocksDB store: it keeps its changelog offsets itself (deprecated in Kafka 4.3, where every store will). */
    @Override
    @SuppressWarnings("deprecation")
    public boolean managesOffsets() {
        return db.managesOffsets();
    }

    @Override
    public void close() {
        clearAnchors();
        lastRead = null;
        db.close();
    }

    /** Whether the shower has anchors now (for tests). */
    boolean anchoredFor(int shower) {
        long stamp = lock.readLock();
        try {
            return anchors.of(shower) != null;
        } finally {
            lock.unlockRead(stamp);
        }
    }

    private void clearAnchors() {
        long stamp = lock.writeLock();
        try {
            anchors.clear();
        } finally {
            lock.unlockWrite(stamp);
        }
    }

    @Override
    public boolean persistent() {
        return db.persistent();
    }

    @Override
    public boolean isOpen() {
        return db.isOpen();
    }

    @Override
    public <R> QueryResult<R> query(Query<R> query, PositionBound bound, QueryConfig config) {
        return QueryResult.forUnknownQueryType(query, this);
    }

    @Override
    public Position getPosition() {
        return db.getPosition();
    }

    /**
     * Restores a batch of the contributions' changelog to what {@link #put} of each record in turn
     * would leave, in one RocksDB write: the last value of each key in the batch replaces the value
     * the store held before the batch, and the ranking entry moves with it. That value is read,
     * one read per key, unless {@link #restoredKeys} shows the key was never written.
     */
    private void restore(Collection<KeyValue<byte[], byte[]>> records) {
        Map<Bytes, byte[]> last = new LinkedHashMap<>(records.size() * 2);
        for (KeyValue<byte[], byte[]> r : records) {
            last.put(Bytes.wrap(r.key), r.value);
        }
        List<KeyValue<Bytes, byte[]>> writes = new ArrayList<>(last.size() * 3);
        long stamp = lock.writeLock();
        try {
            lastRead = null;
            for (Map.Entry<Bytes, byte[]> e : last.entrySet()) {
                byte[] key = e.getKey().get();
                Bytes stored = in(CONTRIBUTION, key);
                boolean neverWritten = restoredKeys != null && !restoredKeys.mightContain(key);
                ShowerWallet sw = ShowerWallet.decode(key);
                move(stored, rankingKeyOf(sw, neverWritten ? null : db.get(stored)), rankingKeyOf(sw, e.getValue()), e.getValue(), writes);
                if (restoredKeys != null) {
                    restoredKeys.add(key);
                }
            }
            db.putAll(writes);
            anchors.clear();
        } finally {
            lock.unlockWrite(stamp);
        }
    }

    /**
     * Adds to {@code writes} what puts {@code value} (null: none) under a contribution key
     * ({@code stored}, in its key space) whose ranking entry now is {@code removed} (null: none):
     * that entry goes, the new value's ({@code added}) comes, then the contribution itself; a null
     * value deletes. The caller writes them as one RocksDB write batch, so a contribution and its
     * ranking entry change together.
     */
    private static void move(Bytes stored, byte[] removed, byte[] added, byte[] value, List<KeyValue<Bytes, byte[]>> writes) {
        if (removed != null) {
            writes.add(KeyValue.pair(in(RANKING, removed), null));
        }
        if (added != null) {
            writes.add(KeyValue.pair(in(RANKING, added), value));
        }
        writes.add(KeyValue.pair(stored, value));
    }

    // ---- key spaces

    /** The ranking key of a contribution's bytes, or null for none. */
    private static byte[] rankingKeyOf(ShowerWallet sw, byte[] contribution) {
        return contribution == null ? null : RankingKey.of(sw, CONTRIBUTIONS.deserialize(null, contribution)).encode();
    }

    private static Bytes in(byte space, Bytes key) {
        return in(space, key.get());
    }

    private static Bytes in(byte space, byte[] key) {
        byte[] out = new byte[key.length + 1];
        out[0] = space;
        System.arraycopy(key, 0, out, 1, key.length);
        return Bytes.wrap(out);
    }

    /** Every key of the space is at least the space's byte alone. */
    private static Bytes lower(byte space, Bytes from) {
        return from == null ? Bytes.wrap(new byte[] {space}) : in(space, from);
    }

    /** No key is the next space's byte alone (every key has bytes after its space's), so it bounds the space inclusively. */
    private static Bytes upper(byte space, Bytes to) {
        return to == null ? Bytes.wrap(new byte[] {(byte) (space + 1)}) : in(space, to);
    }

    /** The entries of {@code it}, all of {@code space}, with their keys as the layers above know them. */
    private static KeyValueIterator<Bytes, byte[]> within(byte space, KeyValueIterator<Bytes, byte[]> it) {
        return new KeyValueIterator<>() {
            @Override
            public boolean hasNext() {
                return it.hasNext();
            }

            @Override
            public KeyValue<Bytes, byte[]> next() {
                KeyValue<Bytes, byte[]> kv = it.next();
                return KeyValue.pair(out(space, kv.key), kv.value);
            }

            @Override
            public Bytes peekNextKey() {
                return out(space, it.peekNextKey());
            }

            @Override
            public void close() {
                it.close();
            }
        };
    }

    private static Bytes out(byte space, Bytes stored) {
        byte[] k = stored.get();
        if (k.length == 0 || k[0] != space) {
            throw new IllegalStateException("key space " + space + " scan reached a key of space " + (k.length == 0 ? "none" : k[0]));
        }
        return Bytes.wrap(Arrays.copyOfRange(k, 1, k.length));
    }

    /**
     * The reads of one key space, keys without the key-space byte: the contributions' (behind the
     * store's own reads), or the rankings' (read-only: ordered as {@link RankingKey} says).
     */
    private class KeySpace implements ReadOnlyKeyValueStore<Bytes, byte[]> {

        private final byte space;

        KeySpace(byte space) {
            this.space = space;
        }

        @Override
        public byte[] get(Bytes key) {
            return db.get(in(space, key));
        }

        @Override
        public KeyValueIterator<Bytes, byte[]> range(Bytes from, Bytes to) {
            return within(space, db.range(lower(space, from), upper(space, to)));
        }

        @Override
        public KeyValueIterator<Bytes, byte[]> reverseRange(Bytes from, Bytes to) {
            return within(space, db.reverseRange(lower(space, from), upper(space, to)));
        }

        @Override
        public KeyValueIterator<Bytes, byte[]> all() {
            return range(null, null);
        }

        @Override
        public KeyValueIterator<Bytes, byte[]> reverseAll() {
            return reverseRange(null, null);
        }

        @Override
        public <PS extends Serializer<P>, P> KeyValueIterator<Bytes, byte[]> prefixScan(P prefix, PS serializer) {
            return within(space, db.prefixScan(in(space, serializer.serialize(null, prefix)), new BytesSerializer()));
        }

        /** Counts both key spaces (RocksDB's estimate, as for any store). */
        @Override
        public long approximateNumEntries() {
            return db.approximateNumEntries();
        }
    }

    /**
     * The rankings' key space, with {@link Rankings#keysAt}: an entry at a rank is reached by
     * stepping from the shower's anchor nearest that rank, with one iterator per rank, all opened
     * under the read lock (so no move comes between the anchors' ranks and the iterators' state;
     * a move waits for the few microseconds that takes). Without anchors, one scan from the top
     * reads every rank, and its entries become the shower's anchors (after the moves made since
     * the scan began); entries read far from their anchor replace them, so the steps stay short as
     * the ranking grows.
     */
    private final class RankingSpace extends KeySpace implements Rankings {

        RankingSpace() {
            super(RANKING);
        }

        @Override
        public Map<Long, byte[]> keysAt(int shower, List<Long> ranks) {
            if (ranks.isEmpty()) {
                return Map.of();
            }
            Map<Long, byte[]> found = read(shower, ranks, true);
            if (found == null) {
                dropAnchors(shower);
                found = read(shower, ranks, false);
            }
            return found;
        }

        /**
         * One read of the ranks: from the anchors (unless {@code anchored} is false, or there are
         * none), else from the top. The anchors are copied and the iterators opened under the read
         * lock, so the iterators read the state the copied ranks describe; the steps run after it.
         * Null when an anchored iterator did not start at its anchor's entry (which the lock rules
         * out; the caller drops the anchors and reads from the top).
         */
        private Map<Long, byte[]> read(int shower, List<Long> ranks, boolean anchored) {
            List<KeyValueIterator<Bytes, byte[]>> its = new ArrayList<>(ranks.size());
            try {
                byte[][] keys = null;
                long[] at = null;
                int[] from = new int[ranks.size()];
                long readAt;
                long stamp = lock.readLock();
                try {
                    RankAnchors.Anchors a = anchored ? anchors.of(shower) : null;
                    readAt = anchors.version();
                    if (a == null) {
                        its.add(ranking(shower));
                    } else {
                        keys = a.keys;
                        at = a.ranks.clone();
                        for (int i = 0; i < ranks.size(); i++) {
                            from[i] = nearest(at, ranks.get(i));
                            its.add(ranks.get(i) >= at[from[i]]
                                    ? range(Bytes.wrap(keys[from[i]]), Bytes.wrap(RankingKey.showerPrefix(shower + 1)))
                                    : reverseRange(Bytes.wrap(RankingKey.showerPrefix(shower)), Bytes.wrap(keys[from[i]])));
                        }
                    }
                } finally {
                    lock.unlockRead(stamp);
                }
                return keys == null ? scanned(shower, ranks, its.get(0), readAt) : stepped(ranks, keys, at, from, its, readAt, shower);
            } finally {
                its.forEach(KeyValueIterator::close);
            }
        }

        private KeyValueIterator<Bytes, byte[]> ranking(int shower) {
            return prefixScan(Bytes.wrap(RankingKey.showerPrefix(shower)), new BytesSerializer());
        }

        @Override
        public Scan scan(int shower) {
            KeyValueIterator<Bytes, byte[]> it;
            Version version;
            long stamp = lock.readLock();
            try {
                version = new Version(anchors, anchors.version());
                it = ranking(shower);
            } finally {
                lock.unlockRead(stamp);
            }
            return new Scan() {
                @Override
                public Version version() {
                    return version;
                }

                @Override
                public boolean hasNext() {
                    return it.hasNext();
                }

                @Override
                public byte[] next() {
                    return it.next().key.get();
                }

                @Override
                public void close() {
                    it.close();
                }
            };
        }

        @Override
        public Moves movesSince(int shower, Version since) {
            if (since == null || since.store != anchors) {
                return null;
            }
            long stamp = lock.readLock();
            try {
                return anchors.movesSince(shower, since.moves);
            } finally {
                lock.unlockRead(stamp);
            }
        }

        /** The ranks from the top of the ranking, installed as the shower's anchors (the ranking as it was at {@code readAt}). */
        private Map<Long, byte[]> scanned(int shower, List<Long> ranks, KeyValueIterator<Bytes, byte[]> it, long readAt) {
            Map<Long, byte[]> found = new LinkedHashMap<>();
            long last = ranks.get(ranks.size() - 1);
            long rank = 0;
            while (rank < last && it.hasNext()) {
                byte[] key = it.next().key.get();
                rank++;
                if (ranks.contains(rank)) {
                    found.put(rank, key);
                }
            }
            install(shower, found, readAt);
            return found;
        }

        /**
         * Each rank stepped to from its anchor; the anchors are replaced when one was far. Null when
         * an iterator does not start at its anchor's entry.
         */
        private Map<Long, byte[]> stepped(List<Long> ranks, byte[][] keys, long[] at, int[] from,
                                          List<KeyValueIterator<Bytes, byte[]>> its, long readAt, int shower) {
            Map<Long, byte[]> found = new LinkedHashMap<>();
            boolean far = false;
            for (int i = 0; i < ranks.size(); i++) {
                long rank = ranks.get(i);
                KeyValueIterator<Bytes, byte[]> it = its.get(i);
                if (!it.hasNext() || !Arrays.equals(it.next().key.get(), keys[from[i]])) {
                    return null;
                }
                long steps = Math.abs(rank - at[from[i]]);
                far |= steps > REANCHOR_DISTANCE;
                byte[] key = keys[from[i]];
                for (long s = 0; s < steps && key != null; s++) {
                    key = it.hasNext() ? it.next().key.get() : null;
                }
                if (key != null) {
                    found.put(rank, key);
                }
            }
            if (far) {
                install(shower, found, readAt);
            }
            return found;
        }

        private void dropAnchors(int shower) {
            long stamp = lock.writeLock();
            try {
                anchors.drop(shower);
            } finally {
                lock.unlockWrite(stamp);
            }
        }

        private void install(int shower, Map<Long, byte[]> found, long readAt) {
            if (found.isEmpty()) {
                return;
            }
            byte[][] keys = new byte[found.size()][];
            long[] ranks = new long[found.size()];
            int i = 0;
            for (Map.Entry<Long, byte[]> e : found.entrySet()) {
                ranks[i] = e.getKey();
                keys[i++] = e.getValue();
            }
            long stamp = lock.writeLock();
            try {
                anchors.install(shower, keys, ranks, readAt);
            } finally {
                lock.unlockWrite(stamp);
            }
        }
    }

    /** The index of the anchor rank nearest {@code rank}. */
    private static int nearest(long[] at, long rank) {
        int best = 0;
        for (int i = 1; i < at.length; i++) {
            if (Math.abs(at[i] - rank) < Math.abs(at[best] - rank)) {
                best = i;
            }
        }
        return best;
    }

    /** Restores the changelog through {@link #restore}, so that each contribution's ranking entry moves with it. */
    private final class RestoringThroughPut implements StateStoreContext {

        private final StateStoreContext context;

        RestoringThroughPut(StateStoreContext context) {
            this.context = context;
        }

        private BatchingStateRestoreCallback restore() {
            return RankedContributionsStore.this::restore;
        }

        @Override
        public void register(StateStore store, StateRestoreCallback ignored) {
            context.register(store, restore());
        }

        @Override
        public void register(StateStore store, StateRestoreCallback ignored, CommitCallback onCommit) {
            context.register(store, restore(), onCommit);
        }

        @Override
        public String applicationId() {
            return context.applicationId();
        }

        @Override
        public TaskId taskId() {
            return context.taskId();
        }

        @Override
        public Optional<RecordMetadata> recordMetadata() {
            return context.recordMetadata();
        }

        @Override
        public Serde<?> keySerde() {
            return context.keySerde();
        }

        @Override
        public Serde<?> valueSerde() {
            return context.valueSerde();
        }

        @Override
        public java.io.File stateDir() {
            return context.stateDir();
        }

        @Override
        public StreamsMetrics metrics() {
            return context.metrics();
        }

        @Override
        public Map<String, Object> appConfigs() {
            return context.appConfigs();
        }

        @Override
        public Map<String, Object> appConfigsWithPrefix(String prefix) {
            return context.appConfigsWithPrefix(prefix);
        }
    }

    /**
     * {@link #PARTITION}: what {@code view} makes of the one store a partition's query finds (its
     * outermost layer, as the task registered it).
     */
    private static final class OnePartitionType<T> implements QueryableStoreType<T> {

        /** Finds the stores themselves; only {@link OnePartitionType#create} uses it. */
        private static final QueryableStoreType<StateStore> STORES = new QueryableStoreType<>() {
            @Override
            public boolean accepts(StateStore store) {
                return holdsRankings(store);
            }

            @Override
            public StateStore create(StateStoreProvider provider, String storeName) {
                throw new UnsupportedOperationException("only for finding the stores of RankedContributionsStore's query types");
            }
        };

        private final Function<StateStore, T> view;

        OnePartitionType(Function<StateStore, T> view) {
            this.view = view;
        }

        @Override
        public boolean accepts(StateStore store) {
            return holdsRankings(store);
        }

        @Override
        public T create(StateStoreProvider provider, String storeName) {
            List<StateStore> stores = provider.stores(storeName, STORES);
            if (stores.isEmpty()) {
                throw new InvalidStateStoreException("no open store " + storeName + " for this query");
            }
            if (stores.size() > 1) {
                throw new IllegalArgumentException("the rankings of " + storeName + " are read one partition at a time: "
                        + "query with StoreQueryParameters.withPartition (" + stores.size() + " stores matched)");
            }
            return view.apply(stores.get(0));
        }

        private static boolean holdsRankings(StateStore store) {
            return store instanceof RankedContributionsStore
                    || store instanceof WrappedStateStore<?, ?, ?> w && w.findInner(RankedContributionsStore.class) != null;
        }
    }

    /** The contributions as a store's outermost layer reads them (with its serdes, metrics and any cache). */
    @SuppressWarnings("unchecked") // the contributions store is built with ShowerWallet keys and Contribution values
    private static ReadOnlyKeyValueStore<ShowerWallet, Contribution> contributionsOf(StateStore outer) {
        if (!(outer instanceof ReadOnlyKeyValueStore<?, ?> kv)) {
            throw new IllegalArgumentException("store " + outer.name() + " is not a key-value store: " + outer.getClass().getName());
        }
        return (ReadOnlyKeyValueStore<ShowerWallet, Contribution>) kv;
    }
}
