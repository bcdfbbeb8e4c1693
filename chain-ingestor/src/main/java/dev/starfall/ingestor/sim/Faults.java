package dev.starfall.ingestor.sim;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;

/**
 * Faults the {@link SimulatorServer} injects into its next answers. Small on purpose: the next N
 * requests answered with an HTTP error (429 with FCD's {@code RATE_LIMIT_ERROR} body, 5xx with its
 * {@code API_ERROR} body), optionally with {@code Retry-After}. Thread-safe.
 */
public final class Faults {

    /** One injected answer. */
    public record Fault(int status, Duration retryAfter) {
    }

    private final Deque<Fault> queue = new ArrayDeque<>();

    /** Answers the next {@code count} requests with {@code status}. */
    public void failNext(int count, int status) {
        failNext(count, status, null);
    }

    /** Answers the next {@code count} requests with {@code status} and a {@code Retry-After} (null for none). */
    public synchronized void failNext(int count, int status, Duration retryAfter) {
        if (status < 400 || status > 599) {
            throw new IllegalArgumentException("fault status must be 4xx or 5xx, was " + status);
        }
        for (int i = 0; i < count; i++) {
            queue.addLast(new Fault(status, retryAfter));
        }
    }

    /** Faults still waiting for a request. */
    public synchronized int pending() {
        return queue.size();
    }

    public synchronized void clear() {
        queue.clear();
    }

    synchronized Optional<Fault> take() {
        return Optional.ofNullable(queue.pollFirst());
    }
}
