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
 * snapshot answers for at most {@code maxAge} after it was made, then the next read renews it:
 * from the ranking's moves made since, while the store still keeps them
 * ({@link RankSnapshot#moved}: no read of the store), else by a scan of the whole ranking. One
 * renewal per shower per {@code maxAge}, however many wallets are read. In between, a wallet's own
 * contribution is always current (it is read from the store and placed by its key), and the other
 * wallets are counted as they were when the snapshot was made.
 *
 * <p>A closed shower's answers are final (served as immutable), so for a shower whose totals say
 * closed only a snapshot of exactly its final ranking answers, however young another one is. Its
 * answers are cached for good, so a closed shower of which few wallets are read is cheaper to scan
 * down to each of them than to scan whole; but when a shower closes, many of its wallets look at
 * once, and each scan down walks on average half its ranking. So a closed shower is scanned whole
 * only once the reads without a snapshot have walked as many entries as it ranks wallets
 * ({@link #walked}): then every later read is a binary search, and the entries walked are never
 * more than twice what the scans down alone would have walked (one whole scan after at least as
 * many entries walked), whatever the reads. A snapshot kept from while it counted is renewed to
 * its final ranking from the moves, whatever was walked, since that reads nothing.
 *
 * <p>Only for reads of an active task's stores on this instance: a standby's stores are not
 * written by a local processor in the same order. At most {@code maxShowers} snapshots are kept,
 * the least recently used dropped first; one renewal per shower runs at a time, and reads that wait
 * for it use what it made.
 */
public final class RankSnapshots {

    private final long maxAgeNanos;
    private final int maxShowers;
    private final LongSupplier nanoTime;
    private final Map<Integer, RankSnapshot> byShower;
    private final Map<Integer, Object> scanning = new ConcurrentHashMap<>();
    /** Per closed shower without a snapshot: the ranking entries reads walked to find ranks since its last snapshot (or since start). */
    private final Map<Integer, AtomicLong> walkedWithout = new ConcurrentHashMap<>();
    private final AtomicLong scans = new AtomicLong();
    private final AtomicLong renewals = new AtomicLong();

    /** How a snapshot that may no longer answer is replaced. */
    public interface Renewal {

        /** A snapshot from one scan of the shower's whole ranking, stamped {@code atNanos}. */
        RankSnapshot scan(long atNanos);

        /**
         * The snapshot {@code kept} with the moves made since applied ({@link RankSnapshot#moved}),
         * stamped {@code atNanos}; null when they are no longer known (then the shower is scanned).
         */
        RankSnapshot moved(RankSnapshot kept, long atNanos);

        /** A renewal that always scans. */
        static Renewal scanning(LongFunction<RankSnapshot> scan) {
            return new Renewal() {
                @Override
                public RankSnapshot scan(long atNanos) {
                    return scan.apply(atNanos);
                }

                @Override
                public RankSnapshot moved(RankSnapshot kept, long atNanos) {
                    return null;
                }
            };
        }
    }

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

    /** {@link #get(int, ShowerTotals, Renewal)} with a renewal that always scans. */
    public RankSnapshot get(int shower, ShowerTotals now, LongFunction<RankSnapshot> scan) {
        return get(shower, now, Renewal.scanning(scan));
    }

    /**
     * A snapshot of {@code shower} that may answer now: the kept one; or the kept one renewed by
     * the moves made since (which costs no read of the store, so it is tried whenever one is
     * kept, a closed shower's too); or a new one from a scan while the shower is not closed, or
     * once reads of a closed one have {@link #walked} as many entries as it ranks wallets; else
     * null (the caller scans down to what it needs, and says how far). Each is given the time to
     * stamp it with.
     */
    public RankSnapshot get(int shower, ShowerTotals now, Renewal renewal) {
        RankSnapshot s = usable(shower, now);
        if (s != null) {
            return s;
        }
        boolean mayScan = !now.closed() || walkedWithout(shower) >= now.wallets();
        if (!mayScan && kept(shower) == null) {
            return null;
        }
        synchronized (scanning.computeIfAbsent(shower, k -> new Object())) {
            s = usable(shower, now);
            if (s != null) {
                return s;
            }
            RankSnapshot kept = kept(shower);
            long at = nanoTime.getAsLong();
            s = kept == null ? null : renewal.moved(kept, at);
            if (s != null) {
                renewals.incrementAndGet();
            } else if (mayScan) {
                s = renewal.scan(at);
                scans.incrementAndGet();
            } else {
                return null;
            }
            synchronized (byShower) {
                byShower.put(shower, s);
            }
            if (now.closed()) {
                walkedWithout.remove(shower);
            }
            return s;
        }
    }

    private RankSnapshot kept(int shower) {
        synchronized (byShower) {
            return byShower.get(shower);
        }
    }

    /**
     * Notes that a read of a closed shower found no snapshot and walked {@code entries} of its
     * ranking down to a rank: when they add up to as many as it ranks wallets, the next read
     * scans it whole ({@link #get}). Not noted for open showers, which are scanned whenever no
     * snapshot may answer.
     */
    public void walked(int shower, long entries) {
        walkedWithout.computeIfAbsent(shower, k -> new AtomicLong()).addAndGet(entries);
    }

    /** Entries {@link #walked} in {@code shower} since its last snapshot. */
    long walkedWithout(int shower) {
        AtomicLong walked = walkedWithout.get(shower);
        return walked == null ? 0 : walked.get();
    }

    /** Scans made so far. */
    public long scans() {
        return scans.get();
    }

    /** Snapshots renewed from the moves made since their scan (or their last renewal), so far. */
    public long renewals() {
        return renewals.get();
    }

    /** Bytes held by the kept snapshots. */
    public long bytes() {
        synchronized (byShower) {
            return byShower.values().stream().mapToLong(RankSnapshot::bytes).sum();
        }
    }
}
