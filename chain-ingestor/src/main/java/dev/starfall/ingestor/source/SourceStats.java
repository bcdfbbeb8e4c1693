package dev.starfall.ingestor.source;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import dev.starfall.ingestor.source.http.Endpoint;
import dev.starfall.ingestor.source.http.EndpointPool;

/** Counters of one source; updated by the walking thread, read from any thread. */
public final class SourceStats {

    /**
     * A consistent-enough copy of the counters.
     *
     * @param requests            HTTP requests sent (every attempt)
     * @param retries             attempts that were retries
     * @param rateLimited         answers with HTTP 429 (or a JSON-RPC rate-limit error)
     * @param serverErrors        answers with HTTP 5xx
     * @param timeouts            requests that timed out
     * @param pages               pages accepted
     * @param transactions        transactions parsed
     * @param newestBlockTimeSeen block time of the newest transaction read, or null
     * @param chainTimeSeen       newest chain time seen: the newest block time read or the chain head's time, or null
     * @param failovers           retries sent to another endpoint than the one that failed
     * @param endpoints           per endpoint: weight, breaker state and counters
     */
    public record Snapshot(long requests, long retries, long rateLimited, long serverErrors, long timeouts, long pages,
                           long transactions, Instant newestBlockTimeSeen, Instant chainTimeSeen, long failovers,
                           List<Endpoint.Snapshot> endpoints) {
        public Snapshot {
            endpoints = List.copyOf(endpoints);
        }
    }

    private final EndpointPool pool;
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong retries = new AtomicLong();
    private final AtomicLong rateLimited = new AtomicLong();
    private final AtomicLong serverErrors = new AtomicLong();
    private final AtomicLong timeouts = new AtomicLong();
    private final AtomicLong pages = new AtomicLong();
    private final AtomicLong transactions = new AtomicLong();
    private final AtomicReference<Instant> newestBlockTimeSeen = new AtomicReference<>();
    private final AtomicReference<Instant> chainTimeSeen = new AtomicReference<>();

    /** Counters without endpoints. */
    public SourceStats() {
        this(null);
    }

    /** Counters whose snapshot includes {@code pool}'s endpoints (null for none). */
    public SourceStats(EndpointPool pool) {
        this.pool = pool;
    }

    public void request() {
        requests.incrementAndGet();
    }

    public void retry() {
        retries.incrementAndGet();
    }

    public void timeout() {
        timeouts.incrementAndGet();
    }

    public void status(int status) {
        if (status == 429) {
            rateLimited.incrementAndGet();
        } else if (status >= 500) {
            serverErrors.incrementAndGet();
        }
    }

    public void page() {
        pages.incrementAndGet();
    }

    public void transaction(Instant blockTime) {
        transactions.incrementAndGet();
        newestBlockTimeSeen.accumulateAndGet(blockTime, SourceStats::newer);
        chainTimeSeen.accumulateAndGet(blockTime, SourceStats::newer);
    }

    /** The chain's head (latest block) time, as far as the API tells it. */
    public void chainTime(Instant time) {
        if (time != null) {
            chainTimeSeen.accumulateAndGet(time, SourceStats::newer);
        }
    }

    private static Instant newer(Instant a, Instant b) {
        return a == null || (b != null && b.isAfter(a)) ? b : a;
    }

    public Snapshot snapshot() {
        EndpointPool.Snapshot p = pool == null ? new EndpointPool.Snapshot(List.of(), 0) : pool.snapshot();
        return new Snapshot(requests.get(), retries.get(), rateLimited.get(), serverErrors.get(), timeouts.get(), pages.get(),
                transactions.get(), newestBlockTimeSeen.get(), chainTimeSeen.get(), p.failovers(), p.endpoints());
    }
}
