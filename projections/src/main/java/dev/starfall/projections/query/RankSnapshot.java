package dev.starfall.projections.query;

import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;

import dev.starfall.projections.RankedContributionsStore;
import dev.starfall.projections.domain.RankingKey;
import dev.starfall.projections.domain.ShowerTotals;

/**
 * One shower's ranking as it was when one scan read it: its keys in ranking order, packed into one
 * array. A wallet's rank is then a binary search instead of a scan down to the wallet, and the
 * amount at any rank one decode.
 *
 * <p>{@link #counts} are the shower's totals read before the scan, when they were still the same
 * after it; null when a transfer was counted during the scan. While a shower's totals show the
 * same counts as these, its ranking is this one: counting only ever adds transfers, and a transfer
 * moves the counts (see {@link ShowerTotals#sameRanking}). The processor writes a transfer's
 * ranking entry before the totals that count it, so totals read before the scan never count a
 * transfer the scan missed.
 *
 * <p>A snapshot read with the store's {@link RankedContributionsStore.Version version} of moves is
 * renewed by applying the moves made since ({@link #moved}) instead of scanning again: the same
 * ranking the scan would read at the moves' version, made from memory.
 */
public final class RankSnapshot {

    private final byte[] packed;
    private final int[] ends;
    private final ShowerTotals counts;
    /** The store's version of moves this ranking is as of; null: unknown (it cannot be {@link #moved}). */
    private final RankedContributionsStore.Version version;
    private final long builtAtNanos;

    private RankSnapshot(byte[] packed, int[] ends, ShowerTotals counts, RankedContributionsStore.Version version, long builtAtNanos) {
        this.packed = packed;
        this.ends = ends;
        this.counts = counts;
        this.version = version;
        this.builtAtNanos = builtAtNanos;
    }

    /**
     * Packs ranking keys given in ranking order (as a prefix scan of the ranking store returns
     * them), with no counts (see {@link #counted}) and no version.
     */
    public static RankSnapshot of(Iterator<byte[]> keysInOrder, long builtAtNanos) {
        return of(keysInOrder, null, builtAtNanos);
    }

    /** {@link #of(Iterator, long)} of a {@link RankedContributionsStore.Rankings#scan}, as of its version. */
    public static RankSnapshot of(RankedContributionsStore.Scan scan, long builtAtNanos) {
        return of(scan, scan.version(), builtAtNanos);
    }

    private static RankSnapshot of(Iterator<byte[]> keysInOrder, RankedContributionsStore.Version version, long builtAtNanos) {
        byte[] packed = new byte[1024];
        int[] ends = new int[16];
        int size = 0;
        int used = 0;
        byte[] previous = null;
        while (keysInOrder.hasNext()) {
            byte[] key = keysInOrder.next();
            if (previous != null && Arrays.compareUnsigned(previous, key) >= 0) {
                throw new IllegalArgumentException("ranking keys out of order at rank " + (size + 1));
            }
            previous = key;
            if (used + key.length > packed.length) {
                packed = Arrays.copyOf(packed, Math.max(packed.length * 2, used + key.length));
            }
            System.arraycopy(key, 0, packed, used, key.length);
            used += key.length;
            if (size == ends.length) {
                ends = Arrays.copyOf(ends, size * 2);
            }
            ends[size++] = used;
        }
        return new RankSnapshot(Arrays.copyOf(packed, used), Arrays.copyOf(ends, size), null, version, builtAtNanos);
    }

