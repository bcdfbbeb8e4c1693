package dev.starfall.ingestor.source;

import java.time.Duration;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * Exponential backoff with jitter and a bounded number of attempts. The delay before retry
 * {@code n} (1-based) is {@code min(maxDelay, initialDelay * multiplier^(n-1))}, of which a random
 * half is taken off ("equal jitter") so that many clients do not retry in step. A server's
 * {@code Retry-After} raises the delay, capped at {@code maxRetryAfter}.
 *
 * @param maxAttempts   attempts in all, including the first (at least 1)
 * @param initialDelay  delay before the first retry
 * @param maxDelay      upper bound of the exponential delay
 * @param multiplier    growth factor per retry (at least 1)
 * @param maxRetryAfter upper bound for a server-sent {@code Retry-After}
 */
public record RetryPolicy(int maxAttempts, Duration initialDelay, Duration maxDelay, double multiplier, Duration maxRetryAfter) {

    /** 6 attempts, 500 ms doubling up to 30 s, Retry-After honoured up to 60 s. */
    public static final RetryPolicy DEFAULT = new RetryPolicy(6, Duration.ofMillis(500), Duration.ofSeconds(30), 2.0, Duration.ofSeconds(60));

    public RetryPolicy {
        Objects.requireNonNull(initialDelay, "initialDelay");
        Objects.requireNonNull(maxDelay, "maxDelay");
        Objects.requireNonNull(maxRetryAfter, "maxRetryAfter");
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1, was " + maxAttempts);
        }
        if (initialDelay.isNegative() || maxDelay.compareTo(initialDelay) < 0) {
            throw new IllegalArgumentException("need 0 <= initialDelay <= maxDelay, was " + initialDelay + " and " + maxDelay);
        }
        if (!(multiplier >= 1.0)) {
            throw new IllegalArgumentException("multiplier must be at least 1, was " + multiplier);
        }
    }

    /** The delay before retry {@code retry} (1-based), jittered with {@code random}. */
    public Duration delayBefore(int retry, Duration retryAfter, RandomGenerator random) {
        if (retry < 1) {
            throw new IllegalArgumentException("retry is 1-based, was " + retry);
        }
        double exponential = initialDelay.toMillis() * Math.pow(multiplier, retry - 1);
        long capped = (long) Math.min(maxDelay.toMillis(), exponential);
        long half = capped / 2;
        long jittered = capped - half + (half > 0 ? random.nextLong(half + 1) : 0);
        long millis = jittered;
        if (retryAfter != null) {
            millis = Math.max(millis, Math.min(retryAfter.toMillis(), maxRetryAfter.toMillis()));
        }
        return Duration.ofMillis(millis);
    }
}
