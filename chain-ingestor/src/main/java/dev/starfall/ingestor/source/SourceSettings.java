package dev.starfall.ingestor.source;

import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

import dev.starfall.ingestor.source.http.EndpointPool;
import dev.starfall.ingestor.source.http.HttpApi;
import dev.starfall.ingestor.source.http.Ticker;

/**
 * What the HTTP-based sources (LCD, Solana) share: endpoints, pacing and breakers, retries,
 * timeouts, batch size, injected time and randomness. Immutable; {@code with...} returns a copy.
 *
 * @param endpoints      endpoints of one API with their weights
 * @param pacing         token bucket and breaker per endpoint
 * @param retryPolicy    retries of one request
 * @param requestTimeout timeout of each request (default 10 s)
 * @param pageLimit      results per page
 * @param batchSize      transactions per handed-over batch (one Kafka transaction)
 * @param http           shared HTTP client, null for a new default one
 * @param clock          gives {@code observedAt} and the reference for HTTP-date {@code Retry-After}
 * @param ticker         time for pacing, breakers and cool-downs
 * @param sleeper        waits
 * @param random         jitter and weighted picks
 */
public record SourceSettings(List<EndpointPool.EndpointConfig> endpoints, EndpointPool.Settings pacing, RetryPolicy retryPolicy,
                             Duration requestTimeout, int pageLimit, int batchSize, HttpClient http, Clock clock, Ticker ticker,
                             Sleeper sleeper, RandomGenerator random) {

    public SourceSettings {
        endpoints = List.copyOf(endpoints);
        Objects.requireNonNull(pacing, "pacing");
        Objects.requireNonNull(retryPolicy, "retryPolicy");
        Objects.requireNonNull(requestTimeout, "requestTimeout");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(ticker, "ticker");
        Objects.requireNonNull(sleeper, "sleeper");
        Objects.requireNonNull(random, "random");
        if (pageLimit < 1 || batchSize < 1) {
            throw new IllegalArgumentException("pageLimit and batchSize must be positive, were " + pageLimit + ", " + batchSize);
        }
    }

    /** One endpoint, defaults elsewhere: 10 req/s burst 20, {@link RetryPolicy#DEFAULT}, 10 s timeout, pages of 100, batches of 200. */
    public static SourceSettings of(String baseUrl) {
        return of(List.of(new EndpointPool.EndpointConfig("primary", baseUrl, 1)));
    }

    public static SourceSettings of(List<EndpointPool.EndpointConfig> endpoints) {
        return new SourceSettings(endpoints, EndpointPool.Settings.DEFAULT, RetryPolicy.DEFAULT, Duration.ofSeconds(10), 100, 200, null,
                Clock.systemUTC(), Ticker.SYSTEM, Sleeper.SYSTEM, new SplittableRandom());
    }

    public SourceSettings withPacing(EndpointPool.Settings p) {
        return new SourceSettings(endpoints, p, retryPolicy, requestTimeout, pageLimit, batchSize, http, clock, ticker, sleeper, random);
    }

    public SourceSettings withRetryPolicy(RetryPolicy r) {
        return new SourceSettings(endpoints, pacing, r, requestTimeout, pageLimit, batchSize, http, clock, ticker, sleeper, random);
    }

    public SourceSettings withRequestTimeout(Duration d) {
        return new SourceSettings(endpoints, pacing, retryPolicy, d, pageLimit, batchSize, http, clock, ticker, sleeper, random);
    }

    public SourceSettings withPageLimit(int n) {
        return new SourceSettings(endpoints, pacing, retryPolicy, requestTimeout, n, batchSize, http, clock, ticker, sleeper, random);
    }

    public SourceSettings withBatchSize(int n) {
        return new SourceSettings(endpoints, pacing, retryPolicy, requestTimeout, pageLimit, n, http, clock, ticker, sleeper, random);
    }

    public SourceSettings withHttpClient(HttpClient h) {
        return new SourceSettings(endpoints, pacing, retryPolicy, requestTimeout, pageLimit, batchSize, h, clock, ticker, sleeper, random);
    }

    /** Injected time for tests: the clock, the ticker and the sleeper (often one fake that moves when it "sleeps"). */
    public SourceSettings withTime(Clock c, Ticker t, Sleeper s) {
        return new SourceSettings(endpoints, pacing, retryPolicy, requestTimeout, pageLimit, batchSize, http, c, t, s, random);
    }

    public SourceSettings withRandom(RandomGenerator r) {
        return new SourceSettings(endpoints, pacing, retryPolicy, requestTimeout, pageLimit, batchSize, http, clock, ticker, sleeper, r);
    }

    /** The pool these settings describe. */
    public EndpointPool newPool() {
        return new EndpointPool(endpoints, pacing, ticker);
    }

    /** An {@link HttpApi} over {@code pool} reporting to {@code stats}. */
    public HttpApi newApi(EndpointPool pool, SourceStats stats) {
        return new HttpApi(pool, http != null ? http : HttpApi.defaultHttpClient(), retryPolicy, sleeper, random, requestTimeout, clock,
                stats);
    }
}