    /**
     * This ranking with {@code moves} applied (the store's moves of its shower since this
     * snapshot's version), as of their version, with no counts; null when they do not fit it (an
     * entry removed that it does not hold, or added that it already holds), which a store's own
     * moves never do. Each entry moved is one binary search; the entries between are copied.
     */
    public RankSnapshot moved(RankedContributionsStore.Moves moves, long builtAtNanos) {
        // the net change: entries added then removed (or removed then added back) cancel out
        TreeMap<byte[], Boolean> net = new TreeMap<>(Arrays::compareUnsigned); // true: added, false: removed
        for (int i = 0; i < moves.size(); i++) {
            byte[] removed = moves.removed(i);
            if (removed != null && !change(net, removed, false)) {
                return null;
            }
            byte[] added = moves.added(i);
            if (added != null && !change(net, added, true)) {
                return null;
            }
        }
        if (net.isEmpty()) {
            return new RankSnapshot(packed, ends, null, moves.version(), builtAtNanos);
        }
        int size = ends.length;
        int used = packed.length;
        for (Map.Entry<byte[], Boolean> e : net.entrySet()) {
            size += e.getValue() ? 1 : -1;
            used += e.getValue() ? e.getKey().length : -e.getKey().length;
        }
        byte[] outPacked = new byte[used];
        int[] outEnds = new int[size];
        int from = 0; // the next entry of this ranking to copy
        int out = 0; // entries written
        int written = 0; // bytes written
        for (Map.Entry<byte[], Boolean> e : net.entrySet()) {
            byte[] key = e.getKey();
            int found = search(key);
            int at = found >= 0 ? found : -found - 1;
            if (e.getValue() == (found >= 0) || at < from) {
                return null;
            }
            written = copy(from, at, outPacked, outEnds, out, written);
            out += at - from;
            if (e.getValue()) {
                System.arraycopy(key, 0, outPacked, written, key.length);
                written += key.length;
                outEnds[out++] = written;
                from = at;
            } else {
                from = at + 1;
            }
        }
        copy(from, ends.length, outPacked, outEnds, out, written);
        return new RankSnapshot(outPacked, outEnds, null, moves.version(), builtAtNanos);
    }

    /** Notes one entry added or removed in {@code net}; false when it was already added (or removed) there. */
    private static boolean change(TreeMap<byte[], Boolean> net, byte[] key, boolean added) {
        Boolean before = net.remove(key);
        if (before == null) {
            net.put(key, added);
            return true;
        }
        return before != added; // the opposite change cancels it
    }

    /** Copies entries {@code [from, to)} to {@code outPacked}/{@code outEnds} at entry {@code out} and byte {@code written}; returns the bytes written then. */
    private int copy(int from, int to, byte[] outPacked, int[] outEnds, int out, int written) {
        if (from == to) {
            return written;
        }
        int start = start(from);
        int length = ends[to - 1] - start;
        System.arraycopy(packed, start, outPacked, written, length);
        int shift = written - start;
        for (int i = from; i < to; i++) {
            outEnds[out++] = ends[i] + shift;
        }
        return written + length;
    }

    /**
     * This ranking, known to be the one of a shower at {@code counts}: the shower's totals read
     * before the scan, and equal to those read after it. Null leaves it unknown.
     */
    public RankSnapshot counted(ShowerTotals counts) {
        return new RankSnapshot(packed, ends, counts, version, builtAtNanos);
    }

    /** Wallets ranked. */
    public int size() {
        return ends.length;
    }

    /** The totals this ranking belongs to; null when the shower counted a transfer while it was read. */
    public ShowerTotals counts() {
        return counts;
    }

    /** The store's version of moves this ranking is as of; null when unknown. */
    public RankedContributionsStore.Version version() {
        return version;
    }

    public long builtAtNanos() {
        return builtAtNanos;
    }

    /** Bytes held. */
    public long bytes() {
        return packed.length + 4L * ends.length;
    }

    /** True when the shower, now at {@code now}, still has exactly this ranking. */
    public boolean current(ShowerTotals now) {
        return counts != null && counts.sameRanking(now);
    }

    /**
     * The rank a wallet whose ranking key is {@code key} holds in this ranking: its own position
     * when the key is in it, else one more than the number of keys before it. A contribution only
     * grows, and a larger contribution sorts earlier, so a wallet that topped up since the scan has
     * its old key after its new one: the count before the new key leaves it out.
     */
    public long rankOf(byte[] key) {
        int found = search(key);
        return (found >= 0 ? found : -found - 1) + 1L;
    }

    /** The index of {@code key}, or {@code -(insertion point) - 1} when it is not here (as {@link Arrays#binarySearch}). */
    private int search(byte[] key) {
        int lo = 0;
        int hi = ends.length - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            int c = Arrays.compareUnsigned(packed, start(mid), ends[mid], key, 0, key.length);
            if (c < 0) {
                lo = mid + 1;
            } else if (c > 0) {
                hi = mid - 1;
            } else {
                return mid;
            }
        }
        return -lo - 1;
    }

    /** The ranking key at {@code rank} (1-based), decoded. */
    public RankingKey at(long rank) {
        if (rank < 1 || rank > ends.length) {
            throw new IndexOutOfBoundsException("rank " + rank + " of " + ends.length);
        }
        int i = (int) (rank - 1);
        return RankingKey.decode(Arrays.copyOfRange(packed, start(i), ends[i]));
    }

    private int start(int i) {
        return i == 0 ? 0 : ends[i - 1];
    }
}
