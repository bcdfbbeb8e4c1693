package dev.starfall.projections;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Ranking entries whose rank in their shower's ranking is known, kept exact through every move of
 * the ranking, so that the entry at a given rank (a tier's floor) is found by stepping from the
 * nearest anchor instead of scanning the ranking from its top.
 *
 * <p>A move (one contribution replacing its ranking entry: {@code removed} goes, {@code added}
 * comes) shifts an anchor's rank by one for each of the two keys that sorts before the anchor's.
 * When the removed key is an anchor's own, that entry is gone: the shower loses its anchors until
 * a reader installs new ones. Anchors are installed from a read of the ranking made at a known
 * {@link #version()}; the moves made since that version are replayed on them first, from a ring of
 * the last {@value #MOVES} moves (an install that needs older moves is refused). The same moves
 * renew a reader's copy of a whole ranking ({@link #movesSince}).
 *
 * <p>Keys are compared as RocksDB orders them (unsigned lexicographic), whole (any common prefix
 * included). Not thread-safe: {@link RankedContributionsStore} changes it under its write lock and
 * reads it under its read lock.
 */
final class RankAnchors {

    /**
     * Moves kept for replay: a scan of a third of a 100,000-wallet shower overlaps a few hundred
     * moves of its partition at the embedded default's fastest ingest. The ring holds references
     * to keys the moves made anyway (about 60 bytes each).
     */
    static final int MOVES = 4096;

    /** One shower's anchors: keys (immutable) and their current ranks (1-based), in ranking order. */
    static final class Anchors {
        final byte[][] keys;
        final long[] ranks;

        Anchors(byte[][] keys, long[] ranks) {
            this.keys = keys;
            this.ranks = ranks;
        }
    }

    private final Map<Integer, Anchors> byShower = new HashMap<>();
    private final int[] movedShower = new int[MOVES];
    private final byte[][] movedRemoved = new byte[MOVES][];
    private final byte[][] movedAdded = new byte[MOVES][];
    /** Moves applied so far (and clears); move {@code v} is at {@code (v - 1) % MOVES}. */
    private long version;
    /** Installs from a read made before this version are refused (everything was dropped then). */
    private long clearedAt;

    long version() {
        return version;
    }

    /** The shower's anchors, or null. Their ranks change with each move: copy them under the read lock. */
    Anchors of(int shower) {
        return byShower.get(shower);
    }

    /** Applies one move of the shower's ranking; {@code removed} or {@code added} may be null. */
    void moved(int shower, byte[] removed, byte[] added) {
        int slot = (int) (version % MOVES);
        version++;
        movedShower[slot] = shower;
        movedRemoved[slot] = removed;
        movedAdded[slot] = added;
        Anchors a = byShower.get(shower);
        if (a != null && !shift(a, removed, added)) {
            byShower.remove(shower);
        }
    }

    /**
     * The shower's moves since version {@code since} of this store, in the order made, with the
     * version they lead to; null when they are not all kept (more than {@value #MOVES} moves since,
     * or a clear since).
     */
    RankedContributionsStore.Moves movesSince(int shower, long since) {
        if (since < clearedAt || since > version || version - since > MOVES) {
            return null;
        }
        List<byte[]> removed = new ArrayList<>();
        List<byte[]> added = new ArrayList<>();
        for (long v = since; v < version; v++) {
            int slot = (int) (v % MOVES);
            if (movedShower[slot] == shower) {
                removed.add(movedRemoved[slot]);
                added.add(movedAdded[slot]);
            }
        }
        return new RankedContributionsStore.Moves(removed, added, new RankedContributionsStore.Version(this, version));
    }

    /** Drops the shower's anchors. */
    void drop(int shower) {
        byShower.remove(shower);
    }

    /** Drops every anchor and refuses installs from reads made before now (a restore wrote the ranking). */
    void clear() {
        version++;
        clearedAt = version;
        byShower.clear();
        Arrays.fill(movedRemoved, null);
        Arrays.fill(movedAdded, null);
    }

    /**
     * Installs anchors read at {@code readAt} (keys in ranking order with their ranks then), after
     * replaying the shower's moves since; false when those moves are no longer all kept, or one of
     * them removed an anchor's entry (nothing installed).
     */
    boolean install(int shower, byte[][] keys, long[] ranks, long readAt) {
        if (readAt < clearedAt || version - readAt > MOVES || keys.length == 0) {
            return false;
        }
        Anchors a = new Anchors(keys.clone(), ranks.clone());
        for (long v = readAt; v < version; v++) {
            int slot = (int) (v % MOVES);
            if (movedShower[slot] == shower && !shift(a, movedRemoved[slot], movedAdded[slot])) {
                return false;
            }
        }
        byShower.put(shower, a);
        return true;
    }

    /** Shifts the ranks for one move; false when the move removed an anchor's own entry. */
    private static boolean shift(Anchors a, byte[] removed, byte[] added) {
        for (int i = 0; i < a.keys.length; i++) {
            if (removed != null) {
                int c = Arrays.compareUnsigned(removed, a.keys[i]);
                if (c == 0) {
                    return false;
                }
                if (c < 0) {
                    a.ranks[i]--;
                }
            }
            if (added != null && Arrays.compareUnsigned(added, a.keys[i]) < 0) {
                a.ranks[i]++;
            }
        }
        return true;
    }
}
