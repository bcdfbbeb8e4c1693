package dev.starfall.projections;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.File;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

import dev.starfall.projections.domain.Contribution;
import dev.starfall.projections.domain.RankingKey;
import dev.starfall.projections.domain.ShowerWallet;
import dev.starfall.projections.query.RankSnapshot;
import org.apache.kafka.common.serialization.BytesSerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.processor.BatchingStateRestoreCallback;
import org.apache.kafka.streams.processor.StateRestoreCallback;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.QueryableStoreType;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.internals.StateStoreProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The contributions store with its rankings, on real RocksDB stores: counting, restoring, replaying. */
class RankedContributionsStoreTest {

    private static final Serializer<Contribution> CONTRIBUTION = ProjectionSerdes.contribution().serializer();
    /** A ranking's order: its keys' bytes, unsigned, as RocksDB sorts them. */
    private static final Comparator<RankingKey> RANK_ORDER = (a, b) -> Arrays.compareUnsigned(a.encode(), b.encode());

    @TempDir
    File dir;

    private final List<KeyValueStore<Bytes, byte[]>> open = new ArrayList<>();

    @AfterEach
    void close() {
        open.forEach(KeyValueStore::close);
    }

    @Test
    void shouldKeepOneRankingEntryPerContributionInRankingOrder() {
        KeyValueStore<Bytes, byte[]> store = store(0, new AtomicReference<>());
        put(store, 5, "w1", Contribution.first(BigInteger.valueOf(300), 10));
        put(store, 5, "w2", Contribution.first(BigInteger.valueOf(500), 20));
        put(store, 5, "w3", Contribution.first(BigInteger.valueOf(100), 30));
        put(store, 6, "w1", Contribution.first(BigInteger.valueOf(900), 40));
        put(store, 5, "w3", get(store, 5, "w3").plus(BigInteger.valueOf(450), 50));
        put(store, 5, "w1", get(store, 5, "w1").plus(BigInteger.valueOf(250), 60));

        ReadOnlyKeyValueStore<Bytes, byte[]> rankings = RankedContributionsStore.rankingsOf(store);
        assertThat(ranking(rankings, 5)).containsExactly(
                new RankingKey(5, BigInteger.valueOf(550), 50, "w3"),
                new RankingKey(5, BigInteger.valueOf(550), 60, "w1"),
                new RankingKey(5, BigInteger.valueOf(500), 20, "w2"));
        assertThat(ranking(rankings, 6)).containsExactly(new RankingKey(6, BigInteger.valueOf(900), 40, "w1"));
        try (KeyValueIterator<Bytes, byte[]> it = rankings.prefixScan(Bytes.wrap(RankingKey.showerPrefix(5)), new BytesSerializer())) {
            assertThat(RankedContributionsStore.contributionOf(it.next().value)).as("an entry holds its whole contribution")
                    .isEqualTo(get(store, 5, "w3"));
        }

        List<ShowerWallet> contributions = new ArrayList<>();
        try (KeyValueIterator<Bytes, byte[]> it = store.all()) {
            it.forEachRemaining(kv -> contributions.add(ShowerWallet.decode(kv.key.get())));
        }
        assertThat(contributions).as("the contributions' scans never reach the rankings").containsExactly(
                new ShowerWallet(5, "w1"), new ShowerWallet(5, "w2"), new ShowerWallet(5, "w3"), new ShowerWallet(6, "w1"));
        try (KeyValueIterator<Bytes, byte[]> all = rankings.all()) {
            List<RankingKey> keys = new ArrayList<>();
            all.forEachRemaining(kv -> keys.add(RankingKey.decode(kv.key.get())));
            assertThat(keys).as("nor the rankings' the contributions").hasSize(4);
        }
        assertThat(store.delete(Bytes.wrap(new ShowerWallet(5, "w2").encode()))).isNotNull();
        assertThat(ranking(rankings, 5)).extracting(RankingKey::wallet).containsExactly("w3", "w1");
        assertThat(RankedContributionsStore.PARTITION.accepts(store)).isTrue();
        assertThat(RankedContributionsStore.PARTITION.accepts(org.apache.kafka.streams.state.Stores.persistentKeyValueStore("plain").get()))
                .isFalse();
    }

