package dev.starfall.ingestor;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import dev.starfall.ingestor.source.http.Endpoint;

/**
 * A snapshot of one ingestor for monitoring (the gateway renders it as Prometheus text). Counters
 * count since this instance started.
 *
 * @param sourceId               the source
 * @param state                  lifecycle state
 * @param failure                why it failed, null unless {@link Ingestor.State#FAILED}
 * @param chainTimeSeen          newest chain time read from the API (newest block time of the
 *                               wallet's transactions, or the chain head's time), null when none yet
 * @param chainTimePublished     newest chain time committed with the cursor (by any instance), null when none
 * @param ingestLag              {@code chainTimeSeen - chainTimePublished}, never negative; null when either is unknown
 * @param requests               HTTP requests, every attempt
 * @param retries                retried requests
 * @param rateLimited            429 answers (and JSON-RPC rate-limit errors)
 * @param serverErrors           5xx answers
 * @param timeouts               requests that timed out
 * @param failovers              retries sent to another endpoint than the one that failed
 * @param pages                  pages accepted
 * @param walks                  completed walks
 * @param kafkaTransactions      committed transactions carrying events
 * @param cursorOnlyTransactions committed transactions that only moved the cursor's chain time
 * @param observedPublished      {@code TransferObserved} committed
 * @param rejectedPublished      {@code TransferRejected} committed
 * @param malformedRecorded      {@code PayloadRejected} committed
 * @param endpoints              per endpoint: weight, breaker state and counters
 */
public record IngestorMetrics(String sourceId, Ingestor.State state, String failure, Instant chainTimeSeen, Instant chainTimePublished,
                              Duration ingestLag, long requests, long retries, long rateLimited, long serverErrors, long timeouts,
                              long failovers, long pages, long walks, long kafkaTransactions, long cursorOnlyTransactions,
                              long observedPublished, long rejectedPublished, long malformedRecorded, List<Endpoint.Snapshot> endpoints) {

    public IngestorMetrics {
        endpoints = List.copyOf(endpoints);
    }

    static Duration lag(Instant seen, Instant published) {
        if (seen == null || published == null) {
            return null;
        }
        Duration d = Duration.between(published, seen);
        return d.isNegative() ? Duration.ZERO : d;
    }
}
