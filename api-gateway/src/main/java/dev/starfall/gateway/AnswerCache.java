package dev.starfall.gateway;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

import io.vertx.core.Future;
import io.vertx.core.Promise;

/**
 * In-process cache of encoded answers, so hot requests (leaderboards, shower summaries, the
 * telescope) cost no store scan: an entry is renewed at most every {@code ttl}, concurrent misses
 * share one load (single flight), failed or 5xx loads are not kept, and immutable answers (closed
 * showers) stay until evicted. Bounded: at {@code maxEntries} the least recently used half is
 * evicted ({@link #evictLeastRecentlyUsed}), so a rush of answers read once each (every wallet of a
 * shower that just closed) does not take the hot answers with it.
 * {@link #getRenewingBehind} also serves an answer whose life just ended while its renewal runs.
 */
public final class AnswerCache {

    /** A use less than this after the last one noted is not noted again: a hot answer's entry is not written on every hit. */
    private static final long USE_RESOLUTION_NANOS = 10_000_000;

    private static final class Entry {
        private final Future<Answer> answer;
        private final long expiresAtNanos;
        /** A renewal of this answer is running ({@link #getRenewingBehind}). */
        private final boolean renewing;
        /** When this entry was made or last served, to {@link #USE_RESOLUTION_NANOS} (racy writes of a hint: a lost one only ages it). */
        private long usedAtNanos;

        Entry(Future<Answer> answer, long expiresAtNanos, boolean renewing, long nowNanos) {
            this.answer = answer;
            this.expiresAtNanos = expiresAtNanos;
            this.renewing = renewing;
            this.usedAtNanos = nowNanos;
        }

        Entry(Future<Answer> answer, long expiresAtNanos, long nowNanos) {
            this(answer, expiresAtNanos, false, nowNanos);
        }

        Future<Answer> answer() {
            return answer;
        }

        long expiresAtNanos() {
            return expiresAtNanos;
        }

        boolean renewing() {
            return renewing;
        }

        /** A kept answer that may be served once more: loaded, successfully, and not yet replaced. */
        boolean servable() {
            return answer.succeeded() && answer.result().cacheable();
        }

        void used(long nowNanos) {
            if (nowNanos - usedAtNanos > USE_RESOLUTION_NANOS) {
                usedAtNanos = nowNanos;
            }
        }
    }

    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    private final long ttlNanos;
    private final int maxEntries;
    private final LongSupplier nanoTime;
    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();
    private final LongAdder staleHits = new LongAdder();
    private final LongAdder evictions = new LongAdder();
    private final AtomicBoolean evicting = new AtomicBoolean();

    public AnswerCache(Duration ttl, int maxEntries, LongSupplier nanoTime) {
        this.ttlNanos = ttl.toNanos();
        this.maxEntries = maxEntries;
        this.nanoTime = nanoTime;
    }

    /** The cached answer for {@code key}, or a new one from {@code loader}, shared with concurrent callers. */
    public Future<Answer> get(String key, Supplier<Future<Answer>> loader) {
        long now = nanoTime.getAsLong();
        Entry current = entries.get(key);
        if (current != null && now - current.expiresAtNanos() < 0) {
            hits.increment();
            current.used(now);
            return current.answer();
        }
        if (entries.size() >= maxEntries) {
            evictLeastRecentlyUsed(now);
        }
        Promise<Answer> promise = Promise.promise();
        Entry mine = new Entry(promise.future(), now + ttlNanos, now);
        // the loader runs outside compute(): it may itself use the cache (composite answers)
        Entry fresh = entries.compute(key, (k, existing) ->
                existing != null && existing != current && now - existing.expiresAtNanos() < 0 ? existing : mine);
        if (fresh == mine) {
            misses.increment();
            try {
                loader.get().onComplete(promise);
            } catch (RuntimeException e) {
                promise.fail(e);
            }
        } else {
            hits.increment(); // another caller renewed it meanwhile
        }
        fresh.answer().onComplete(ar -> {
            if (ar.failed() || !ar.result().cacheable()) {
                entries.remove(key, fresh);
            } else if (Answer.IMMUTABLE.equals(ar.result().cacheControl())) {
                entries.replace(key, fresh, new Entry(fresh.answer(), Long.MAX_VALUE + now, nanoTime.getAsLong()));
            }
        });
        return fresh.answer();
    }

