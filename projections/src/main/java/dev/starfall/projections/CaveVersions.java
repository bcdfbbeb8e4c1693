package dev.starfall.projections;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A version of each partition of the cave store on this instance, which moves whenever that
 * partition's content may have changed here: a wallet's cave written, the task initialized or
 * closed (assigned, revoked, revived after a failure, which may wipe the store), a restore, and
 * any state change of the Streams client (every rebalance). A reader that notes the version
 * before reading a cave knows the cave is still what the store holds while the version is the
 * same, and can keep it instead of reading it again: caves change only when a shower closes.
 * <p>
 * Only reads of an active task on this instance may be kept this way; a standby's copy changes
 * without its processor running.
 */
public final class CaveVersions {

    /** What {@link #version} gives when this instance does not track a partition: never equal to itself later. */
    public static final long UNTRACKED = -1;

    private final AtomicLongArray versions;

    /** @param partitions partitions of the cave store (of {@code Topics.RESULTS}) */
    public CaveVersions(int partitions) {
        this.versions = new AtomicLongArray(partitions);
    }

    /** Tracks nothing: every read is to be read again. For topologies without caves. */
    public static CaveVersions untracked() {
        return new CaveVersions(0);
    }

    /**
     * The version of {@code partition} now, to note before reading it; {@link #UNTRACKED} when it is
     * not tracked. Two equal versions of a partition mean no change in between.
     */
    public long version(int partition) {
        if (partition < 0 || partition >= versions.length()) {
            return UNTRACKED;
        }
        return versions.get(partition);
    }

    /** Whether a read of {@code partition} noted at {@code version} still holds. */
    public boolean unchangedSince(int partition, long version) {
        return version != UNTRACKED && version(partition) == version;
    }

    /**
     * Moves the version of {@code partition}: called after a write to it, or when its store may have
     * changed under the processor (the cave processor and the restore listener; public for tests).
     */
    public void changed(int partition) {
        if (partition >= 0 && partition < versions.length()) {
            versions.incrementAndGet(partition);
        }
    }

    /** Moves every partition's version: called on every state change of the Streams client (tasks may have moved). */
    public void changedAll() {
        for (int p = 0; p < versions.length(); p++) {
            versions.incrementAndGet(p);
        }
    }
}