    @Test
    void shouldFindAPartitionsContributionsAndRankingsWithOneLookUpOfTheStoreProvider() {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "ranked-contributions-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        MockProcessorContext<Void, Void> context = new MockProcessorContext<>(props, new TaskId(1, 3), new File(dir, "p3"));
        KeyValueStore<ShowerWallet, Contribution> outer = org.apache.kafka.streams.state.Stores.keyValueStoreBuilder(
                RankedContributionsStore.supplier(Stores.CONTRIBUTIONS), ProjectionSerdes.showerWallet(), ProjectionSerdes.contribution())
                .withLoggingDisabled().build();
        outer.init(context.getStateStoreContext(), outer);
        try {
            Contribution w1 = Contribution.first(BigInteger.valueOf(300), 10);
            Contribution w2 = Contribution.first(BigInteger.valueOf(500), 20);
            outer.put(new ShowerWallet(5, "w1"), w1);
            outer.put(new ShowerWallet(5, "w2"), w2);
            AtomicInteger lookUps = new AtomicInteger();
            StateStoreProvider provider = new StateStoreProvider() {
                @Override
                @SuppressWarnings("unchecked")
                public <T> List<T> stores(String storeName, QueryableStoreType<T> type) {
                    lookUps.incrementAndGet();
                    assertThat(storeName).isEqualTo(Stores.CONTRIBUTIONS);
                    return type.accepts(outer) ? List.of((T) outer) : List.of();
                }
            };

            RankedContributionsStore.Partition partition = RankedContributionsStore.PARTITION.create(provider, Stores.CONTRIBUTIONS);
            assertThat(partition.contributions().get(new ShowerWallet(5, "w1"))).isEqualTo(w1);
            assertThat(partition.contributions().get(new ShowerWallet(5, "w3"))).isNull();
            assertThat(ranking(partition.rankings(), 5)).containsExactly(
                    new RankingKey(5, BigInteger.valueOf(500), 20, "w2"), new RankingKey(5, BigInteger.valueOf(300), 10, "w1"));
            outer.put(new ShowerWallet(5, "w1"), w1.plus(BigInteger.valueOf(400), 30));
            assertThat(partition.contributions().get(new ShowerWallet(5, "w1")).amount()).as("reads the store as it is now")
                    .isEqualTo(BigInteger.valueOf(700));
            assertThat(lookUps).as("one look-up when the query is made, none per read").hasValue(1);

            StateStoreProvider none = new StateStoreProvider() {
                @Override
                public <T> List<T> stores(String storeName, QueryableStoreType<T> type) {
                    return List.of();
                }
            };
            assertThatThrownBy(() -> RankedContributionsStore.PARTITION.create(none, Stores.CONTRIBUTIONS))
                    .isInstanceOf(InvalidStateStoreException.class).hasMessageContaining("no open store");
            StateStoreProvider two = new StateStoreProvider() {
                @Override
                @SuppressWarnings("unchecked")
                public <T> List<T> stores(String storeName, QueryableStoreType<T> type) {
                    return List.of((T) outer, (T) outer);
                }
            };
            assertThatThrownBy(() -> RankedContributionsStore.PARTITION.create(two, Stores.CONTRIBUTIONS))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("one partition at a time");
        } finally {
            outer.close();
        }
    }

    @Test
    void shouldRestoreTheRankingsFromTheContributionsChangelog() {
        AtomicReference<StateRestoreCallback> restore = new AtomicReference<>();
        KeyValueStore<Bytes, byte[]> store = store(1, restore);
        Contribution a1 = Contribution.first(BigInteger.valueOf(200), 10);
        Contribution b1 = Contribution.first(BigInteger.valueOf(300), 20);
        Contribution a2 = a1.plus(BigInteger.valueOf(400), 30);
        Contribution c1 = Contribution.first(BigInteger.valueOf(700), 40);
        ((BatchingStateRestoreCallback) restore.get()).restoreAll(List.of(
                record(7, "a", a1), record(7, "b", b1), record(7, "a", a2), record(7, "c", c1), record(7, "c", null)));

        assertThat(ranking(RankedContributionsStore.rankingsOf(store), 7)).containsExactly(
                new RankingKey(7, BigInteger.valueOf(600), 30, "a"),
                new RankingKey(7, BigInteger.valueOf(300), 20, "b"));
        assertThat(get(store, 7, "a")).isEqualTo(a2);
        assertThat(get(store, 7, "c")).as("a tombstone deletes the contribution").isNull();
    }

