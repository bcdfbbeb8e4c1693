package dev.starfall.gateway;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Token bucket per client address: {@code perSecond} requests per second sustained, bursts up to
 * {@code burst}. Tokens are counted in millionths so the arithmetic stays in integers. Buckets of
 * idle clients are dropped by {@link #evictIdle()}; the map is bounded by {@code maxClients}.
 */
public final class ClientRateLimiter {

    private static final long UNIT = 1_000_000L;

    /** Outcome of one request: allowed, or rejected with the seconds to wait. */
    public record Decision(boolean allowed, long retryAfterSeconds) {
    }

    private static final class Bucket {
        long tokens;
        long lastNanos;

        Bucket(long tokens, long lastNanos) {
            this.tokens = tokens;
            this.lastNanos = lastNanos;
        }
    }

    private final long perSecond;
    private final long capacity;
    private final int maxClients;
    private final LongSupplier nanoTime;
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

    public ClientRateLimiter(long perSecond, long burst, int maxClients, LongSupplier nanoTime) {
        if (perSecond < 0 || burst < 1) {
            throw new IllegalArgumentException("rate must be >= 0 (0 disables) and burst >= 1");
        }
        this.perSecond = perSecond;
        this.capacity = burst * UNIT;
        this.maxClients = maxClients;
        this.nanoTime = nanoTime;
    }

    public boolean enabled() {
        return perSecond > 0;
    }

    public Decision tryAcquire(String client) {
        if (!enabled()) {
            return new Decision(true, 0);
        }
        long now = nanoTime.getAsLong();
        if (buckets.size() >= maxClients && !buckets.containsKey(client)) {
            evictIdle();
        }
        Bucket b = buckets.computeIfAbsent(client, c -> new Bucket(capacity, now));
        synchronized (b) {
            b.tokens = Math.min(capacity, b.tokens + gained(now - b.lastNanos));
            b.lastNanos = now;
            if (b.tokens >= UNIT) {
                b.tokens -= UNIT;
                return new Decision(true, 0);
            }
            long missing = UNIT - b.tokens;
            long perSecondInMillionths = perSecond * UNIT;
            return new Decision(false, Math.max(1, (missing + perSecondInMillionths - 1) / perSecondInMillionths));
        }
    }

    /** Tokens (in millionths) earned in {@code elapsedNanos}: elapsed seconds x perSecond, capped at a full bucket. */
    private long gained(long elapsedNanos) {
        if (elapsedNanos <= 0) {
            return 0;
        }
        long fillNanos = 1_000_000_000L / perSecond * (capacity / UNIT) + 1_000_000_000L;
        return elapsedNanos >= fillNanos ? capacity : elapsedNanos / 1_000 * perSecond;
    }

    /** Drops buckets that are full again (their clients have been idle long enough). */
    public void evictIdle() {
        if (!enabled()) {
            return;
        }
        long now = nanoTime.getAsLong();
        buckets.entrySet().removeIf(e -> {
            synchronized (e.getValue()) {
                return gained(now - e.getValue().lastNanos) + e.getValue().tokens >= capacity;
            }
        });
    }

    public int clients() {
        return buckets.size();
    }
}
