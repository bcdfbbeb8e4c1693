package dev.starfall.ingestor.sim;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Objects;
import java.util.Optional;

/**
 * Faults the {@link SimulatorServer} injects into its next answers to history requests (FCD
 * {@code /v1/txs}; Solana {@code getSignaturesForAddress} and {@code getTransaction}); chain-head
 * requests are never faulted. Queued in order, one per request. Thread-safe.
 *
 * <ul>
 *   <li>{@link Kind#STATUS}: an HTTP error (429 with FCD's {@code RATE_LIMIT_ERROR} body or a
 *       JSON-RPC 429 error, 5xx with {@code API_ERROR}), optionally with {@code Retry-After} in
 *       seconds or as an HTTP-date;</li>
 *   <li>{@link Kind#SLOW}: the right answer, {@code delay} late (a delay beyond the client's
 *       timeout is a timeout);</li>
 *   <li>{@link Kind#MALFORMED}: HTTP 200 with a body cut in the middle;</li>
 *   <li>{@link Kind#REPEAT_PAGE}: the previous history page served again instead of the one asked
 *       for (a stale cache): the previous FCD page; on JSON-RPC the previous answer to the same
 *       method, for {@code getSignaturesForAddress} the previous page of the same address (none
 *       yet: the right answer).</li>
 * </ul>
 */
public final class Faults {

    /** What kind of fault. */
    public enum Kind { STATUS, SLOW, MALFORMED, REPEAT_PAGE }

    /**
     * One injected answer.
     *
     * @param kind             what happens
     * @param status           HTTP status of a {@link Kind#STATUS} fault
     * @param retryAfter       {@code Retry-After} to send, or null
     * @param retryAfterAsDate send {@code Retry-After} as an HTTP-date instead of seconds
     * @param delay            delay of a {@link Kind#SLOW} answer
     */
    public record Fault(Kind kind, int status, Duration retryAfter, boolean retryAfterAsDate, Duration delay) {
        public Fault {
            Objects.requireNonNull(kind, "kind");
        }

        /** The HTTP-error fault of the skeleton's API. */
        public Fault(int status, Duration retryAfter) {
            this(Kind.STATUS, status, retryAfter, false, null);
        }
    }

    private final Deque<Fault> queue = new ArrayDeque<>();

    /** Answers the next {@code count} requests with {@code status}. */
    public void failNext(int count, int status) {
        failNext(count, status, null);
    }

    /** Answers the next {@code count} requests with {@code status} and a {@code Retry-After} in seconds (null for none). */
    public void failNext(int count, int status, Duration retryAfter) {
        add(count, status, retryAfter, false);
    }

    /** Answers the next {@code count} requests with 429 and a {@code Retry-After} as an HTTP-date {@code retryAfter} from now. */
    public void rateLimitNextWithDate(int count, Duration retryAfter) {
        add(count, 429, Objects.requireNonNull(retryAfter, "retryAfter"), true);
    }

    private synchronized void add(int count, int status, Duration retryAfter, boolean asDate) {
        if (status < 400 || status > 599) {
            throw new IllegalArgumentException("fault status must be 4xx or 5xx, was " + status);
        }
        for (int i = 0; i < count; i++) {
            queue.addLast(new Fault(Kind.STATUS, status, retryAfter, asDate, null));
        }
    }

    /** Answers the next {@code count} requests correctly but {@code delay} late. */
    public synchronized void slowNext(int count, Duration delay) {
        if (delay.isNegative()) {
            throw new IllegalArgumentException("delay must not be negative, was " + delay);
        }
        for (int i = 0; i < count; i++) {
            queue.addLast(new Fault(Kind.SLOW, 200, null, false, delay));
        }
    }

    /** Answers the next request with a truncated (unparseable) body and HTTP 200. */
    public synchronized void malformedNext() {
        queue.addLast(new Fault(Kind.MALFORMED, 200, null, false, null));
    }

    /** Answers the next request with the previously served history page (once). */
    public synchronized void repeatPageNext() {
        queue.addLast(new Fault(Kind.REPEAT_PAGE, 200, null, false, null));
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
