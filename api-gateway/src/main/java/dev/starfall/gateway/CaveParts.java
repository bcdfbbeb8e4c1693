package dev.starfall.gateway;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

import io.vertx.core.Future;

/**
 * The parts of caves kept across cave renewals while they provably still hold, so that renewing a
 * cave (every {@code ttl} per wallet) reads no store when nothing it shows has changed:
 * <ul>
 * <li>a wallet's closed meteors change only when a shower closes. They are kept while the list of
 * unclosed showers stays the same, once they were read at least {@link #SETTLE} after that list was
 * first seen (the cave store takes the meteors of a closing shower shortly after its summary says
 * CLOSED), and at most {@link #MAX_LIFE} in any case; before that they are read at every renewal.</li>
 * <li>a wallet's standing in an unclosed shower (or that it has none: 404) changes only when the
 * shower counts a transfer. It is kept while the shower's summary, itself renewed every
 * {@code ttl}, shows the same counts as when the standing was read here.</li>
 * </ul>
 * Parts a peer answered, or a standby copy, are not kept (their age is not known here): they are
 * read again at every renewal, as before.
 */
final class CaveParts {

    /** How long after the unclosed showers change the cave store may still be taking the meteors of a shower that closed. */
    static final Duration SETTLE = Duration.ofSeconds(5);
    /** The longest a wallet's closed meteors are kept. */
    static final Duration MAX_LIFE = Duration.ofSeconds(10);

    private record Meteors(List<Integer> unclosed, long readFromNanos, Answer answer) {
    }

    private record Standing(ShowerCounts counts, Answer answer) {
    }

    private final Map<String, Meteors> meteors = new ConcurrentHashMap<>();
    private final Map<String, Standing> standings = new ConcurrentHashMap<>();
    private final String selfName;
    private final long ttlNanos;
    private final int maxEntries;
    private final LongSupplier nanoTime;

    CaveParts(String selfName, Duration ttl, int maxEntries, LongSupplier nanoTime) {
        this.selfName = selfName;
        this.ttlNanos = ttl.toNanos();
        this.maxEntries = maxEntries;
        this.nanoTime = nanoTime;
    }

    /**
     * The wallet's closed meteors: kept ones while {@code unclosed} is the list they were read
     * under, else from {@code read} (which may answer from a cache up to one {@code ttl} old).
     */
    Future<Answer> meteors(String wallet, UnclosedShowers unclosed, Supplier<Future<Answer>> read) {
        long now = nanoTime.getAsLong();
        Meteors kept = meteors.get(wallet);
        if (kept != null && kept.unclosed().equals(unclosed.showers()) && kept.readFromNanos() - unclosed.sinceNanos() >= SETTLE.toNanos()
                && now - kept.readFromNanos() < MAX_LIFE.toNanos()) {
            return Future.succeededFuture(kept.answer());
        }
        long readFrom = now - ttlNanos;
        return read.get().onSuccess(a -> {
            if (a.status() == 200 && !a.stale()) {
                bound(meteors).put(wallet, new Meteors(unclosed.showers(), readFrom, a));
            }
        });
    }

    /**
     * The wallet's standing in shower {@code n}: the kept one while the shower's summary shows
     * {@code counts} equal to those it was read under, else {@code fresh} (a read of the stores now,
     * or a peer's answer), kept when it was read here. Without counts (summary unavailable), {@code cached}.
     */
    Future<Answer> standing(int n, String wallet, ShowerCounts counts, Supplier<Future<Answer>> fresh, Supplier<Future<Answer>> cached) {
        if (counts == null) {
            return cached.get();
        }
        String key = n + "/" + wallet;
        Standing kept = standings.get(key);
        if (kept != null && kept.counts().sameRanking(counts)) {
            return Future.succeededFuture(kept.answer());
        }
        // read after the summary that showed these counts: if the shower counted a transfer meanwhile, the next
        // summary shows other counts and this standing is read again
        return fresh.get().onSuccess(a -> {
            if ((a.status() == 200 || a.status() == 404) && !a.stale() && selfName.equals(a.servedBy())) {
                bound(standings).put(key, new Standing(counts, a));
            }
        });
    }

    private <V> Map<String, V> bound(Map<String, V> map) {
        if (map.size() >= maxEntries) {
            map.clear();
        }
        return map;
    }

    int size() {
        return meteors.size() + standings.size();
    }
}