    @Test
    void shouldEndWithOneEntryPerContributionWhenTheChangelogIsReplayedOverNewerState() {
        AtomicReference<StateRestoreCallback> restore = new AtomicReference<>();
        KeyValueStore<Bytes, byte[]> store = store(2, restore);
        Contribution x1 = Contribution.first(BigInteger.valueOf(100), 10);
        Contribution x2 = x1.plus(BigInteger.valueOf(100), 20);
        Contribution x3 = x2.plus(BigInteger.valueOf(100), 30);
        Contribution y1 = Contribution.first(BigInteger.valueOf(250), 15);
        put(store, 3, "x", x1);
        put(store, 3, "y", y1);
        put(store, 3, "x", x2);
        put(store, 3, "x", x3);
        // a restore from an older committed offset replays records the store already holds
        ((BatchingStateRestoreCallback) restore.get()).restoreAll(List.of(record(3, "y", y1), record(3, "x", x2), record(3, "x", x3)));

        assertThat(ranking(RankedContributionsStore.rankingsOf(store), 3)).containsExactly(
                new RankingKey(3, BigInteger.valueOf(300), 30, "x"),
                new RankingKey(3, BigInteger.valueOf(250), 15, "y"));
    }

    @Test
    void shouldRestoreIntoAnEmptyStoreReadingOnlyKeysItMayHaveWrittenAlready() {
        AtomicReference<StateRestoreCallback> restore = new AtomicReference<>();
        AtomicInteger reads = new AtomicInteger();
        KeyValueStore<Bytes, byte[]> store = store(5, restore, reads);
        BatchingStateRestoreCallback callback = (BatchingStateRestoreCallback) restore.get();
        Map<String, Contribution> expected = new HashMap<>();
        List<KeyValue<byte[], byte[]>> first = new ArrayList<>();
        for (int w = 0; w < 1_000; w++) {
            Contribution c = Contribution.first(BigInteger.valueOf(100 + w), w);
            first.add(record(4, "w" + w, c));
            expected.put("w" + w, c);
        }
        callback.restoreAll(first);
        assertThat(reads.get()).as("no read for keys never written").isZero();

        // a later batch: 100 of the same wallets again (each read, to move its ranking entry), one deleted, 100 new
        List<KeyValue<byte[], byte[]>> second = new ArrayList<>();
        for (int w = 0; w < 1_000; w += 10) {
            Contribution c = expected.get("w" + w).plus(BigInteger.valueOf(5_000), 2_000 + w);
            second.add(record(4, "w" + w, c));
            expected.put("w" + w, c);
        }
        second.add(record(4, "w5", null));
        expected.remove("w5");
        for (int w = 1_000; w < 1_100; w++) {
            Contribution c = Contribution.first(BigInteger.valueOf(100 + w), w);
            second.add(record(4, "w" + w, c));
            expected.put("w" + w, c);
        }
        callback.restoreAll(second);
        assertThat(reads.get()).as("every key written before is read, a few unwritten ones may be")
                .isBetween(101, 110);

        assertThat(ranking(RankedContributionsStore.rankingsOf(store), 4)).containsExactlyElementsOf(expected.entrySet().stream()
                .map(e -> RankingKey.of(new ShowerWallet(4, e.getKey()), e.getValue())).sorted(RANK_ORDER).toList());
    }

    @Test
    void shouldReadEveryRestoredKeyOnceTheStoreHoldsWhatNoRestoreWrote() {
        AtomicReference<StateRestoreCallback> restore = new AtomicReference<>();
        AtomicInteger reads = new AtomicInteger();
        KeyValueStore<Bytes, byte[]> store = store(6, restore, reads);
        Contribution x1 = Contribution.first(BigInteger.valueOf(100), 10);
        Contribution x2 = x1.plus(BigInteger.valueOf(100), 20);
        Contribution y1 = Contribution.first(BigInteger.valueOf(250), 15);
        ((BatchingStateRestoreCallback) restore.get()).restoreAll(List.of(record(2, "y", y1)));
        // the task runs: a transfer counted (a put) writes a key no restore wrote
        put(store, 2, "x", x1);
        // then a standby's update (the task moved) replays it
        reads.set(0);
        ((BatchingStateRestoreCallback) restore.get()).restoreAll(List.of(record(2, "x", x2)));

        assertThat(reads.get()).isEqualTo(1);
        assertThat(ranking(RankedContributionsStore.rankingsOf(store), 2)).containsExactly(
                new RankingKey(2, BigInteger.valueOf(250), 15, "y"),
                new RankingKey(2, BigInteger.valueOf(200), 20, "x"));
    }

