package dev.starfall.ingestor;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * Every setting of the {@link Ingestor}, typed, defaulted and validated in one place.
 *
 * @param bootstrapServers      Kafka bootstrap servers (required)
 * @param pollInterval          wait between walks once caught up (default 1 s: a new transfer is read within a second; a walk that finds nothing new costs two requests)
 * @param failureBackoff        wait after a walk failed with a retriable error before walking again (default 5 s)
 * @param progressLogInterval   how often a backfill logs its progress at INFO (default 5 s)
 * @param startupTimeout        bound on initialising transactions and reading the cursor (default 60 s)
 * @param closeTimeout          how long {@link Ingestor#close()} waits for the current batch (default 30 s)
 * @param transactionalIdPrefix prefix of the producer's {@code transactional.id}, followed by the source id
 *                              (default {@code starfall-ingestor-})
 * @param producerOverrides     extra Kafka producer settings; idempotence and {@code acks=all} stay on
 * @param cursorHeartbeat       when caught up and the chain head moved, the least time between two
 *                              cursor-only transactions that carry the head's time downstream (default 5 s)
 * @param rawBodyLimit          characters of an unparseable body kept in its {@code PayloadRejected} record
 *                              (default 256 Ki)
 * @param maxTransactionEvents  most events in one Kafka transaction when batches handed over while the previous
 *                              transaction was committing are merged into one (default 5,000; see {@code PublishQueue})
 */
public record IngestorConfig(String bootstrapServers, Duration pollInterval, Duration failureBackoff, Duration progressLogInterval,
                             Duration startupTimeout, Duration closeTimeout, String transactionalIdPrefix,
                             Map<String, String> producerOverrides, Duration cursorHeartbeat, int rawBodyLimit,
                             int maxTransactionEvents) {

    public IngestorConfig {
        if (bootstrapServers == null || bootstrapServers.isBlank()) {
            throw new IllegalArgumentException("bootstrapServers is required");
        }
        positive(pollInterval, "pollInterval");
        positive(failureBackoff, "failureBackoff");
        positive(progressLogInterval, "progressLogInterval");
        positive(startupTimeout, "startupTimeout");
        positive(closeTimeout, "closeTimeout");
        positive(cursorHeartbeat, "cursorHeartbeat");
        Objects.requireNonNull(transactionalIdPrefix, "transactionalIdPrefix");
        producerOverrides = Map.copyOf(producerOverrides);
        if (rawBodyLimit < 1024) {
            throw new IllegalArgumentException("rawBodyLimit must be at least 1024 characters, was " + rawBodyLimit);
        }
        if (maxTransactionEvents < 1) {
            throw new IllegalArgumentException("maxTransactionEvents must be positive, was " + maxTransactionEvents);
        }
    }

    /** Defaults for everything but the bootstrap servers. */
    public static IngestorConfig defaults(String bootstrapServers) {
        return new IngestorConfig(bootstrapServers, Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofSeconds(5),
                Duration.ofSeconds(60), Duration.ofSeconds(30), "starfall-ingestor-", Map.of(), Duration.ofSeconds(5), 256 * 1024,
                5_000);
    }

    public IngestorConfig withPollInterval(Duration d) {
        return new IngestorConfig(bootstrapServers, d, failureBackoff, progressLogInterval, startupTimeout, closeTimeout,
                transactionalIdPrefix, producerOverrides, cursorHeartbeat, rawBodyLimit, maxTransactionEvents);
    }

    public IngestorConfig withFailureBackoff(Duration d) {
        return new IngestorConfig(bootstrapServers, pollInterval, d, progressLogInterval, startupTimeout, closeTimeout,
                transactionalIdPrefix, producerOverrides, cursorHeartbeat, rawBodyLimit, maxTransactionEvents);
    }

    public IngestorConfig withProgressLogInterval(Duration d) {
        return new IngestorConfig(bootstrapServers, pollInterval, failureBackoff, d, startupTimeout, closeTimeout,
                transactionalIdPrefix, producerOverrides, cursorHeartbeat, rawBodyLimit, maxTransactionEvents);
    }

    public IngestorConfig withProducerOverrides(Map<String, String> overrides) {
        return new IngestorConfig(bootstrapServers, pollInterval, failureBackoff, progressLogInterval, startupTimeout, closeTimeout,
                transactionalIdPrefix, overrides, cursorHeartbeat, rawBodyLimit, maxTransactionEvents);
    }

    public IngestorConfig withCursorHeartbeat(Duration d) {
        return new IngestorConfig(bootstrapServers, pollInterval, failureBackoff, progressLogInterval, startupTimeout, closeTimeout,
                transactionalIdPrefix, producerOverrides, d, rawBodyLimit, maxTransactionEvents);
    }

    public IngestorConfig withRawBodyLimit(int characters) {
        return new IngestorConfig(bootstrapServers, pollInterval, failureBackoff, progressLogInterval, startupTimeout, closeTimeout,
                transactionalIdPrefix, producerOverrides, cursorHeartbeat, characters, maxTransactionEvents);
    }

    public IngestorConfig withMaxTransactionEvents(int events) {
        return new IngestorConfig(bootstrapServers, pollInterval, failureBackoff, progressLogInterval, startupTimeout, closeTimeout,
                transactionalIdPrefix, producerOverrides, cursorHeartbeat, rawBodyLimit, events);
    }

    /** The producer's transactional id for a source. */
    public String transactionalId(String sourceId) {
        return transactionalIdPrefix + sourceId;
    }

    private static void positive(Duration d, String name) {
        if (d == null || d.isZero() || d.isNegative()) {
            throw new IllegalArgumentException(name + " must be a positive duration, was " + d);
        }
    }
}
