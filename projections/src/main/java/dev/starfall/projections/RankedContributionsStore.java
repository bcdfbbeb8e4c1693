package dev.starfall.projections;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;

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
 * are read through {@link #rankingsOf(StateStore)} in a task and {@link #RANKINGS} in interactive
 * queries.
 *
 * <p>Why the two stay consistent: both key spaces are one RocksDB instance, so whatever it holds
 * after a crash is a prefix of the writes made to it, and each write of a contribution removes
 * the ranking entry of the value it replaces, read from the store itself. Replaying changelog
 * records over such a prefix (a restore from the committed offset) therefore ends with exactly
 * one ranking entry per contribution. A restore writes each batch of changelog records as one
 * RocksDB write batch, after one read per key of the batch ({@link #restore}). Under
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

    /** The store's rankings in interactive queries, of one partition ({@code StoreQueryParameters.withPartition}). */
    public static final QueryableStoreType<ReadOnlyKeyValueStore<Bytes, byte[]>> RANKINGS = new RankingsType();

    private final KeyValueStore<Bytes, byte[]> db;
    private final KeySpace contributions = new KeySpace(CONTRIBUTION);
    private final KeySpace rankings = new KeySpace(RANKING);

    RankedContributionsStore(KeyValueStore<Bytes, byte[]> db) {
        this.db = db;
    }

    /** The contribution a ranking entry's value holds. */
    public static Contribution contributionOf(byte[] rankingValue) {
        return CONTRIBUTIONS.deserialize(null, rankingValue);
    }

    /** A persistent supplier of this store, for {@code Stores.keyValueStoreBuilder} with the contributions' serdes. */
    static KeyValueBytesStoreSupplier supplier(String name) {
        KeyValueBytesStoreSupplier rocksDb = org.apache.kafka.streams.state.Stores.persistentKeyValueStore(name);
        return new KeyValueBytesStoreSupplier() {
            @Override
            public String name() {
                return rocksDb.name();
            }

            @Override
            public KeyValueStore<Bytes, byte[]> get() {
                return new RankedContributionsStore(rocksDb.get());
            }

            @Override
            public String metricsScope() {
                return rocksDb.metricsScope();
            }
        };
    }

    /**
     * The rankings of the contributions store a task holds ({@code context.getStateStore(Stores.CONTRIBUTIONS)},
     * or the top store of a test driver): read-only, since they change only with the contributions.
     */
    public static ReadOnlyKeyValueStore<Bytes, byte[]> rankingsOf(StateStore contributions) {
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
        return contributions.get(key);
    }

    /** Puts a contribution and moves its ranking entry from the value it replaces; a null value deletes both. */
    @Override
    public void put(Bytes key, byte[] value) {
        move(key, value, db::put);
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
        db.init(new RestoringThroughPut(context), root);
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
        db.close();
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
     * the store held before the batch (one read per key), and the ranking entry moves with it.
     */
    private void restore(Collection<KeyValue<byte[], byte[]>> records) {
        Map<Bytes, byte[]> last = new LinkedHashMap<>(records.size() * 2);
        for (KeyValue<byte[], byte[]> r : records) {
            last.put(Bytes.wrap(r.key), r.value);
        }
        List<KeyValue<Bytes, byte[]>> writes = new ArrayList<>(last.size() * 3);
        for (Map.Entry<Bytes, byte[]> e : last.entrySet()) {
            move(e.getKey(), e.getValue(), (k, v) -> writes.add(KeyValue.pair(k, v)));
        }
        db.putAll(writes);
    }

    /**
     * The writes that put {@code value} (null: none) under a contribution key: the ranking entry of
     * the value the store holds now goes, the new value's comes, then the contribution itself; a
     * null value in {@code write} deletes.
     */
    private void move(Bytes key, byte[] value, BiConsumer<Bytes, byte[]> write) {
        Bytes stored = in(CONTRIBUTION, key);
        byte[] before = db.get(stored);
        if (before != null) {
            write.accept(in(RANKING, rankingKey(key, before)), null);
        }
        if (value != null) {
            write.accept(in(RANKING, rankingKey(key, value)), value);
        }
        write.accept(stored, value);
    }

    // ---- key spaces

    private static byte[] rankingKey(Bytes contributionKey, byte[] contribution) {
        ShowerWallet sw = ShowerWallet.decode(contributionKey.get());
        return RankingKey.of(sw, CONTRIBUTIONS.deserialize(null, contribution)).encode();
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
    private final class KeySpace implements ReadOnlyKeyValueStore<Bytes, byte[]> {

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

    /** {@link #RANKINGS}: the rankings of the one store a partition's query finds. */
    private static final class RankingsType implements QueryableStoreType<ReadOnlyKeyValueStore<Bytes, byte[]>> {

        /** Finds the stores themselves; only {@link RankingsType#create} uses it. */
        private static final QueryableStoreType<StateStore> STORES = new QueryableStoreType<>() {
            @Override
            public boolean accepts(StateStore store) {
                return holdsRankings(store);
            }

            @Override
            public StateStore create(StateStoreProvider provider, String storeName) {
                throw new UnsupportedOperationException("only for finding the stores of RankedContributionsStore.RANKINGS");
            }
        };

        @Override
        public boolean accepts(StateStore store) {
            return holdsRankings(store);
        }

        @Override
        public ReadOnlyKeyValueStore<Bytes, byte[]> create(StateStoreProvider provider, String storeName) {
            List<StateStore> stores = provider.stores(storeName, STORES);
            if (stores.isEmpty()) {
                throw new InvalidStateStoreException("no open store " + storeName + " for this query");
            }
            if (stores.size() > 1) {
                throw new IllegalArgumentException("the rankings of " + storeName + " are read one partition at a time: "
                        + "query with StoreQueryParameters.withPartition (" + stores.size() + " stores matched)");
            }
            return inner(stores.get(0)).rankings;
        }

        private static boolean holdsRankings(StateStore store) {
            return store instanceof RankedContributionsStore
                    || store instanceof WrappedStateStore<?, ?, ?> w && w.findInner(RankedContributionsStore.class) != null;
        }
    }
}