    @Test
    void shouldReadEveryRestoredKeyWhenTheStoreOpensHoldingContributions() {
        AtomicReference<StateRestoreCallback> restore = new AtomicReference<>();
        KeyValueStore<Bytes, byte[]> before = store(8, restore);
        Contribution x1 = Contribution.first(BigInteger.valueOf(100), 10);
        Contribution x2 = x1.plus(BigInteger.valueOf(100), 20);
        put(before, 1, "x", x1);
        put(before, 1, "x", x2);
        before.close();

        AtomicInteger reads = new AtomicInteger();
        KeyValueStore<Bytes, byte[]> store = store(8, restore, reads);
        // a restart's restore from an older committed offset replays a record the store already holds
        ((BatchingStateRestoreCallback) restore.get()).restoreAll(List.of(record(1, "x", x2)));

        assertThat(reads.get()).isEqualTo(1);
        assertThat(ranking(RankedContributionsStore.rankingsOf(store), 1)).containsExactly(
                new RankingKey(1, BigInteger.valueOf(200), 20, "x"));
    }

    @Test
    void shouldFindTheEntriesAtRanksFromItsAnchorsAsAScanFindsThem() {
        KeyValueStore<Bytes, byte[]> store = store(3, new AtomicReference<>());
        RankedContributionsStore.Rankings rankings = RankedContributionsStore.rankingsOf(store);
        Random random = new Random(42);
        Map<String, Contribution> held = new HashMap<>();
        int anchored = 0;
        for (int op = 1; op <= 6_000; op++) {
            int shower = random.nextInt(10) == 0 ? 6 : 5;
            String wallet = "w" + random.nextInt(op < 3_000 ? 1_500 : 3_000);
            Contribution before = shower == 5 ? held.get(wallet) : get(store, shower, wallet);
            BigInteger amount = BigInteger.valueOf(1 + random.nextInt(random.nextBoolean() ? 50 : 5_000));
            Contribution after = random.nextInt(40) == 0 ? null
                    : before == null ? Contribution.first(amount, op) : before.plus(amount, op);
            if (after == null) {
                store.delete(Bytes.wrap(new ShowerWallet(shower, wallet).encode()));
            } else {
                put(store, shower, wallet, after);
            }
            if (shower == 5) {
                if (after == null) {
                    held.remove(wallet);
                } else {
                    held.put(wallet, after);
                }
            }
            if (op % 25 == 0) {
                int n = held.size();
                List<Long> ranks = List.of(1L, (long) Math.max(1, n / 100), (long) Math.max(2, n / 10), (long) Math.max(3, n / 3), n + 5L)
                        .stream().distinct().sorted().toList();
                boolean hadAnchors = ((RankedContributionsStore) store).anchoredFor(5);
                Map<Long, byte[]> found = rankings.keysAt(5, ranks);
                List<RankingKey> scanned = ranking(rankings, 5);
                Map<Long, RankingKey> expected = new HashMap<>();
                for (long r : ranks) {
                    if (r <= scanned.size()) {
                        expected.put(r, scanned.get((int) r - 1));
                    }
                }
                Map<Long, RankingKey> actual = new HashMap<>();
                found.forEach((r, k) -> actual.put(r, RankingKey.decode(k)));
                assertThat(actual).as("entries at %s after %d moves (%s anchors)", ranks, op, hadAnchors ? "with" : "without")
                        .isEqualTo(expected);
                if (hadAnchors) {
                    anchored++;
                }
            }
        }
        assertThat(anchored).as("reads that stepped from anchors (the rest scanned: the first, and after an anchor's own entry moved)")
                .isGreaterThan(150);
    }

