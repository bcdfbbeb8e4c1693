package dev.starfall.ingestor.source.http;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One API endpoint of an {@link EndpointPool}: its base URL, pacing bucket, circuit breaker, a
 * cool-down set by the server's {@code Retry-After}, and its counters. Thread-safe.
 */
public final class Endpoint {

    /**
     * Counters and state of one endpoint at one moment (the gateway renders these as metrics).
     *
     * @param name          endpoint name
     * @param baseUrl       base URL
     * @param weight        current share of traffic (0 = only when others fail)
     * @param breaker       breaker state
     * @param breakerOpened times the breaker opened
     * @param requests      requests sent
     * @param successes     answers that were usable
     * @param rateLimited   HTTP 429 answers (or JSON-RPC rate-limit errors)
     * @param serverErrors  HTTP 5xx answers
     * @param timeouts      requests that timed out
     * @param ioErrors      other I/O failures
     * @param failoversAway retries that went to another endpoint after this one failed
     */
    public record Snapshot(String name, String baseUrl, int weight, CircuitBreaker.State breaker, long breakerOpened,
                           long requests, long successes, long rateLimited, long serverErrors, long timeouts, long ioErrors,
                           long failoversAway) {
    }

    private final String name;
    private final String baseUrl;
    private final TokenBucket bucket;
    private final CircuitBreaker breaker;
    private final Ticker ticker;
    private final AtomicLong coolDownUntil;
    final AtomicLong requests = new AtomicLong();
    final AtomicLong successes = new AtomicLong();
    final AtomicLong rateLimited = new AtomicLong();
    final AtomicLong serverErrors = new AtomicLong();
    final AtomicLong timeouts = new AtomicLong();
    final AtomicLong ioErrors = new AtomicLong();
    final AtomicLong failoversAway = new AtomicLong();

    Endpoint(String name, String baseUrl, TokenBucket bucket, CircuitBreaker breaker, Ticker ticker) {
        this.name = Objects.requireNonNull(name, "name");
        this.baseUrl = normalise(baseUrl);
        this.bucket = Objects.requireNonNull(bucket, "bucket");
        this.breaker = Objects.requireNonNull(breaker, "breaker");
        this.ticker = Objects.requireNonNull(ticker, "ticker");
        this.coolDownUntil = new AtomicLong(ticker.nanos());
    }

    /** Strips trailing slashes and checks the URL is {@code http(s)://host[:port][/path]}. */
    static String normalise(String baseUrl) {
        Objects.requireNonNull(baseUrl, "baseUrl");
        String url = baseUrl;
        while (url.endsWith("/")) {
            url = url.substring(0, url.length() - 1);
        }
        URI uri = URI.create(url);
        if (uri.getHost() == null || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))) {
            throw new IllegalArgumentException("endpoint base URL must be http(s)://host[:port], was " + baseUrl);
        }
        return url;
    }

    public String name() {
        return name;
    }

    public String baseUrl() {
        return baseUrl;
    }

    public CircuitBreaker breaker() {
        return breaker;
    }

    public TokenBucket bucket() {
        return bucket;
    }

    /** Honours a server's {@code Retry-After}: no request to this endpoint before {@code d} from now. */
    public void coolDown(Duration d) {
        long until = ticker.nanos() + d.toNanos();
        coolDownUntil.accumulateAndGet(until, Math::max);
    }

    /** Time left of the cool-down, zero when none. */
    public Duration coolDownLeft() {
        return Duration.ofNanos(Math.max(0, coolDownUntil.get() - ticker.nanos()));
    }

    /** Takes a pacing token; returns how long to wait before sending (cool-down included). */
    public Duration reserve() {
        Duration token = bucket.reserve();
        Duration cool = coolDownLeft();
        return token.compareTo(cool) >= 0 ? token : cool;
    }

    /** Records the outcome of one answer by its HTTP status (0 for none). */
    void answered(int status) {
        if (status == 429) {
            rateLimited.incrementAndGet();
        } else if (status >= 500) {
            serverErrors.incrementAndGet();
        }
    }

    Snapshot snapshot(int weight) {
        return new Snapshot(name, baseUrl, weight, breaker.state(), breaker.timesOpened(), requests.get(), successes.get(),
                rateLimited.get(), serverErrors.get(), timeouts.get(), ioErrors.get(), failoversAway.get());
    }

    @Override
    public String toString() {
        return name + "(" + baseUrl + ")";
    }
}