    /**
     * {@link #get}, except when the kept answer's life ended less than one more {@code ttl} ago:
     * then that answer is served at once while one renewal runs in the background, and requests
     * for the key are never held for it (stale-while-revalidate, RFC 5861). The renewed answer
     * replaces it when it arrives; a failed or 5xx renewal drops it, so the next request loads and
     * waits as in {@link #get}. An answer served this way was read at most two {@code ttl} ago.
     * For answers that are sent as they are; not for parts whose age other answers rely on.
     */
    public Future<Answer> getRenewingBehind(String key, Supplier<Future<Answer>> loader) {
        return getRenewingBehind(key, loader, loader);
    }

    /**
     * {@link #getRenewingBehind(String, Supplier)}, with {@code renewal} loading the answer when
     * nobody waits for it (the last answer was served), and {@code loader} when a request does: a
     * renewal may take its time ({@link BehindRenewals}).
     */
    public Future<Answer> getRenewingBehind(String key, Supplier<Future<Answer>> loader, Supplier<Future<Answer>> renewal) {
        long now = nanoTime.getAsLong();
        Entry current = entries.get(key);
        if (current == null || now - current.expiresAtNanos() < 0 || now - current.expiresAtNanos() >= ttlNanos || !current.servable()) {
            return get(key, loader);
        }
        if (current.renewing()) {
            staleHits.increment();
            current.used(now);
            return current.answer();
        }
        Entry marked = new Entry(current.answer(), current.expiresAtNanos(), true, now);
        if (!entries.replace(key, current, marked)) {
            return get(key, loader); // renewed or dropped meanwhile
        }
        misses.increment();
        staleHits.increment();
        Promise<Answer> promise = Promise.promise();
        try {
            renewal.get().onComplete(promise);
        } catch (RuntimeException e) {
            promise.fail(e);
        }
        promise.future().onComplete(ar -> {
            if (ar.failed() || !ar.result().cacheable()) {
                entries.remove(key, marked);
            } else {
                long expires = Answer.IMMUTABLE.equals(ar.result().cacheControl()) ? Long.MAX_VALUE + now : now + ttlNanos;
                entries.replace(key, marked, new Entry(promise.future(), expires, nanoTime.getAsLong()));
            }
        });
        return current.answer();
    }

    /**
     * The kept answer for {@code key} while it is within its life and was loaded successfully,
     * counted as a hit; else null, and nothing is loaded or renewed (the caller goes on to
     * {@link #get} or {@link #getRenewingBehind}).
     */
    public Answer fresh(String key) {
        Entry e = entries.get(key);
        long now = nanoTime.getAsLong();
        if (e == null || now - e.expiresAtNanos() >= 0 || !e.servable()) {
            return null;
        }
        hits.increment();
        e.used(now);
        return e.answer().result();
    }

    /**
     * Evicts the least recently used half of the entries (those made or served longest before
     * {@code now}; ties at the middle stay, and should ties keep the cache full, it is cleared), one
     * caller at a time: a few milliseconds for 10,000 entries, once per {@code maxEntries / 2} misses
     * or so. What a full cache holds stays bounded by {@code maxEntries}, as before, and the hot
     * answers, served every cache life, are never the least recently used. Clearing everything
     * instead, as before, made every hot answer a miss at once whenever the long tail filled the
     * cache (a shower's rush after its close is one answer per wallet).
     */
    private void evictLeastRecentlyUsed(long now) {
        if (!evicting.compareAndSet(false, true)) {
            return; // another caller is evicting: the cache is over its bound by at most the concurrent misses
        }
        try {
            long[] ages = entries.values().stream().mapToLong(e -> now - e.usedAtNanos).sorted().toArray();
            if (ages.length < maxEntries) {
                return;
            }
            long oldestKept = ages[ages.length / 2 - 1];
            int before = entries.size();
            entries.values().removeIf(e -> now - e.usedAtNanos > oldestKept);
            if (entries.size() >= maxEntries) {
                entries.clear();
            }
            evictions.add(Math.max(0, before - entries.size()));
        } finally {
            evicting.set(false);
        }
    }

    /** Entries evicted to keep the cache within its bound. */
    public long evictions() {
        return evictions.sum();
    }

    /** Answers served past their life while their renewal ran ({@link #getRenewingBehind}). */
    public long staleHits() {
        return staleHits.sum();
    }

    public long hits() {
        return hits.sum();
    }

    public long misses() {
        return misses.sum();
    }

    public int size() {
        return entries.size();
    }
}
