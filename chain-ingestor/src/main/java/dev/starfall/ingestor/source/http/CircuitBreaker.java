package dev.starfall.ingestor.source.http;

import java.time.Duration;
import java.util.Objects;

/**
 * A circuit breaker for one endpoint.
 *
 * <ul>
 *   <li>{@link State#CLOSED}: requests pass; {@code failureThreshold} consecutive failures open it.</li>
 *   <li>{@link State#OPEN}: requests are refused for {@code openDuration}, then it is half-open.</li>
 *   <li>{@link State#HALF_OPEN}: one probe request passes; its success closes the breaker, its
 *       failure opens it again for another {@code openDuration}.</li>
 * </ul>
 * A "failure" is what says the endpoint is unhealthy: 429, 5xx, I/O error, timeout (the caller
 * decides). Thread-safe; time from an injected {@link Ticker}.
 */
public final class CircuitBreaker {

    /** Breaker states. */
    public enum State { CLOSED, OPEN, HALF_OPEN }

    /**
     * @param failureThreshold consecutive failures that open the breaker (at least 1)
     * @param openDuration     how long it stays open before a probe is let through
     */
    public record Config(int failureThreshold, Duration openDuration) {
        /** 5 consecutive failures open it for 30 s. */
        public static final Config DEFAULT = new Config(5, Duration.ofSeconds(30));

        public Config {
            Objects.requireNonNull(openDuration, "openDuration");
            if (failureThreshold < 1) {
                throw new IllegalArgumentException("failureThreshold must be at least 1, was " + failureThreshold);
            }
            if (openDuration.isNegative() || openDuration.isZero()) {
                throw new IllegalArgumentException("openDuration must be positive, was " + openDuration);
            }
        }
    }

    private final Config config;
    private final Ticker ticker;
    private State state = State.CLOSED;
    private int consecutiveFailures;
    private long openedAtNanos;
    private boolean probeInFlight;
    private long timesOpened;

    public CircuitBreaker(Config config, Ticker ticker) {
        this.config = Objects.requireNonNull(config, "config");
        this.ticker = Objects.requireNonNull(ticker, "ticker");
    }

    public Config config() {
        return config;
    }

    /** The state now (an open breaker whose time is up reports half-open). */
    public synchronized State state() {
        advance();
        return state;
    }

    /** Whether a request would be let through now, without taking the half-open probe. */
    public synchronized boolean wouldAllow() {
        advance();
        return state == State.CLOSED || (state == State.HALF_OPEN && !probeInFlight);
    }

    /** Asks to send a request: true when it may go (in half-open, the caller holds the one probe). */
    public synchronized boolean tryAcquire() {
        advance();
        switch (state) {
            case CLOSED:
                return true;
            case HALF_OPEN:
                if (probeInFlight) {
                    return false;
                }
                probeInFlight = true;
                return true;
            default:
                return false;
        }
    }

    /** How long until an open breaker lets a probe through; zero when not open. */
    public synchronized Duration remainingOpen() {
        advance();
        if (state != State.OPEN) {
            return Duration.ZERO;
        }
        long left = openedAtNanos + config.openDuration().toNanos() - ticker.nanos();
        return Duration.ofNanos(Math.max(0, left));
    }

    /** The endpoint answered properly: closes the breaker. */
    public synchronized void onSuccess() {
        consecutiveFailures = 0;
        probeInFlight = false;
        state = State.CLOSED;
    }

    /** The endpoint failed (429, 5xx, I/O, timeout). */
    public synchronized void onFailure() {
        advance();
        probeInFlight = false;
        if (state == State.HALF_OPEN) {
            open();
            return;
        }
        if (state == State.CLOSED && ++consecutiveFailures >= config.failureThreshold()) {
            open();
        }
    }

    /** The request ended without saying anything about the endpoint's health (e.g. a fatal 4xx): frees the probe. */
    public synchronized void onNeutral() {
        probeInFlight = false;
    }

    /** How many times the breaker has opened. */
    public synchronized long timesOpened() {
        return timesOpened;
    }

    private void open() {
        state = State.OPEN;
        openedAtNanos = ticker.nanos();
        consecutiveFailures = 0;
        timesOpened++;
    }

    private void advance() {
        if (state == State.OPEN && ticker.nanos() - openedAtNanos >= config.openDuration().toNanos()) {
            state = State.HALF_OPEN;
            probeInFlight = false;
        }
    }
}
