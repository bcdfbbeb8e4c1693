package dev.starfall.projections.query;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongFunction;
import java.util.function.LongSupplier;

import dev.starfall.projections.domain.ShowerTotals;

/**
 * The ranking snapshots of one instance's showers, so that reading a wallet's standing costs a
 * binary search rather than a scan down to its rank. A snapshot answers exactly while its shower's
 * counts are unchanged (a closed or quiet shower, for good). While the shower is counting, a
 * snapshot answers for at most {@code maxAge} after its scan, then the next read scans again: one
 * scan per shower per {@code maxAge}, however many wallets are read. In between, a wallet's own
 * contribution is always current (it is read from the store and placed by its key), and the other
 * wallets are counted as they were at the scan.
 *
 * <p>A closed shower's answers are final (served as immutable), so for a shower whose totals say
 * closed only a snapshot of exactly its final ranking answers, however young another one is; and
 * no new snapshot is scanned for it: a closed shower's answers are cached for good, and a scan of
 * its whole ranking for each of many closed showers would cost more than the scans down to each
 * wallet that it saves.
 *
 * <p>Only for reads of an active task's stores on this instance: a standby's stores are not
 * written by a local processor in the same order. At most {@code maxShowers} snapshots are kept,
 * the least recently used dropped first; one scan per shower runs at a time, and reads that wait
 * for it use what it read.
 */
public final class RankSnapshots {

    private final long maxAgeNanos;
    private final int maxShowers;
    private final LongSupplier nanoTime;
    private final Map<Integer, RankSnapshot> byShower;
    private final Map<Integer, Object> scanning = new ConcurrentHashMap<>();
    private final AtomicLong scans = new AtomicLong();

    public RankSnapshots(Duration maxAge, int maxShowers, LongSupplier nanoTime) {
        if (maxAge.isNegative() || maxShowers < 1) {
            throw new IllegalArgumentException("maxAge must not be negative and maxShowers positive: " + maxAge + ", " + maxShowers);
        }
        this.maxAgeNanos = maxAge.toNanos();
        this.maxShowers = maxShowers;
        this.nanoTime = nanoTime;
        this.byShower = new LinkedHashMap<>(16, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<Integer, RankSnapshot> eldest) {
                return size() > RankSnapshots.this.maxShowers;
            }
        };
    }

    /**
     * The kept snapshot of {@code shower} if it may answer now, the shower being at {@code now}:
     * exactly its ranking, or (while it is not closed) one scanned less than the maximum age ago;
     * else null.
     */
    public RankSnapshot usable(int shower, ShowerTotals now) {
        RankSnapshot s;
        synchronized (byShower) {
            s = byShower.get(shower);
        }
        if (s == null) {
            return null;
        }
        if (s.current(now)) {
            return s;
        }
        return !now.closed() && nanoTime.getAsLong() - s.builtAtNanos() < maxAgeNanos ? s : null;
    }

    /**
     * A snapshot of {@code shower} that may answer now: the kept one, or a new one from
     * {@code scan} (given the time to stamp it with) while the shower is not closed; null for a
     * closed shower without one (the caller scans down to what it needs).
     */
    public RankSnapshot get(int shower, ShowerTotals now, LongFunction<RankSnapshot> scan) {
        RankSnapshot s = usable(shower, now);
        if (s != null || now.closed()) {
            return s;
        }
        synchronized (scanning.computeIfAbsent(shower, k -> new Object())) {
            s = usable(shower, now);
            if (s != null) {
                return s;
            }
            s = scan.apply(nanoTime.getAsLong());
            scans.incrementAndGet();
            synchronized (byShower) {
                byShower.put(shower, s);
            }
            return s;
        }
    }

    /** Scans made so far. */
    public long scans() {
        return scans.get();
    }

    /** Bytes held by the kept snapshots. */
    public long bytes() {
        synchronized (byShower) {
            return byShower.values().stream().mapToLong(RankSnapshot::bytes).sum();
        }
    }
}
