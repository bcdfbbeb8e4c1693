package dev.starfall.gateway;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Settings of the gateway, typed and defaulted in one place.
 *
 * @param bindHost          address the HTTP server binds to
 * @param rateLimitPerSecond sustained requests per second per client address (0 disables)
 * @param rateLimitBurst    bucket size per client address
 * @param corsOrigins       allowed origins for browsers ("*" for any); empty disables CORS headers
 * @param cacheTtl          how long a hot answer is reused before it is renewed from the stores
 * @param forwardTimeout    timeout of a forward to the instance owning a key
 * @param requestTimeout    longest time a request may take before a 503
 * @param idleTimeout       idle connections are closed after this
 * @param maxHeaderBytes    largest request header block accepted
 * @param maxBodyBytes      largest request body accepted (the API is read-only)
 * @param liveInterval      how often a live feed checks for changes
 * @param liveHeartbeat     heartbeat comment interval on live feeds
 * @param liveMaxQueueBytes a live client whose unsent bytes exceed this is dropped
 * @param benchEndpoint     mounts {@code GET /bench/bare/{bytes}}: a constant body of that many bytes with the headers
 *                          of a cached answer, sent by the same server on the same path as a kept answer (before
 *                          the router); the baseline of the read
 *                          benchmark (ops/bench), off by default
 */
public record GatewayConfig(String bindHost, long rateLimitPerSecond, long rateLimitBurst, List<String> corsOrigins,
                            Duration cacheTtl, Duration forwardTimeout, Duration requestTimeout, Duration idleTimeout,
                            int maxHeaderBytes, int maxBodyBytes, Duration liveInterval, Duration liveHeartbeat, int liveMaxQueueBytes,
                            boolean benchEndpoint) {

    public GatewayConfig {
        Objects.requireNonNull(bindHost, "bindHost");
        corsOrigins = List.copyOf(corsOrigins);
        if (rateLimitPerSecond < 0 || rateLimitBurst < 1) {
            throw new IllegalArgumentException("rate limit must be >= 0 per second with a burst >= 1");
        }
    }

    public static GatewayConfig defaults() {
        return new GatewayConfig("127.0.0.1", 200, 400, List.of("*"), Duration.ofMillis(250), Duration.ofSeconds(2),
                Duration.ofSeconds(10), Duration.ofSeconds(60), 8 * 1024, 16 * 1024, Duration.ofMillis(500), Duration.ofSeconds(15), 256 * 1024,
                false);
    }

    public GatewayConfig withBindHost(String host) {
        return new GatewayConfig(host, rateLimitPerSecond, rateLimitBurst, corsOrigins, cacheTtl, forwardTimeout, requestTimeout,
                idleTimeout, maxHeaderBytes, maxBodyBytes, liveInterval, liveHeartbeat, liveMaxQueueBytes,
                benchEndpoint);
    }

    public GatewayConfig withRateLimit(long perSecond, long burst) {
        return new GatewayConfig(bindHost, perSecond, burst, corsOrigins, cacheTtl, forwardTimeout, requestTimeout,
                idleTimeout, maxHeaderBytes, maxBodyBytes, liveInterval, liveHeartbeat, liveMaxQueueBytes,
                benchEndpoint);
    }

    public GatewayConfig withLive(Duration interval, Duration heartbeat) {
        return new GatewayConfig(bindHost, rateLimitPerSecond, rateLimitBurst, corsOrigins, cacheTtl, forwardTimeout, requestTimeout,
                idleTimeout, maxHeaderBytes, maxBodyBytes, interval, heartbeat, liveMaxQueueBytes, benchEndpoint);
    }

    /** With or without the bare benchmark endpoint ({@code GET /bench/bare/{bytes}}); never on in production. */
    public GatewayConfig withBenchEndpoint(boolean on) {
        return new GatewayConfig(bindHost, rateLimitPerSecond, rateLimitBurst, corsOrigins, cacheTtl, forwardTimeout, requestTimeout,
                idleTimeout, maxHeaderBytes, maxBodyBytes, liveInterval, liveHeartbeat, liveMaxQueueBytes, on);
    }
}