    @Test
    void shouldDropItsAnchorsWhenARestoreWritesTheRankings() {
        AtomicReference<StateRestoreCallback> restore = new AtomicReference<>();
        KeyValueStore<Bytes, byte[]> store = store(4, restore);
        RankedContributionsStore.Rankings rankings = RankedContributionsStore.rankingsOf(store);
        for (int w = 0; w < 50; w++) {
            put(store, 8, "w" + w, Contribution.first(BigInteger.valueOf(1_000 - w), w));
        }
        assertThat(RankingKey.decode(rankings.keysAt(8, List.of(10L)).get(10L)).wallet()).isEqualTo("w9");
        assertThat(((RankedContributionsStore) store).anchoredFor(8)).isTrue();

        // a standby's update (or a restore) puts a new wallet on top, past the anchors
        ((BatchingStateRestoreCallback) restore.get()).restoreAll(List.of(record(8, "top", Contribution.first(BigInteger.valueOf(5_000), 99))));

        assertThat(((RankedContributionsStore) store).anchoredFor(8)).isFalse();
        assertThat(RankingKey.decode(rankings.keysAt(8, List.of(10L)).get(10L)).wallet()).isEqualTo("w8");
    }

    @Test
    void shouldReadRanksInOrderWhileContributionsMoveOnAnotherThread() throws Exception {
        KeyValueStore<Bytes, byte[]> store = store(5, new AtomicReference<>());
        RankedContributionsStore.Rankings rankings = RankedContributionsStore.rankingsOf(store);
        topUpsWhileReading(store, 9, 7, done -> {
            List<Long> ranks = List.of(20L, 200L, 660L);
            while (!done.getAsBoolean()) {
                Map<Long, byte[]> found = rankings.keysAt(9, ranks);
                assertThat(found).containsOnlyKeys(ranks);
                assertThat(Arrays.compareUnsigned(found.get(20L), found.get(200L))).isNegative();
                assertThat(Arrays.compareUnsigned(found.get(200L), found.get(660L))).isNegative();
            }
        });

        List<RankingKey> scanned = ranking(rankings, 9);
        Map<Long, byte[]> found = rankings.keysAt(9, List.of(20L, 200L, 660L));
        assertThat(RankingKey.decode(found.get(20L))).isEqualTo(scanned.get(19));
        assertThat(RankingKey.decode(found.get(200L))).isEqualTo(scanned.get(199));
        assertThat(RankingKey.decode(found.get(660L))).isEqualTo(scanned.get(659));
    }

    @Test
    void shouldWriteAContributionAndItsRankingEntryInOneBatch() {
        List<String> writes = new ArrayList<>();
        List<Integer> batchSizes = new ArrayList<>();
        KeyValueStore<Bytes, byte[]> store = store(4, new AtomicReference<>(), (method, args) -> {
            if (method.equals("put") || method.equals("delete") || method.equals("putAll")) {
                writes.add(method);
            }
            if (method.equals("putAll")) {
                batchSizes.add(((List<?>) args[0]).size());
            }
        });
        put(store, 4, "w1", Contribution.first(BigInteger.valueOf(100), 10));
        put(store, 4, "w1", get(store, 4, "w1").plus(BigInteger.valueOf(50), 20));
        store.delete(Bytes.wrap(new ShowerWallet(4, "w1").encode()));
        assertThat(writes).as("one write to RocksDB each").containsExactly("putAll", "putAll", "putAll");
        assertThat(batchSizes).as("the new entry and the contribution; the old entry's delete, the new entry and the contribution; "
                + "the entry's delete and the contribution's").containsExactly(2, 3, 2);
        assertThat(ranking(RankedContributionsStore.rankingsOf(store), 4)).isEmpty();

        put(store, 4, "w2", Contribution.first(BigInteger.valueOf(70), 30));
        store.close();
        assertThatThrownBy(() -> put(store, 4, "w2", Contribution.first(BigInteger.valueOf(80), 40)))
                .isInstanceOf(InvalidStateStoreException.class).hasMessageContaining("closed");
    }

