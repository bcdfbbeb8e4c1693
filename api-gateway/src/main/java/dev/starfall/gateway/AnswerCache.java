package dev.starfall.gateway;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

import io.vertx.core.Future;
import io.vertx.core.Promise;

/**
 * In-process cache of encoded answers, so hot requests (leaderboards, shower summaries, the
 * telescope) cost no store scan: an entry is renewed at most every {@code ttl}, concurrent misses
 * share one load (single flight), failed or 5xx loads are not kept, and immutable answers (closed
 * showers) stay until evicted. Bounded: past {@code maxEntries} the cache is cleared.
 */
public final class AnswerCache {

    private record Entry(Future<Answer> answer, long expiresAtNanos) {
    }

    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    private final long ttlNanos;
    private final int maxEntries;
    private final LongSupplier nanoTime;
    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();

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
            return current.answer();
        }
        if (entries.size() >= maxEntries) {
            entries.clear();
        }
        Promise<Answer> promise = Promise.promise();
        Entry mine = new Entry(promise.future(), now + ttlNanos);
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
                entries.replace(key, fresh, new Entry(fresh.answer(), Long.MAX_VALUE + now));
            }
        });
        return fresh.answer();
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
