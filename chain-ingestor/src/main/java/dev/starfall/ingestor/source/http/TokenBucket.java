package dev.starfall.ingestor.source.http;

import java.time.Duration;
import java.util.Objects;

/**
 * Token-bucket pacing: {@code ratePerSecond} tokens are added per second up to {@code burst}; each
 * request takes one. {@link #reserve()} always takes a token and says how long the caller must wait
 * before using it (zero when one was available); reservations may run into debt, so concurrent
 * callers queue up fairly instead of all waking at once. Thread-safe; time from an injected
 * {@link Ticker}, so tests never sleep.
 */
public final class TokenBucket {

    private static final double NANOS_PER_SECOND = 1_000_000_000.0;

    private final Ticker ticker;
    private double ratePerSecond;
    private double burst;
    private double tokens;
    private long lastNanos;

    /**
     * @param ratePerSecond sustained rate, greater than zero
     * @param burst         bucket size: requests that may go out at once after a quiet period (at least 1)
     */
    public TokenBucket(double ratePerSecond, int burst, Ticker ticker) {
        this.ticker = Objects.requireNonNull(ticker, "ticker");
        validate(ratePerSecond, burst);
        this.ratePerSecond = ratePerSecond;
        this.burst = burst;
        this.tokens = burst;
        this.lastNanos = ticker.nanos();
    }

    private static void validate(double ratePerSecond, int burst) {
        if (!(ratePerSecond > 0) || Double.isInfinite(ratePerSecond)) {
            throw new IllegalArgumentException("ratePerSecond must be positive and finite, was " + ratePerSecond);
        }
        if (burst < 1) {
            throw new IllegalArgumentException("burst must be at least 1, was " + burst);
        }
    }

    /** Takes a token; returns how long to wait before sending (zero when a token was there). */
    public synchronized Duration reserve() {
        refill();
        tokens -= 1;
        if (tokens >= 0) {
            return Duration.ZERO;
        }
        return Duration.ofNanos((long) Math.ceil(-tokens / ratePerSecond * NANOS_PER_SECOND));
    }

    /** Takes a token only when one is available now. */
    public synchronized boolean tryAcquire() {
        refill();
        if (tokens >= 1) {
            tokens -= 1;
            return true;
        }
        return false;
    }

    /** Tokens available now (negative while reservations are in debt). */
    public synchronized double available() {
        refill();
        return tokens;
    }

    /** Changes rate and burst while running; tokens above the new burst are dropped. */
    public synchronized void setRate(double ratePerSecond, int burst) {
        validate(ratePerSecond, burst);
        refill();
        this.ratePerSecond = ratePerSecond;
        this.burst = burst;
        this.tokens = Math.min(tokens, burst);
    }

    public synchronized double ratePerSecond() {
        return ratePerSecond;
    }

    private void refill() {
        long now = ticker.nanos();
        long elapsed = now - lastNanos;
        if (elapsed > 0) {
            tokens = Math.min(burst, tokens + elapsed / NANOS_PER_SECOND * ratePerSecond);
            lastNanos = now;
        }
    }
}