    @Test
    void shouldTakeTheValueAPutReplacesFromTheSameThreadsReadOfTheKeySinceTheLastWrite() throws Exception {
        AtomicReference<StateRestoreCallback> restore = new AtomicReference<>();
        AtomicInteger reads = new AtomicInteger();
        KeyValueStore<Bytes, byte[]> store = store(3, restore, reads);
        put(store, 3, "x", Contribution.first(BigInteger.valueOf(100), 10));
        put(store, 3, "y", Contribution.first(BigInteger.valueOf(200), 20));

        reads.set(0);
        put(store, 3, "x", get(store, 3, "x").plus(BigInteger.valueOf(50), 30));
        assertThat(reads.get()).as("a transfer counted: the put takes the value it replaces from the read before it").isEqualTo(1);

        reads.set(0);
        Contribution y = get(store, 3, "y");
        put(store, 3, "x", Contribution.first(BigInteger.valueOf(160), 40));
        assertThat(reads.get()).as("the last read was of another key").isEqualTo(2);

        reads.set(0);
        Thread query = new Thread(() -> get(store, 3, "x"));
        query.start();
        query.join();
        put(store, 3, "x", Contribution.first(BigInteger.valueOf(170), 50));
        assertThat(reads.get()).as("the last read was another thread's").isEqualTo(2);

        reads.set(0);
        get(store, 3, "x");
        put(store, 3, "x", Contribution.first(BigInteger.valueOf(180), 60));
        put(store, 3, "x", Contribution.first(BigInteger.valueOf(190), 70));
        assertThat(reads.get()).as("a write came after the read").isEqualTo(2);

        get(store, 3, "x");
        ((BatchingStateRestoreCallback) restore.get()).restoreAll(List.of(record(3, "x", Contribution.first(BigInteger.valueOf(300), 80))));
        put(store, 3, "x", Contribution.first(BigInteger.valueOf(250), 90));

        assertThat(ranking(RankedContributionsStore.rankingsOf(store), 3)).as("one entry a contribution, of its value now").containsExactly(
                new RankingKey(3, BigInteger.valueOf(250), 90, "x"),
                new RankingKey(3, BigInteger.valueOf(200), 20, "y"));
        assertThat(get(store, 3, "y")).isEqualTo(y);
    }

    @Test
    void shouldRenewAWholeRankingFromItsMovesAsAScanReadsIt() {
        KeyValueStore<Bytes, byte[]> store = store(6, new AtomicReference<>());
        RankedContributionsStore.Rankings rankings = RankedContributionsStore.rankingsOf(store);
        Random random = new Random(43);
        RankSnapshot snapshot;
        try (RankedContributionsStore.Scan scan = rankings.scan(5)) {
            snapshot = RankSnapshot.of(scan, 0);
        }
        assertThat(snapshot.size()).isZero();
        int renewals = 0;
        for (int op = 1; op <= 6_000; op++) {
            int shower = random.nextInt(10) == 0 ? 6 : 5;
            String wallet = "w" + random.nextInt(op < 3_000 ? 1_500 : 3_000);
            Contribution before = get(store, shower, wallet);
            BigInteger amount = BigInteger.valueOf(1 + random.nextInt(random.nextBoolean() ? 50 : 5_000));
            if (random.nextInt(40) == 0) {
                store.delete(Bytes.wrap(new ShowerWallet(shower, wallet).encode()));
            } else {
                put(store, shower, wallet, before == null ? Contribution.first(amount, op) : before.plus(amount, op));
            }
            if (op % (1 + random.nextInt(60)) == 0) {
                RankedContributionsStore.Moves moves = rankings.movesSince(5, snapshot.version());
                assertThat(moves).as("the moves since the snapshot, after %d writes", op).isNotNull();
                snapshot = snapshot.moved(moves, op);
                assertThat(snapshot).as("the moves fit the ranking they were made on").isNotNull();
                List<RankingKey> scanned = ranking(rankings, 5);
                assertThat(snapshot.size()).isEqualTo(scanned.size());
                for (int r = 1; r <= scanned.size(); r++) {
                    assertThat(snapshot.at(r)).as("rank %d after %d writes", r, op).isEqualTo(scanned.get(r - 1));
                }
                renewals++;
            }
        }
        assertThat(renewals).isGreaterThan(100);
    }

