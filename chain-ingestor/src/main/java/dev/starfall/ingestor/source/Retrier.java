package dev.starfall.ingestor.source;

import java.io.IOException;
import java.time.Duration;
import java.util.Objects;
import java.util.random.RandomGenerator;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one call with {@link RetryPolicy}: retriable failures (as {@link Failures} decides) are
 * tried again after a jittered exponential delay, fatal ones are thrown at once. Sleeper and
 * randomness are injected. Not thread-safe (the random generator is not).
 */
public final class Retrier {

    private static final Logger log = LoggerFactory.getLogger(Retrier.class);

    /** One attempt of the call. */
    @FunctionalInterface
    public interface Attempt<T> {
        T run() throws IOException, InterruptedException;
    }

    /** Told about each retry before its delay. */
    @FunctionalInterface
    public interface Listener {
        void retrying(int retry, Duration delay, SourceException cause);
    }

    private final RetryPolicy policy;
    private final Sleeper sleeper;
    private final RandomGenerator random;

    public Retrier(RetryPolicy policy, Sleeper sleeper, RandomGenerator random) {
        this.policy = Objects.requireNonNull(policy, "policy");
        this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
        this.random = Objects.requireNonNull(random, "random");
    }

    public RetryPolicy policy() {
        return policy;
    }

    /**
     * Runs {@code attempt} until it succeeds, fails fatally, or {@link RetryPolicy#maxAttempts()} is
     * used up ({@link SourceException} with {@code retriable() == true}).
     *
     * @param source  endpoint name for errors
     * @param request what is being called, for errors and logs
     */
    public <T> T call(String source, String request, Attempt<T> attempt, Listener listener) throws InterruptedException {
        for (int n = 1; ; n++) {
            SourceException failure;
            try {
                return attempt.run();
            } catch (SourceException e) {
                failure = e;
            } catch (IOException e) {
                failure = Failures.io(source, request, e);
            }
            if (!failure.retriable()) {
                throw failure;
            }
            if (n >= policy.maxAttempts()) {
                throw Failures.exhausted(source, request, n, failure);
            }
            Duration delay = policy.delayBefore(n, failure.retryAfter().orElse(null), random);
            listener.retrying(n, delay, failure);
            log.debug("Retry {} of {} in {} ms: {}", n, request, delay.toMillis(), failure.getMessage());
            sleeper.sleep(delay);
        }
    }
}
