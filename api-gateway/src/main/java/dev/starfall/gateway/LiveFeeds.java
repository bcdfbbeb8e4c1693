package dev.starfall.gateway;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;

/**
 * Server-sent events of a shower's top N. One feed per (shower, N) polls the answer (through the
 * cache, so one store read or one forward per interval however many clients listen) and pushes it
 * when its ETag changes; heartbeats keep proxies from closing idle streams. A client whose unsent
 * bytes pass the limit is dropped, never buffered without bound.
 *
 * <p>A client that accepts gzip gets a gzip stream whose events are compressed once for all the
 * feed's clients, where the server's compressor would deflate every event again for every client.
 * Each event is a piece that ends on a byte boundary and refers back only into the last event,
 * which every gzip client of the feed was sent last ({@link Gzip#flushedPiece(byte[], byte[])}),
 * so the next board, mostly the same as the last one, costs a few hundred bytes, as in a stream
 * compressed per client. A client that joins gets the last event as a piece of its own first, so
 * its stream ends the same way as the others'. Their heartbeat is an empty deflate block: bytes on
 * the wire for proxies, nothing in what the client reads, so every stream still ends with the last
 * event however long a board stays the same. Everything a feed sends after a
 * client's first line is sent from the feed's own context (one thread), so each client gets the
 * pieces in the order they were made, whichever event loop its connection is on. The server never
 * ends a live stream (a client leaves, or is dropped, with its connection), so the stream has no
 * gzip trailer, as any compressed stream cut off with its connection. Other clients get the
 * events uncompressed, and not compressed on the fly either.
 */
final class LiveFeeds implements AutoCloseable {

    private static final Buffer HEARTBEAT = Buffer.buffer(": heartbeat\n\n");
    /** A gzip client's heartbeat: an empty block, which adds nothing to what the client reads. */
    private static final Buffer GZIP_HEARTBEAT = Buffer.buffer(Gzip.flushedPiece(new byte[0]));

    /** Where a feed gets the current answer. */
    interface Source {
        Future<Answer> leaderboard(int shower, int limit);
    }

    private final Vertx vertx;
    private final GatewayConfig config;
    private final GatewayMetrics metrics;
    private final Source source;
    private final Map<String, Feed> feeds = new ConcurrentHashMap<>();
    private final LongAdder compressions = new LongAdder();

    LiveFeeds(Vertx vertx, GatewayConfig config, GatewayMetrics metrics, Source source) {
        this.vertx = vertx;
        this.config = config;
        this.metrics = metrics;
        this.source = source;
    }

    void subscribe(RoutingContext ctx, int shower, int limit) {
        HttpServerResponse response = ctx.response();
        boolean gzip = Gzip.accepted(ctx.request().getHeader(Gzip.ACCEPT_ENCODING));
        response.setChunked(true)
                .putHeader("Content-Type", "text/event-stream; charset=utf-8")
                .putHeader("Cache-Control", "no-store")
                .putHeader("X-Accel-Buffering", "no")
                // gzip: compressed here, once per event; identity: not compressed on the fly (Vert.x drops this header)
                .putHeader(HttpHeaders.CONTENT_ENCODING, gzip ? Gzip.GZIP : Gzip.IDENTITY)
                .putHeader(HttpHeaders.VARY, Gzip.ACCEPT_ENCODING)
                .setWriteQueueMaxSize(config.liveMaxQueueBytes());
        Buffer preamble = Buffer.buffer("retry: 2000\n: live top " + limit + " of shower " + shower + "\n\n");
        response.write(gzip ? Buffer.buffer(Gzip.streamHeader()).appendBytes(Gzip.flushedPiece(preamble.getBytes())) : preamble);
        String key = shower + ":" + limit;
        Feed feed = feeds.computeIfAbsent(key, k -> new Feed(key, shower, limit));
        feed.add(response, gzip);
        response.closeHandler(v -> feed.remove(response));
    }

    int clients() {
        return feeds.values().stream().mapToInt(f -> f.clients.size()).sum();
    }

    /** Leaderboard events compressed for gzip clients so far: one per event, however many clients get it. */
    long compressions() {
        return compressions.sum();
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
        /** Each client, and whether it gets gzip. */
        final Map<HttpServerResponse, Boolean> clients = new ConcurrentHashMap<>();
        final long pollTimer;
        final long heartbeatTimer;
        String lastEtag;
        /** The last event, which every gzip client's stream ends with: the dictionary of the next one's piece. */
        Buffer lastEvent;
        /**
         * The context (one event loop thread) all of the feed's sending runs on, and the only one
         * that reads or writes {@link #lastEvent} and {@link #joinPiece}: each connection gets its
         * writes in the order they were made.
         */
        private final io.vertx.core.Context context = vertx.getOrCreateContext();
        /** {@link #lastEvent} as a piece of its own, for gzip clients that join: made once per event. */
        private Buffer joinPiece;

        Feed(String key, int shower, int limit) {
            this.key = key;
            this.shower = shower;
            this.limit = limit;
            this.pollTimer = vertx.setPeriodic(0, config.liveInterval().toMillis(), id -> poll());
            this.heartbeatTimer = vertx.setPeriodic(config.liveHeartbeat().toMillis(), id -> heartbeat());
        }

        void add(HttpServerResponse client, boolean gzip) {
            context.runOnContext(v -> join(client, gzip));
        }

        private void join(HttpServerResponse client, boolean gzip) {
            clients.put(client, gzip);
            if (lastEvent == null) {
                return;
            }
            if (gzip) {
                if (joinPiece == null) {
                    joinPiece = Buffer.buffer(Gzip.flushedPiece(lastEvent.getBytes()));
                }
                send(client, joinPiece); // from here on its stream ends as every other client's
            } else {
                send(client, lastEvent);
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
            source.leaderboard(shower, limit).onSuccess(a -> context.runOnContext(v -> {
                if (a.status() != 200 || a.etag() == null || a.etag().equals(lastEtag)) {
                    return;
                }
                lastEtag = a.etag();
                Buffer event = Buffer.buffer("id: " + a.etag().replace("\"", "") + "\nevent: leaderboard\ndata: ")
                        .appendBuffer(a.body()).appendString("\n\n");
                broadcast(event);
            }));
        }

        /**
         * Sends an event to every client: as it is, or as one piece for all gzip clients, made with
         * the last event (which all their streams end with) as its dictionary.
         */
        private void broadcast(Buffer event) {
            Buffer piece = null;
            if (clients.containsValue(Boolean.TRUE)) {
                piece = Buffer.buffer(Gzip.flushedPiece(event.getBytes(), lastEvent == null ? null : lastEvent.getBytes()));
                compressions.increment();
            }
            lastEvent = event;
            joinPiece = null;
            Buffer gzipped = piece;
            clients.forEach((client, gzip) -> send(client, gzip ? gzipped : event));
        }

        private void heartbeat() {
            clients.forEach((client, gzip) -> send(client, gzip ? GZIP_HEARTBEAT : HEARTBEAT));
        }

        private void send(HttpServerResponse client, Buffer bytes) {
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
            client.write(bytes);
        }
    }
}