    @Test
    void shouldGiveNoMovesItNoLongerKeeps() {
        AtomicReference<StateRestoreCallback> restore = new AtomicReference<>();
        KeyValueStore<Bytes, byte[]> store = store(7, restore);
        RankedContributionsStore.Rankings rankings = RankedContributionsStore.rankingsOf(store);
        KeyValueStore<Bytes, byte[]> other = store(8, new AtomicReference<>());
        put(store, 8, "w0", Contribution.first(BigInteger.TEN, 1));
        RankedContributionsStore.Version version;
        try (RankedContributionsStore.Scan scan = rankings.scan(8)) {
            version = scan.version();
            assertThat(scan.hasNext()).isTrue();
            assertThat(RankingKey.decode(scan.next()).wallet()).isEqualTo("w0");
            assertThat(scan.hasNext()).isFalse();
        }

        assertThat(rankings.movesSince(8, version).size()).as("nothing moved since").isZero();
        assertThat(rankings.movesSince(8, null)).isNull();
        try (RankedContributionsStore.Scan scan = RankedContributionsStore.rankingsOf(other).scan(8)) {
            assertThat(rankings.movesSince(8, scan.version())).as("another store's version").isNull();
        }
        for (int w = 1; w <= RankAnchors.MOVES; w++) {
            put(store, 9, "w" + w, Contribution.first(BigInteger.TEN, w)); // moves of another shower count too
        }
        assertThat(rankings.movesSince(8, version).size()).as("the last moves it keeps").isZero();
        put(store, 8, "w1", Contribution.first(BigInteger.ONE, 2));
        assertThat(rankings.movesSince(8, version)).as("one more than it keeps").isNull();

        RankedContributionsStore.Version restored;
        try (RankedContributionsStore.Scan scan = rankings.scan(8)) {
            restored = scan.version();
        }
        put(store, 8, "w2", Contribution.first(BigInteger.TWO, 3));
        assertThat(rankings.movesSince(8, restored).size()).isEqualTo(1);
        ((BatchingStateRestoreCallback) restore.get()).restoreAll(List.of(record(8, "w3", Contribution.first(BigInteger.TEN, 4))));
        assertThat(rankings.movesSince(8, restored)).as("a restore wrote the ranking").isNull();
    }

    @Test
    void shouldRenewARankingWhileContributionsMoveOnAnotherThread() throws Exception {
        KeyValueStore<Bytes, byte[]> store = store(9, new AtomicReference<>());
        RankedContributionsStore.Rankings rankings = RankedContributionsStore.rankingsOf(store);
        AtomicInteger renewed = new AtomicInteger();
        AtomicReference<RankSnapshot> last = new AtomicReference<>();
        topUpsWhileReading(store, 9, 8, done -> {
            RankSnapshot s;
            try (RankedContributionsStore.Scan scan = rankings.scan(9)) {
                s = RankSnapshot.of(scan, 0);
            }
            while (!done.getAsBoolean()) {
                RankedContributionsStore.Moves moves = rankings.movesSince(9, s.version());
                if (moves == null) { // the writer got more than the kept moves ahead
                    try (RankedContributionsStore.Scan scan = rankings.scan(9)) {
                        s = RankSnapshot.of(scan, 0);
                    }
                } else {
                    RankSnapshot next = s.moved(moves, 0);
                    assertThat(next).as("moves since a scan's version fit what it read").isNotNull();
                    s = next;
                    renewed.incrementAndGet();
                }
            }
            last.set(s);
        });
        assertThat(renewed.get()).isPositive();

        RankSnapshot s = last.get().moved(rankings.movesSince(9, last.get().version()), 0);
        List<RankingKey> scanned = ranking(rankings, 9);
        assertThat(s.size()).isEqualTo(scanned.size());
        for (int r = 1; r <= scanned.size(); r++) {
            assertThat(s.at(r)).isEqualTo(scanned.get(r - 1));
        }
    }

    /**
     * Puts 2,000 wallets into {@code shower}, then tops them up 20,000 times at random while
     * {@code reader} runs on another thread (told when the top-ups are done); fails with the
     * reader's failure, if it had one.
     */
    private static void topUpsWhileReading(KeyValueStore<Bytes, byte[]> store, int shower, long seed, Consumer<BooleanSupplier> reader)
            throws InterruptedException {
        for (int w = 0; w < 2_000; w++) {
            put(store, shower, "w" + w, Contribution.first(BigInteger.valueOf(100 + w % 700), w));
        }
        AtomicBoolean done = new AtomicBoolean();
        AtomicReference<Throwable> failed = new AtomicReference<>();
        Thread thread = new Thread(() -> {
            try {
                reader.accept(done::get);
            } catch (Throwable t) {
                failed.set(t);
            }
        });
        thread.start();
        Random random = new Random(seed);
        for (int op = 0; op < 20_000 && failed.get() == null; op++) {
            String wallet = "w" + random.nextInt(2_000);
            put(store, shower, wallet, get(store, shower, wallet).plus(BigInteger.valueOf(1 + random.nextInt(30)), 10_000 + op));
        }
        done.set(true);
        thread.join();
        assertThat(failed.get()).as("the reader's failure").isNull();
    }

