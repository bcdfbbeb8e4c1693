package dev.starfall.gateway;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;

/**
 * Server-sent events of a shower's top N. One feed per (shower, N) polls the answer (through the
 * cache, so one store read or one forward per interval however many clients listen) and pushes it
 * when its ETag changes; heartbeats keep proxies from closing idle streams. A client whose unsent
 * bytes pass the limit is dropped, never buffered without bound.
 */
final class LiveFeeds implements AutoCloseable {

    /** Where a feed gets the current answer. */
    interface Source {
        Future<Answer> leaderboard(int shower, int limit);
    }

    private final Vertx vertx;
    private final GatewayConfig config;
    private final GatewayMetrics metrics;
    private final Source source;
    private final Map<String, Feed> feeds = new ConcurrentHashMap<>();

    LiveFeeds(Vertx vertx, GatewayConfig config, GatewayMetrics metrics, Source source) {
        this.vertx = vertx;
        this.config = config;
        this.metrics = metrics;
        this.source = source;
    }

    void subscribe(RoutingContext ctx, int shower, int limit) {
        HttpServerResponse response = ctx.response();
        response.setChunked(true)
                .putHeader("Content-Type", "text/event-stream; charset=utf-8")
                .putHeader("Cache-Control", "no-store")
                .putHeader("X-Accel-Buffering", "no")
                .setWriteQueueMaxSize(config.liveMaxQueueBytes());
        response.write("retry: 2000\n: live top " + limit + " of shower " + shower + "\n\n");
        String key = shower + ":" + limit;
        Feed feed = feeds.computeIfAbsent(key, k -> new Feed(key, shower, limit));
        feed.add(response);
        response.closeHandler(v -> feed.remove(response));
    }

    int clients() {
        return feeds.values().stream().mapToInt(f -> f.clients.size()).sum();
    }

    @Override
    public void close() {
        feeds.values().forEach(Feed::stop);
        feeds.clear();
    }

    private final class Feed {
        final String key;
        final int shower;
        final int limit;
        final Set<HttpServerResponse> clients = ConcurrentHashMap.newKeySet();
        final long pollTimer;
        final long heartbeatTimer;
        volatile String lastEtag;
        volatile Buffer lastEvent;

        Feed(String key, int shower, int limit) {
            this.key = key;
            this.shower = shower;
            this.limit = limit;
            this.pollTimer = vertx.setPeriodic(0, config.liveInterval().toMillis(), id -> poll());
            this.heartbeatTimer = vertx.setPeriodic(config.liveHeartbeat().toMillis(), id -> broadcast(Buffer.buffer(": heartbeat\n\n")));
        }

        void add(HttpServerResponse client) {
            clients.add(client);
            Buffer current = lastEvent;
            if (current != null) {
                send(client, current);
            }
        }

        void remove(HttpServerResponse client) {
            clients.remove(client);
            if (clients.isEmpty() && feeds.remove(key, this)) {
                stop();
            }
        }

        void stop() {
            vertx.cancelTimer(pollTimer);
            vertx.cancelTimer(heartbeatTimer);
        }

        private void poll() {
            source.leaderboard(shower, limit).onSuccess(a -> {
                if (a.status() != 200 || a.etag() == null || a.etag().equals(lastEtag)) {
                    return;
                }
                lastEtag = a.etag();
                Buffer event = Buffer.buffer("id: " + a.etag().replace("\"", "") + "\nevent: leaderboard\ndata: ")
                        .appendBuffer(a.body()).appendString("\n\n");
                lastEvent = event;
                broadcast(event);
            });
        }

        private void broadcast(Buffer event) {
            for (HttpServerResponse client : clients) {
                send(client, event);
            }
        }

        private void send(HttpServerResponse client, Buffer event) {
            if (client.closed() || client.ended()) {
                remove(client);
                return;
            }
            if (client.writeQueueFull()) {
                metrics.sseDropped.increment();
                remove(client);
                client.reset();
                return;
            }
            client.write(event);
        }
    }
}
