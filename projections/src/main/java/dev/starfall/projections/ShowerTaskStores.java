package dev.starfall.projections;

import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

import dev.starfall.projections.domain.ShowerTotals;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * The stores of each shower task running on this instance, by partition, as its processor holds
 * them: what an interactive query of that partition's active stores finds, without asking Kafka
 * Streams for them on every read. Kafka Streams' own look-up lists every task of the stream thread
 * on each call ({@code KafkaStreams.store}, and each {@code get} or {@code all} of the composite
 * store it returns), which a reader renewing a live wallet's answer thousands of times a second
 * pays three times over.
 *
 * <p>A partition is here exactly while its processor is initialized: from the task's start of
 * processing (after any restore) to the suspension that comes before every revocation, recycling
 * into a standby, or close (clean or dirty, as after a failure). A partition whose stores are not
 * all open is not given out. So a reader given a partition here reads what Kafka Streams would
 * have given it for that partition's active task; anything else (no entry, a standby read) goes
 * to Kafka Streams as before. A store closed in the middle of a read fails that read as it would
 * through Kafka Streams.
 */
public final class ShowerTaskStores {

    /** One shower task's stores, as its processor holds them. */
    public static final class Held {

        private final int partition;
        private final StateStore contributionsStore;
        private final RankedContributionsStore.Partition contributions;
        private final KeyValueStore<Integer, ShowerTotals> totals;
        private final KeyValueStore<Integer, Long> watermarks;

        /** @param contributions the contributions store as the processor's context gives it (its rankings inside) */
        Held(int partition, StateStore contributions, KeyValueStore<Integer, ShowerTotals> totals, KeyValueStore<Integer, Long> watermarks) {
            this.partition = partition;
            this.contributionsStore = contributions;
            this.contributions = RankedContributionsStore.partitionOf(contributions);
            this.totals = totals;
            this.watermarks = watermarks;
        }

        public int partition() {
            return partition;
        }

        /** The contributions and their rankings, as {@link RankedContributionsStore#PARTITION} gives them to a query. */
        public RankedContributionsStore.Partition contributions() {
            return contributions;
        }

        public ReadOnlyKeyValueStore<Integer, ShowerTotals> totals() {
            return totals;
        }

        public ReadOnlyKeyValueStore<Integer, Long> watermarks() {
            return watermarks;
        }

        boolean open() {
            return contributionsStore.isOpen() && totals.isOpen() && watermarks.isOpen();
        }
    }

    private final ConcurrentHashMap<Integer, Held> byPartition = new ConcurrentHashMap<>();

    /**
     * The stores of {@code partition}'s running task on this instance, all open; null when there is
     * none here (not assigned, a standby, restoring, closed), and the caller asks Kafka Streams.
     */
    public Held running(int partition) {
        Held held = byPartition.get(partition);
        return held != null && held.open() ? held : null;
    }

    /** Partitions whose tasks run here now, in order (for tests and diagnostics). */
    public Set<Integer> partitions() {
        return new TreeSet<>(byPartition.keySet());
    }

    /** Called by the shower processor once it is initialized: its task runs. */
    void started(Held held) {
        byPartition.put(held.partition(), held);
    }

    /**
     * Called by the shower processor when it is closed (its task suspended). Only its own entry is
     * removed: the partition's task may already run on another stream thread of this instance.
     */
    void stopped(Held held) {
        if (held != null) {
            byPartition.computeIfPresent(held.partition(), (partition, listed) -> listed == held ? null : listed);
        }
    }
}
