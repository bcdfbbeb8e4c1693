package dev.starfall.ingestor.source.http;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.random.RandomGenerator;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Several endpoints of one API with a weighted split of the traffic, failover and per-endpoint
 * pacing and circuit breakers (the JUP airdrop split RPC traffic 50/50 between two providers and
 * moved the split while running: {@link #setWeights(Map)} for the whole split, {@link #setWeight}
 * for one endpoint).
 *
 * <p>{@link #pick(RandomGenerator, Endpoint)} draws an endpoint at random by weight among those
 * whose breaker lets a request through and that are not cooling down after a {@code Retry-After};
 * the endpoint that just failed is avoided when another one can take the request (a failover).
 * Weight 0 means "only when every weighted endpoint is unavailable". When every breaker is open the
 * pick says how long to wait for the first to let a probe through. Thread-safe: picks read the
 * current split without locking; changes of the split are serialised, so none is lost.
 */
public final class EndpointPool {

    private static final Logger log = LoggerFactory.getLogger(EndpointPool.class);

    /**
     * One endpoint's settings.
     *
     * @param name    short name for logs and metrics, unique in the pool
     * @param baseUrl base URL without the API path
     * @param weight  share of traffic (relative; 0 = failover only)
     */
    public record EndpointConfig(String name, String baseUrl, int weight) {
        public EndpointConfig {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(baseUrl, "baseUrl");
            if (weight < 0) {
                throw new IllegalArgumentException("weight of " + name + " must be non-negative, was " + weight);
            }
        }
    }

    /**
     * Pacing and breaker settings shared by the pool's endpoints.
     *
     * @param ratePerSecond sustained requests per second per endpoint
     * @param burst         requests that may go at once per endpoint
     * @param breaker       circuit breaker settings per endpoint
     */
    public record Settings(double ratePerSecond, int burst, CircuitBreaker.Config breaker) {
        /** 10 requests/s with bursts of 20 (public FCD/LCD allowed about 40/s); breaker 5 failures, 30 s. */
        public static final Settings DEFAULT = new Settings(10, 20, CircuitBreaker.Config.DEFAULT);

        public Settings {
            Objects.requireNonNull(breaker, "breaker");
            if (!(ratePerSecond > 0) || burst < 1) {
                throw new IllegalArgumentException("need ratePerSecond > 0 and burst >= 1, was " + ratePerSecond + ", " + burst);
            }
        }
    }

    /**
     * The outcome of a pick: an endpoint whose breaker let the request through, or none and how
     * long until one might.
     */
    public record Pick(Endpoint endpoint, Duration waitForBreaker) {
        public boolean found() {
            return endpoint != null;
        }
    }

    /**
     * The pool at one moment.
     *
     * @param endpoints each endpoint's counters
     * @param failovers retries that went to another endpoint than the one that failed
     */
    public record Snapshot(List<Endpoint.Snapshot> endpoints, long failovers) {
        public Snapshot {
            endpoints = List.copyOf(endpoints);
        }
    }

    private final List<Endpoint> endpoints;
    private final AtomicLong failovers = new AtomicLong();
    private volatile Map<String, Integer> weights;

    public EndpointPool(List<EndpointConfig> configs, Settings settings, Ticker ticker) {
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(ticker, "ticker");
        if (configs.isEmpty()) {
            throw new IllegalArgumentException("at least one endpoint is needed");
        }
        List<Endpoint> list = new ArrayList<>();
        Map<String, Integer> w = new LinkedHashMap<>();
        for (EndpointConfig c : configs) {
            if (w.containsKey(c.name())) {
                throw new IllegalArgumentException("endpoint name " + c.name() + " used twice");
            }
            list.add(new Endpoint(c.name(), c.baseUrl(), new TokenBucket(settings.ratePerSecond(), settings.burst(), ticker),
                    new CircuitBreaker(settings.breaker(), ticker), ticker));
            w.put(c.name(), c.weight());
        }
        checkWeights(w);
        this.endpoints = Collections.unmodifiableList(list);
        this.weights = Collections.unmodifiableMap(w);
    }

    /** A pool of one endpoint named {@code primary}. */
    public static EndpointPool single(String baseUrl, Settings settings, Ticker ticker) {
        return new EndpointPool(List.of(new EndpointConfig("primary", baseUrl, 1)), settings, ticker);
    }

    public List<Endpoint> endpoints() {
        return endpoints;
    }

    /** The first endpoint (names the source in logs and events when nothing else does). */
    public Endpoint primary() {
        return endpoints.get(0);
    }

    public Map<String, Integer> weights() {
        return weights;
    }

    /**
     * Changes the split while running. Every endpoint of the pool must be named; weights are
     * non-negative and at least one is positive. Takes effect from the next pick.
     */
    public synchronized void setWeights(Map<String, Integer> newWeights) {
        Map<String, Integer> w = new LinkedHashMap<>();
        for (Endpoint e : endpoints) {
            Integer value = newWeights.get(e.name());
            if (value == null) {
                throw new IllegalArgumentException("no weight for endpoint " + e.name() + " in " + newWeights);
            }
            w.put(e.name(), value);
        }
        if (newWeights.size() != w.size()) {
            throw new IllegalArgumentException("unknown endpoints in " + newWeights + "; the pool has " + w.keySet());
        }
        checkWeights(w);
        weights = Collections.unmodifiableMap(w);
        log.info("Endpoint weights now {}", w);
    }

    /**
     * Changes one endpoint's weight while running, keeping the others'. The weight is non-negative
     * (0: only when every weighted endpoint is unavailable), and at least one endpoint must keep a
     * positive weight. Takes effect from the next pick.
     *
     * @throws IllegalArgumentException for an unknown endpoint or a weight that leaves no traffic;
     *                                  the split is then unchanged
     */
    public synchronized void setWeight(String endpoint, int weight) {
        Objects.requireNonNull(endpoint, "endpoint");
        if (!weights.containsKey(endpoint)) {
            throw new IllegalArgumentException("unknown endpoint " + endpoint + "; the pool has " + weights.keySet());
        }
        Map<String, Integer> w = new LinkedHashMap<>(weights);
        w.put(endpoint, weight);
        checkWeights(w);
        weights = Collections.unmodifiableMap(w);
        log.info("Endpoint {} weight now {}; weights {}", endpoint, weight, w);
    }

    private static void checkWeights(Map<String, Integer> w) {
        int sum = 0;
        for (Map.Entry<String, Integer> e : w.entrySet()) {
            if (e.getValue() < 0) {
                throw new IllegalArgumentException("weight of " + e.getKey() + " must be non-negative, was " + e.getValue());
            }
            sum += e.getValue();
        }
        if (sum <= 0) {
            throw new IllegalArgumentException("at least one endpoint needs a positive weight: " + w);
        }
    }

    /**
     * Picks the endpoint for the next request.
     *
     * @param random     draws by weight
     * @param justFailed the endpoint of the previous, failed attempt of the same request, or null;
     *                   avoided when another endpoint is available, which counts as a failover
     */
    public Pick pick(RandomGenerator random, Endpoint justFailed) {
        Map<String, Integer> w = weights;
        for (int round = 0; round < 4; round++) {
            List<Endpoint> open = new ArrayList<>();
            for (Endpoint e : endpoints) {
                if (e.breaker().wouldAllow()) {
                    open.add(e);
                }
            }
            if (open.isEmpty()) {
                Duration wait = null;
                for (Endpoint e : endpoints) {
                    Duration left = e.breaker().remainingOpen();
                    if (wait == null || left.compareTo(wait) < 0) {
                        wait = left;
                    }
                }
                return new Pick(null, wait);
            }
            Endpoint chosen = choose(open, w, random, justFailed);
            if (chosen.breaker().tryAcquire()) {
                if (justFailed != null && chosen != justFailed) {
                    failovers.incrementAndGet();
                    justFailed.failoversAway.incrementAndGet();
                    log.debug("Failing over from {} to {}", justFailed, chosen);
                }
                return new Pick(chosen, Duration.ZERO);
            }
        }
        return new Pick(null, Duration.ofMillis(1));
    }

    /** Prefers: not the one that just failed, not cooling down, positive weight; draws by weight. */
    private static Endpoint choose(List<Endpoint> candidates, Map<String, Integer> w, RandomGenerator random, Endpoint justFailed) {
        List<Endpoint> pool = candidates;
        if (justFailed != null && pool.size() > 1) {
            List<Endpoint> others = new ArrayList<>(pool);
            others.remove(justFailed);
            pool = others;
        }
        List<Endpoint> ready = pool.stream().filter(e -> e.coolDownLeft().isZero()).toList();
        if (!ready.isEmpty()) {
            pool = ready;
        }
        List<Endpoint> weighted = pool.stream().filter(e -> w.get(e.name()) > 0).toList();
        if (weighted.isEmpty()) {
            // only failover endpoints (weight 0) are left: share evenly
            return pool.get(pool.size() == 1 ? 0 : random.nextInt(pool.size()));
        }
        int total = 0;
        for (Endpoint e : weighted) {
            total += w.get(e.name());
        }
        int r = random.nextInt(total);
        for (Endpoint e : weighted) {
            r -= w.get(e.name());
            if (r < 0) {
                return e;
            }
        }
        return weighted.get(weighted.size() - 1);
    }

    public Snapshot snapshot() {
        Map<String, Integer> w = weights;
        List<Endpoint.Snapshot> list = new ArrayList<>();
        for (Endpoint e : endpoints) {
            list.add(e.snapshot(w.get(e.name())));
        }
        return new Snapshot(list, failovers.get());
    }
}
