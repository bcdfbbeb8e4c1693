package dev.starfall.ingestor.source;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/** Counters of one source; updated by the walking thread, read from any thread. */
public final class SourceStats {

    /**
     * A consistent-enough copy of the counters.
     *
     * @param requests            HTTP requests sent (every attempt)
     * @param retries             attempts that were retries
     * @param rateLimited         answers with HTTP 429
     * @param serverErrors        answers with HTTP 5xx
     * @param pages               pages accepted
     * @param transactions        transactions parsed
     * @param newestBlockTimeSeen block time of the newest transaction read, or null
     */
    public record Snapshot(long requests, long retries, long rateLimited, long serverErrors, long pages, long transactions,
                           Instant newestBlockTimeSeen) {
    }

    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong retries = new AtomicLong();
    private final AtomicLong rateLimited = new AtomicLong();
    private final AtomicLong serverErrors = new AtomicLong();
    private final AtomicLong pages = new AtomicLong();
    private final AtomicLong transactions = new AtomicLong();
    private final AtomicReference<Instant> newestBlockTimeSeen = new AtomicReference<>();

    public void request() {
        requests.incrementAndGet();
    }

    public void retry() {
        retries.incrementAndGet();
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
        newestBlockTimeSeen.accumulateAndGet(blockTime, (a, b) -> a == null || b.isAfter(a) ? b : a);
    }

    public Snapshot snapshot() {
        return new Snapshot(requests.get(), retries.get(), rateLimited.get(), serverErrors.get(), pages.get(),
                transactions.get(), newestBlockTimeSeen.get());
    }
}
