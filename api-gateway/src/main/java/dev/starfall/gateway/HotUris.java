package dev.starfall.gateway;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Request URIs whose answer the gateway sends before its router: each URI a valid request of a hot
 * route was made with, mapped to the cache key of its answer and to its route's metrics. A route
 * adds a URI only once the request passed its checks, and the key is a function of the URI alone
 * (the route parses the same URI the same way every time), so a URI found here is one the route
 * would answer from that key: {@code /api/v1/showers/22/leaderboard?limit=100} and
 * {@code /api/v1/showers/22/leaderboard} both name the key of the top 100.
 *
 * <p>Bounded: when it holds {@code max} URIs it is emptied, and the URIs asked for again come back
 * through their routes, one request each.
 */
final class HotUris {

    /** The cache key of a URI's answer, and the route that answers it. */
    record Hot(String key, GatewayMetrics.Route route) {
    }

    private final ConcurrentHashMap<String, Hot> uris = new ConcurrentHashMap<>();
    private final int max;

    HotUris(int max) {
        if (max < 1) {
            throw new IllegalArgumentException("max must be positive: " + max);
        }
        this.max = max;
    }

    /** The key and route of {@code uri}, or null when no valid request came with it (or it was dropped). */
    Hot get(String uri) {
        return uris.get(uri);
    }

    /** Notes that a valid request with {@code uri} is answered from {@code key} by {@code route}. */
    void put(String uri, String key, GatewayMetrics.Route route) {
        if (uris.containsKey(uri)) {
            return;
        }
        if (uris.size() >= max) {
            uris.clear();
        }
        uris.put(uri, new Hot(key, route));
    }

    int size() {
        return uris.size();
    }
}
