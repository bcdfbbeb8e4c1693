package dev.starfall.ingestor;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * Every setting of the {@link Ingestor}, typed, defaulted and validated in one place.
 *
 * @param bootstrapServers      Kafka bootstrap servers (required)
 * @param pollInterval          wait between walks once caught up (default 5 s)
 * @param failureBackoff        wait after a walk failed with a retriable error before walking again (default 5 s)
 * @param progressLogInterval   how often a backfill logs its progress at INFO (default 5 s)
 * @param startupTimeout        bound on initialising transactions and reading the cursor (default 60 s)
 * @param closeTimeout          how long {@link Ingestor#close()} waits for the current batch (default 30 s)
 * @param transactionalIdPrefix prefix of the producer's {@code transactional.id}, followed by the source id
 *                              (default {@code starfall-ingestor-})
 * @param producerOverrides     extra Kafka producer settings; idempotence and {@code acks=all} stay on
 */
public record IngestorConfig(String bootstrapServers, Duration pollInterval, Duration failureBackoff, Duration progressLogInterval,
                             Duration startupTimeout, Duration closeTimeout, String transactionalIdPrefix,
                             Map<String, String> producerOverrides) {

    public IngestorConfig {
        if (bootstrapServers == null || bootstrapServers.isBlank()) {
            throw new IllegalArgumentException("bootstrapServers is required");
        }
        positive(pollInterval, "pollInterval");
        positive(failureBackoff, "failureBackoff");
        positive(progressLogInterval, "progressLogInterval");
        positive(startupTimeout, "startupTimeout");
        positive(closeTimeout, "closeTimeout");
        Objects.requireNonNull(transactionalIdPrefix, "transactionalIdPrefix");
        producerOverrides = Map.copyOf(producerOverrides);
    }

    /** Defaults for everything but the bootstrap servers. */
    public static IngestorConfig defaults(String bootstrapServers) {
        return new IngestorConfig(bootstrapServers, Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(5),
                Duration.ofSeconds(60), Duration.ofSeconds(30), "starfall-ingestor-", Map.of());
    }

    public IngestorConfig withPollInterval(Duration d) {
        return new IngestorConfig(bootstrapServers, d, failureBackoff, progressLogInterval, startupTimeout, closeTimeout,
                transactionalIdPrefix, producerOverrides);
    }

    public IngestorConfig withFailureBackoff(Duration d) {
        return new IngestorConfig(bootstrapServers, pollInterval, d, progressLogInterval, startupTimeout, closeTimeout,
                transactionalIdPrefix, producerOverrides);
    }

    public IngestorConfig withProgressLogInterval(Duration d) {
        return new IngestorConfig(bootstrapServers, pollInterval, failureBackoff, d, startupTimeout, closeTimeout,
                transactionalIdPrefix, producerOverrides);
    }

    public IngestorConfig withProducerOverrides(Map<String, String> overrides) {
        return new IngestorConfig(bootstrapServers, pollInterval, failureBackoff, progressLogInterval, startupTimeout, closeTimeout,
                transactionalIdPrefix, overrides);
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
