package dev.starfall.gateway;

import java.time.Duration;
import java.time.Instant;

/**
 * What the gateway shows about an ingestor running in the same process (status and metrics). The
 * host fills it from the ingestor's own statistics; a gateway without an ingestor shows none.
 *
 * @param sourceId        the source's stable id
 * @param state           the ingestor's state name
 * @param newestSeen      newest chain time the source has read, or null
 * @param newestPublished newest block time published to Kafka, or null
 * @param eventsPublished events published by this process
 * @param requests        chain API requests
 * @param retries         retried requests
 * @param rateLimited     429 answers received
 */
public record IngestView(String sourceId, String state, Instant newestSeen, Instant newestPublished, long eventsPublished,
                         long requests, long retries, long rateLimited) {

    /** Ingest lag: how far what is published trails what has been read from the chain. */
    public Duration lag() {
        if (newestSeen == null || newestPublished == null || !newestSeen.isAfter(newestPublished)) {
            return Duration.ZERO;
        }
        return Duration.between(newestPublished, newestSeen);
    }
}