    private static void put(KeyValueStore<Bytes, byte[]> store, int shower, String wallet, Contribution c) {
        store.put(Bytes.wrap(new ShowerWallet(shower, wallet).encode()), CONTRIBUTION.serialize(null, c));
    }

    private static Contribution get(KeyValueStore<Bytes, byte[]> store, int shower, String wallet) {
        byte[] bytes = store.get(Bytes.wrap(new ShowerWallet(shower, wallet).encode()));
        return bytes == null ? null : ProjectionSerdes.contribution().deserializer().deserialize(null, bytes);
    }

    private static KeyValue<byte[], byte[]> record(int shower, String wallet, Contribution c) {
        return KeyValue.pair(new ShowerWallet(shower, wallet).encode(), c == null ? null : CONTRIBUTION.serialize(null, c));
    }

    private static List<RankingKey> ranking(ReadOnlyKeyValueStore<Bytes, byte[]> rankings, int shower) {
        List<RankingKey> out = new ArrayList<>();
        try (KeyValueIterator<Bytes, byte[]> it = rankings.prefixScan(Bytes.wrap(RankingKey.showerPrefix(shower)), new BytesSerializer())) {
            it.forEachRemaining(kv -> out.add(RankingKey.decode(kv.key.get())));
        }
        return out;
    }

    /**
     * The bytes store the topology's supplier gives (the layers above it, metering and change logging,
     * are exercised by the topology tests), with the restore callback it registers.
     */
    private KeyValueStore<Bytes, byte[]> store(int partition, AtomicReference<StateRestoreCallback> restore) {
        return init(RankedContributionsStore.supplier(Stores.CONTRIBUTIONS).get(), partition, restore);
    }

    /** {@link #store(int, AtomicReference)} over a RocksDB store that counts the reads made of it. */
    private KeyValueStore<Bytes, byte[]> store(int partition, AtomicReference<StateRestoreCallback> restore, AtomicInteger reads) {
        return store(partition, restore, (method, args) -> {
            if (method.equals("get")) {
                reads.incrementAndGet();
            }
        });
    }

    /** {@link #store(int, AtomicReference)} over a RocksDB store that tells {@code calls} of each call made to it, before it is made. */
    private KeyValueStore<Bytes, byte[]> store(int partition, AtomicReference<StateRestoreCallback> restore, BiConsumer<String, Object[]> calls) {
        KeyValueStore<Bytes, byte[]> rocks = org.apache.kafka.streams.state.Stores.persistentKeyValueStore(Stores.CONTRIBUTIONS).get();
        @SuppressWarnings("unchecked")
        KeyValueStore<Bytes, byte[]> counting = (KeyValueStore<Bytes, byte[]>) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {KeyValueStore.class}, (proxy, method, args) -> {
                    calls.accept(method.getName(), args);
                    try {
                        return method.invoke(rocks, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        return init(new RankedContributionsStore(counting), partition, restore);
    }

    private KeyValueStore<Bytes, byte[]> init(KeyValueStore<Bytes, byte[]> store, int partition, AtomicReference<StateRestoreCallback> restore) {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "ranked-contributions-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        MockProcessorContext<Void, Void> context = new MockProcessorContext<>(props, new TaskId(1, partition), new File(dir, "p" + partition));
        StateStoreContext stores = context.getStateStoreContext();
        StateStoreContext capturing = (StateStoreContext) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {StateStoreContext.class}, (proxy, method, args) -> {
                    if (method.getName().equals("register")) {
                        restore.set((StateRestoreCallback) args[1]);
                    }
                    return method.invoke(stores, args);
                });
        store.init(capturing, store);
        open.add(store);
        return store;
    }
}
