package dev.starfall.gateway;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

import dev.starfall.projections.CaveVersions;
import dev.starfall.projections.ProjectionsService;
import dev.starfall.projections.Stores;
import dev.starfall.projections.domain.Meteor;
import dev.starfall.projections.domain.WalletMeteorKey;
import dev.starfall.projections.query.RankSnapshots;
import dev.starfall.projections.query.ShowerReader;
import dev.starfall.projections.query.CaveReader;
import dev.starfall.projections.query.MeteorView;
import dev.starfall.projections.query.NextTierView;
import dev.starfall.projections.query.TelescopeReader;
import dev.starfall.projections.query.WalletStanding;
import dev.starfall.schemas.avro.ShowerSummary;
import dev.starfall.schemas.manifest.signing.HaltNotice;
import dev.starfall.schemas.manifest.Manifest;
import dev.starfall.schemas.manifest.ShowerSchedule;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.PoolOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP gateway, running inside the Streams process. Routes are declared as a table in
 * {@link #routes()}, one private method per handler. Key lookups go through {@link OwnerRouter};
 * hot answers come from {@link AnswerCache} as encoded bytes with an ETag; store scans run off the
 * event loop.
 */
public final class Gateway implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Gateway.class);

    /** Which instance produced the answer ({@code host:port}). */
    public static final String SERVED_BY = "X-Starfall-Served-By";
    /** Set on requests forwarded between instances; a forwarded request is never forwarded again. */
    public static final String FORWARDED = "X-Starfall-Forwarded";
    /** Present when the answer came from a standby copy that may lag the active one. */
    public static final String STALE = "X-Starfall-Stale";

    static final int DEFAULT_LIMIT = 100;
    static final int MAX_LIMIT = 1000;
    /**
     * Showers whose ranking snapshot is kept: the unclosed ones of an event and a few closed ones
     * still being read (about 80 bytes a ranked wallet: 8 MB for a shower of 100,000 wallets).
     */
    static final int RANK_SNAPSHOTS = 8;
    static final int MAX_LIVE_LIMIT = 100;
    /** Prefix of the bare benchmark endpoint ({@link GatewayConfig#benchEndpoint()}); the rest of the path is the body size. */
    public static final String BARE_PREFIX = "/bench/bare/";
    static final int MAX_BARE_BYTES = 4 * 1024 * 1024;
    private static final String JSON_TYPE = "application/json";
    /** Header names and values sent with every kept answer, encoded once (see {@link Answer#header(String)}). */
    private static final CharSequence SERVED_BY_HEADER = HttpHeaders.createOptimized(SERVED_BY);
    private static final CharSequence STALE_HEADER = HttpHeaders.createOptimized(STALE);
    private static final CharSequence JSON_TYPE_HEADER = HttpHeaders.createOptimized(JSON_TYPE);
    private static final CharSequence TRUE_HEADER = HttpHeaders.createOptimized("true");
    private static final String LEADERBOARD = "/api/v1/showers/:n/leaderboard";
    private static final String WALLET_IN_SHOWER = "/api/v1/showers/:n/wallets/:address";
    private static final String SHOWER = "/api/v1/showers/:n";
    private static final String CAVE = "/api/v1/wallets/:address";

    private final Vertx vertx;
    private final ProjectionsService projections;
    private final Manifest manifest;
    private final ShowerSchedule schedule;
    private final BigInteger minimum;
    private final GatewayConfig config;
    private final Addresses addresses;
    private final OwnerRouter owners;
    private final RankSnapshots ranks;
    private final AnswerCache cache;
    private final ClientRateLimiter rateLimiter;
    private final GatewayMetrics metrics = new GatewayMetrics();
    private final GatewayHooks hooks;
    private final java.util.concurrent.atomic.AtomicReference<Map.Entry<Optional<HaltNotice>, Answer>> eventAnswer =
            new java.util.concurrent.atomic.AtomicReference<>();
    private final WebClient peers;
    private final Answer openApiAnswer;
    private final String selfName;
    /** {@link #selfName} as sent in {@link #SERVED_BY}. */
    private final CharSequence selfNameHeader;
    private final Map<Integer, Answer> bareAnswers = new java.util.concurrent.ConcurrentHashMap<>();
    private final RouteTable table = new RouteTable();
    private final HotUris hot = new HotUris(10_000);
    private Router router;
    private final CaveParts caveParts;
    private LiveFeeds live;
    private HttpServer server;
    private long evictionTimer;

    private Gateway(Vertx vertx, ProjectionsService projections, Manifest manifest, HostInfo self, GatewayConfig config,
                    GatewayHooks hooks) {
        this.vertx = vertx;
        this.projections = projections;
        this.manifest = manifest;
        this.schedule = manifest.schedule();
        this.minimum = manifest.minimumContribution();
        this.config = config;
        this.hooks = hooks;
        this.addresses = new Addresses(manifest.event().getChain(), manifest.event().getDestinationWallet());
        this.selfName = self.host() + ":" + self.port();
        this.selfNameHeader = HttpHeaders.createOptimized(selfName);
        this.peers = WebClient.create(vertx, new WebClientOptions()
                .setConnectTimeout((int) config.forwardTimeout().toMillis())
                .setKeepAlive(true)
                .setUserAgent("starfall-gateway"), new PoolOptions().setHttp1MaxSize(64));
        this.ranks = new RankSnapshots(config.cacheTtl(), RANK_SNAPSHOTS, System::nanoTime);
        this.owners = new OwnerRouter(vertx, projections, manifest, self, peers,
                config.forwardTimeout().toMillis(), metrics, ranks);
        this.cache = new AnswerCache(config.cacheTtl(), 10_000, System::nanoTime);
        this.caveParts = new CaveParts(selfName, 10_000, projections.caveVersions());
        this.rateLimiter = new ClientRateLimiter(config.rateLimitPerSecond(), config.rateLimitBurst(), 100_000, System::nanoTime);
        this.openApiAnswer = Answer.ok(openApiDocument(), selfName, false, "public, max-age=300");
    }

    /**
     * Starts the HTTP server on {@code self}'s port; {@code self} must be the {@code host:port} the
     * Streams instance advertises as {@code application.server}.
     */
    public static Gateway start(Vertx vertx, ProjectionsService projections, Manifest manifest, HostInfo self, GatewayConfig config,
                                GatewayHooks hooks) {
        Gateway gateway = new Gateway(vertx, projections, manifest, self, config, hooks);
        gateway.router = gateway.routes();
        gateway.live = new LiveFeeds(vertx, config, gateway.metrics, gateway::liveLeaderboard);
        gateway.server = vertx.createHttpServer(new HttpServerOptions()
                        .setIdleTimeout((int) config.idleTimeout().toSeconds())
                        .setMaxHeaderSize(config.maxHeaderBytes())
                        .setMaxInitialLineLength(4096)
                        // HTTP/1.1 only on cleartext: Vert.x's upgrade of a connection to HTTP/2 (h2c) now and
                        // then garbled the first answer on it when that answer was large, most often on io_uring
                        // (ops/bench/REPORT.md, row 74). A client that asks to upgrade gets its answer in
                        // HTTP/1.1; HTTP/2 and TLS belong to the proxy in front.
                        .setHttp2ClearTextEnabled(false)
                        // on the fly only for what is not an Answer (the live feeds, errors, metrics): answers
                        // carry their own gzip form, made once (send)
                        .setCompressionSupported(true))
                .requestHandler(gateway::handle);
        gateway.server.listen(self.port(), config.bindHost()).await();
        gateway.evictionTimer = vertx.setPeriodic(60_000, id -> gateway.rateLimiter.evictIdle());
        log.info("Gateway listening on http://{}:{} (rate limit {}/s per client, cache {} ms)", config.bindHost(), self.port(),
                config.rateLimitPerSecond(), config.cacheTtl().toMillis());
        return gateway;
    }

    /** With default settings and no in-process ingestor. */
    public static Gateway start(Vertx vertx, ProjectionsService projections, Manifest manifest, HostInfo self, String bindHost) {
        return start(vertx, projections, manifest, self, GatewayConfig.defaults().withBindHost(bindHost), GatewayHooks.none());
    }

    /**
     * Every request: a fresh kept answer for a hot URI (and the bare benchmark endpoint) is sent at
     * once, before the router; anything else goes through the router. Through the router, the front
     * door and the route, a kept leaderboard took about 1 µs of the event loop besides writing it (a
     * routing context, CORS, the route table, the parameters parsed and checked, the cache key
     * built); before the router, about 0.5 µs (ops/bench/REPORT.md, row 38).
     */
    private void handle(HttpServerRequest req) {
        if (req.method() != HttpMethod.GET || !sentBeforeRouter(req)) {
            router.handle(req);
        }
    }

    /**
     * Sends the fresh kept answer of a URI in {@link #hot}, with what the front door adds to every
     * answer (CORS, the rate limit) and counted under its route, or the bare endpoint's body. False
     * when nothing was sent: the URI is not known to be valid, or its answer expired or is not
     * kept (then its route reads, renews or serves it behind, as for any request).
     */
    private boolean sentBeforeRouter(HttpServerRequest req) {
        String uri = req.uri();
        if (config.benchEndpoint() && uri.startsWith(BARE_PREFIX)) {
            bare(req); // the floor of this server, on the same path as a kept answer
            return true;
        }
        HotUris.Hot h = hot.get(uri);
        Answer a = h == null ? null : cache.fresh(h.key());
        if (a == null) {
            return false;
        }
        long start = System.nanoTime();
        cors(req);
        if (!rateLimiter.enabled() || rateLimit(req)) {
            metrics.beforeRouter.increment();
            send(req, a);
            h.route().record(req.response().getStatusCode(), System.nanoTime() - start);
        }
        return true;
    }

    /**
     * Notes that this request, valid for the route {@code template}, is answered from the cache
     * key {@code key}: later requests with the same URI get the kept answer before the router
     * ({@link #sentBeforeRouter}).
     */
    private void hot(RoutingContext ctx, String template, String key) {
        hot.put(ctx.request().uri(), key, metrics.route(template));
    }

    private Router routes() {
        Router router = Router.router(vertx);
        router.route().handler(this::frontDoor);

        // tried in this order: the hot answers first
        get(LEADERBOARD, this::leaderboard);
        get(WALLET_IN_SHOWER, this::walletInShower);
        get(SHOWER, this::showerSummary);
        get(CAVE, this::cave);
        get("/api/v1/showers", this::showers);
        get("/api/v1/telescope", this::telescope);
        get("/api/v1/showers/:n/live", this::liveFeed);
        get("/api/v1/showers/:n/digest", this::digest);
        get("/api/v1/event", ctx -> send(ctx, eventAnswer()));
        get("/api/v1/halt", this::halt);
        get("/api/v1/status", this::status);
        get("/internal/v1/caves/:address", this::closedMeteors);
        get("/internal/v1/showers/:n/standings/:address", this::standing);
        get("/health/live", this::live);
        get("/health/ready", this::ready);
        get("/metrics", this::metrics);
        get("/openapi.json", ctx -> send(ctx, openApiAnswer));

        // GET requests are dispatched by the front door itself (one router step less per request)

        router.route().last().handler(ctx -> {
            if (ctx.request().method() != HttpMethod.GET && ctx.request().method() != HttpMethod.HEAD) {
                ctx.response().putHeader("Allow", "GET, HEAD, OPTIONS");
                error(ctx, 405, "method_not_allowed", "this API is read-only; use GET");
            } else {
                error(ctx, 404, "not_found", "no route for GET " + ctx.request().path());
            }
        });
        router.route().failureHandler(ctx -> {
            int status = ctx.statusCode() > 0 ? ctx.statusCode() : 500;
            if (status >= 500 && status != 503) {
                log.error("Unhandled failure on {}", ctx.request().uri(), ctx.failure());
            }
            if (!ctx.response().ended()) {
                error(ctx, status, status == 503 ? "timeout" : "internal",
                        status == 503 ? "the request took too long; retry" : "internal error; see the gateway log");
            }
        });
        return router;
    }

    /**
     * Adds a GET route to {@link #table}, measured per route template, in one handler. Answers that
     * are awaited are bounded in time by {@link #send(RoutingContext, Future)}; every other handler
     * answers at once. An answer sent before the handler returns (a cached one) is recorded then;
     * any other (awaited, failed, or a live feed) when its body ends.
     */
    private void get(String path, Handler<RoutingContext> handler) {
        GatewayMetrics.Route measured = metrics.route(path);
        table.add(path, ctx -> {
            long start = System.nanoTime();
            try {
                handler.handle(ctx);
            } finally {
                if (ctx.response().ended()) {
                    measured.record(ctx.response().getStatusCode(), System.nanoTime() - start);
                } else {
                    ctx.addBodyEndHandler(v -> measured.record(ctx.response().getStatusCode(), System.nanoTime() - start));
                }
            }
        });
    }

    /** Runs the GET route of {@link #table} matching the path, or leaves the request to the 404/405 handler. */
    private void dispatch(RoutingContext ctx) {
        Optional<RouteTable.Match> match = table.match(ctx.normalizedPath());
        if (match.isEmpty()) {
            ctx.next();
            return;
        }
        RouteTable.Match m = match.get();
        for (int i = 0; i < m.values().length; i++) {
            ctx.pathParams().put(m.route().names()[i], m.values()[i]);
        }
        m.route().handler().handle(ctx);
    }

    // ---- cross-cutting --------------------------------------------------------------------------

    /**
     * CORS for every route, then the per-client rate limit for {@code /api/} when it is on, then a
     * GET is dispatched to its route; anything else goes on to the 404/405 handler.
     */
    private void frontDoor(RoutingContext ctx) {
        if (cors(ctx.request()) && (!rateLimiter.enabled() || rateLimit(ctx.request()))) {
            if (ctx.request().method() == HttpMethod.GET) {
                dispatch(ctx);
            } else {
                ctx.next();
            }
        }
    }

    /** False when the request was answered here (a preflight). */
    private boolean cors(HttpServerRequest req) {
        String origin = req.getHeader(HttpHeaders.ORIGIN);
        if (origin != null && !config.corsOrigins().isEmpty()
                && (config.corsOrigins().contains("*") || config.corsOrigins().contains(origin))) {
            HttpServerResponse r = req.response();
            r.putHeader("Access-Control-Allow-Origin", config.corsOrigins().contains("*") ? "*" : origin);
            r.putHeader("Vary", "Origin");
            r.putHeader("Access-Control-Expose-Headers", "ETag, Retry-After, " + SERVED_BY + ", " + STALE);
            if (req.method() == HttpMethod.OPTIONS) {
                r.putHeader("Access-Control-Allow-Methods", "GET, HEAD, OPTIONS");
                r.putHeader("Access-Control-Allow-Headers", "If-None-Match, Content-Type");
                r.putHeader("Access-Control-Max-Age", "600");
                r.setStatusCode(204).end();
                return false;
            }
        }
        return true;
    }

    /** False when the request was answered here (429); only {@code /api/} is limited. */
    private boolean rateLimit(HttpServerRequest req) {
        if (!req.path().startsWith("/api/") || req.getHeader(FORWARDED) != null) {
            return true; // a peer's forward was already counted where the client asked
        }
        String client = req.remoteAddress() == null ? "unknown" : req.remoteAddress().hostAddress();
        ClientRateLimiter.Decision d = rateLimiter.tryAcquire(client);
        if (d.allowed()) {
            return true;
        }
        metrics.rateLimited.increment();
        req.response().putHeader("Retry-After", Long.toString(d.retryAfterSeconds()));
        error(req.response(), 429, "rate_limited", "more than " + config.rateLimitPerSecond() + " requests per second from " + client
                + "; retry after " + d.retryAfterSeconds() + " s");
        return false;
    }

    // ---- handlers -------------------------------------------------------------------------------

    /**
     * The benchmark's baseline: a constant body of the size named in the path, written by the same
     * {@link #send(HttpServerRequest, Answer)} with the same headers as a cached answer, on the same
     * path as a kept answer (before the router).
     */
    private void bare(HttpServerRequest req) {
        String path = req.path();
        int bytes;
        try {
            bytes = Integer.parseInt(path.substring(BARE_PREFIX.length()));
        } catch (NumberFormatException e) {
            bytes = -1;
        }
        if (bytes < 2 || bytes > MAX_BARE_BYTES) {
            error(req.response(), 400, "bad_size", "the body size must be an integer in 2.." + MAX_BARE_BYTES + ", got '" + truncate(path) + "'");
            return;
        }
        Answer a = bareAnswers.get(bytes);
        if (a == null) {
            byte[] body = new byte[bytes];
            java.util.Arrays.fill(body, (byte) 'x');
            body[0] = '"';
            body[bytes - 1] = '"';
            a = Answer.ok(body, selfName, false, Answer.SHORT).identityOnly(); // the size asked for is the size sent
            if (bareAnswers.size() < 256) {
                bareAnswers.put(bytes, a);
            }
        }
        send(req, a);
    }

    private void live(RoutingContext ctx) {
        if (projections.isAlive()) {
            json(ctx, 200, Map.of("status", "live", "streams", projections.streams().state().name()));
        } else {
            error(ctx, 503, "not_live", "Streams state " + projections.streams().state());
        }
    }

    private void ready(RoutingContext ctx) {
        if (projections.isReady()) {
            json(ctx, 200, Map.of("status", "ready", "streams", projections.streams().state().name()));
        } else {
            ctx.response().putHeader("Retry-After", "1");
            error(ctx, 503, "not_ready", "stores not running or still restoring (Streams state " + projections.streams().state() + ")");
        }
    }

    private void status(RoutingContext ctx) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("instance", selfName);
        body.put("streams", projections.streams().state().name());
        body.put("ready", projections.isReady());
        List<Map<String, Object>> instances = new ArrayList<>();
        try {
            for (StreamsMetadata m : projections.streams().metadataForAllStreamsClients()) {
                Map<String, Object> i = new LinkedHashMap<>();
                i.put("instance", m.host() + ":" + m.port());
                i.put("stores", m.stateStoreNames());
                i.put("activePartitions", m.topicPartitions().stream().map(Object::toString).sorted().toList());
                i.put("standbyPartitions", m.standbyTopicPartitions().stream().map(Object::toString).sorted().toList());
                instances.add(i);
            }
        } catch (IllegalStateException e) {
            body.put("instancesUnavailable", e.getMessage());
        }
        body.put("instances", instances);
        List<Map<String, Object>> sources = new ArrayList<>();
        for (IngestView v : hooks.ingest().get()) {
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("source", v.sourceId());
            s.put("state", v.state());
            s.put("lagSeconds", v.lag().toMillis() / 1000.0);
            s.put("newestChainTime", v.newestSeen() == null ? null : v.newestSeen().toString());
            s.put("lastEventTime", v.newestPublished() == null ? null : v.newestPublished().toString());
            s.put("eventsPublished", v.eventsPublished());
            s.put("requests", v.requests());
            s.put("retries", v.retries());
            s.put("rateLimited", v.rateLimited());
            sources.add(s);
        }
        body.put("ingest", sources);
        body.put("halt", haltView().orElse(null));
        body.put("time", Instant.now().toString());
        ctx.response().putHeader("Cache-Control", "no-store");
        json(ctx, 200, body);
    }

    private void metrics(RoutingContext ctx) {
        StringBuilder out = new StringBuilder(4096);
        metrics.render(out);
        GatewayMetrics.counter(out, "starfall_cache_hits_total", "Answers served from the in-process cache.", cache.hits());
        GatewayMetrics.counter(out, "starfall_cache_misses_total", "Answers computed from the stores or a peer.", cache.misses());
        GatewayMetrics.counter(out, "starfall_cache_evictions_total",
                "Answers evicted from the full cache, least recently used first.", cache.evictions());
        GatewayMetrics.counter(out, "starfall_cache_stale_hits_total",
                "Answers served in the cache life after their own while their renewal ran.", cache.staleHits());
        GatewayMetrics.counter(out, "starfall_rank_snapshot_scans_total", "Scans of a whole shower ranking for the rank snapshots.",
                ranks.scans());
        GatewayMetrics.counter(out, "starfall_rank_snapshot_renewals_total",
                "Rank snapshots renewed from their ranking's moves since, without a scan.", ranks.renewals());
        GatewayMetrics.counter(out, "starfall_renewal_batches_total",
                "Batches of local reads renewing answers already served, each one worker task.", owners.renewalsBehind().batches());
        GatewayMetrics.counter(out, "starfall_renewal_batch_reads_total",
                "Local reads renewing answers already served, made in those batches.", owners.renewalsBehind().reads());
        GatewayMetrics.counter(out, "starfall_renewal_batch_wait_seconds_total",
                "Time those batches gathered reads before their worker task, in all.", owners.renewalsBehind().waitedNanos() / 1_000_000_000.0);
        GatewayMetrics.counter(out, "starfall_answers_before_router_total",
                "Kept answers sent by their request's URI before the router.", metrics.beforeRouter.sum());
        GatewayMetrics.gauge(out, "starfall_hot_uris", "Request URIs known to be valid for a kept answer.", "", hot.size());
        GatewayMetrics.gauge(out, "starfall_rank_snapshot_bytes", "Bytes held by the kept rank snapshots.", "", ranks.bytes());
        GatewayMetrics.gauge(out, "starfall_live_clients", "Connected live (SSE) clients.", "", live.clients());
        GatewayMetrics.counter(out, "starfall_live_compressions_total",
                "Live events compressed for gzip clients: once per event, however many clients get it.", live.compressions());
        GatewayMetrics.gauge(out, "starfall_streams_running", "1 when Kafka Streams is RUNNING.",
                "{state=\"" + projections.streams().state().name() + "\"}", projections.streams().state().isRunningOrRebalancing() ? 1 : 0);
        GatewayMetrics.gauge(out, "starfall_ready", "1 when stores run and are restored.", "", projections.isReady() ? 1 : 0);
        for (IngestView v : hooks.ingest().get()) {
            String labels = "{source=\"" + v.sourceId().replace("\"", "'") + "\"}";
            GatewayMetrics.gauge(out, "starfall_ingest_lag_seconds", "Newest chain time read minus newest published.", labels,
                    v.lag().toMillis() / 1000.0);
            GatewayMetrics.gauge(out, "starfall_ingest_events_published", "Events published by this process.", labels, v.eventsPublished());
            GatewayMetrics.gauge(out, "starfall_ingest_requests", "Chain API requests by this process.", labels, v.requests());
            GatewayMetrics.gauge(out, "starfall_ingest_rate_limited", "429 answers from chain APIs.", labels, v.rateLimited());
        }
        ctx.response().putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8").end(out.toString());
    }

    /** The manifest answer, encoded again only when the halt state changes. */
    private Answer eventAnswer() {
        Optional<HaltNotice> halt = hooks.halt().get();
        Map.Entry<Optional<HaltNotice>, Answer> current = eventAnswer.get();
        if (current != null && current.getKey().equals(halt)) {
            return current.getValue();
        }
        Map<String, Object> body = Json.mapper().convertValue(EventView.of(manifest, hooks.verifiedByKey()), MAP);
        body.put("halt", haltView().orElse(null));
        Answer a = Answer.ok(Json.encode(body), selfName, false, "public, max-age=5");
        eventAnswer.set(Map.entry(halt, a));
        return a;
    }

    private Optional<Map<String, Object>> haltView() {
        return hooks.halt().get().map(h -> {
            Map<String, Object> v = new LinkedHashMap<>();
            v.put("state", h.state().name());
            v.put("message", h.message());
            v.put("issuedAt", h.issuedAt().toString());
            v.put("signatures", h.signatures());
            return v;
        });
    }

    private void halt(RoutingContext ctx) {
        ctx.response().putHeader("Cache-Control", "no-cache");
        json(ctx, 200, haltView().orElseGet(() -> Map.of("state", "NONE")));
    }

    /** Adds the halt notice to a shower answer while the event is halted. */
    private void putHalt(Map<String, Object> body) {
        haltView().filter(h -> HaltNotice.State.HALTED.name().equals(h.get("state"))).ifPresent(h -> body.put("halt", h));
    }

    private void leaderboard(RoutingContext ctx) {
        Optional<Integer> shower = shower(ctx);
        Optional<Integer> limit = shower.isEmpty() ? Optional.empty() : intParam(ctx, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT);
        Optional<Integer> offset = limit.isEmpty() ? Optional.empty() : intParam(ctx, "offset", 0, 0, 1_000_000);
        if (offset.isEmpty()) {
            return;
        }
        hot(ctx, LEADERBOARD, leaderboardUri(shower.get(), offset.get(), limit.get()));
        send(ctx, leaderboardAnswer(shower.get(), offset.get(), limit.get(), ctx.request().getHeader(FORWARDED)));
    }

    /** The canonical URI of a shower's summary, its answer's cache key. */
    private static String showerUri(int n) {
        return "/api/v1/showers/" + n;
    }

    /** The canonical URI of a wallet's answer in a shower, its cache key. */
    private static String walletUri(int n, String wallet) {
        return "/api/v1/showers/" + n + "/wallets/" + wallet;
    }

    /** The canonical URI of a leaderboard page, its answer's cache key. */
    private static String leaderboardUri(int n, int offset, int limit) {
        return "/api/v1/showers/" + n + "/leaderboard?limit=" + limit + "&offset=" + offset;
    }

    private Future<Answer> leaderboardAnswer(int n, int offset, int limit, String forwardedFrom) {
        String uri = leaderboardUri(n, offset, limit);
        // sent as it is (or compared by a live feed): served while its renewal runs
        Function<ShowerReader, Answer> read = reader -> {
            ShowerSchedule.Status status = reader.status(n);
            Map<String, Object> body = Json.mapper().convertValue(reader.leaderboard(n, offset, limit), MAP);
            body.put("status", status.name());
            body.put("floors", reader.floors(n));
            putHalt(body);
            return Answer.ok(Json.encode(body), selfName, false, cacheControl(status));
        };
        return cache.getRenewingBehind(uri, () -> owners.route(n, uri, forwardedFrom, read),
                () -> owners.route(n, uri, forwardedFrom, true, read));
    }

    private static final com.fasterxml.jackson.core.type.TypeReference<LinkedHashMap<String, Object>> MAP =
            new com.fasterxml.jackson.core.type.TypeReference<>() {
            };

    private static String cacheControl(ShowerSchedule.Status status) {
        return status == ShowerSchedule.Status.CLOSED ? Answer.IMMUTABLE : Answer.SHORT;
    }

    private void showers(RoutingContext ctx) {
        send(ctx, cache.get("/api/v1/showers", () -> {
            List<Future<Answer>> each = new ArrayList<>();
            for (int n = 1; n <= schedule.showerCount(); n++) {
                each.add(showerAnswer(n, null));
            }
            return Future.join(each).transform(ar -> {
                List<Object> list = new ArrayList<>();
                boolean allClosed = true;
                for (int i = 0; i < each.size(); i++) {
                    Future<Answer> f = each.get(i);
                    Map<String, Object> item = f.succeeded() && f.result().status() == 200
                            ? Json.decode(f.result().body().getBytes(), MAP) : unavailableShower(i + 1, f);
                    allClosed &= ShowerSchedule.Status.CLOSED.name().equals(item.get("status"));
                    list.add(item);
                }
                return Future.succeededFuture(Answer.ok(Json.encode(Map.of("showers", list)), selfName, false,
                        allClosed ? Answer.IMMUTABLE : Answer.SHORT));
            });
        }));
    }

    private static Map<String, Object> unavailableShower(int n, Future<Answer> f) {
        Map<String, Object> item = new LinkedHashMap<>();
        item.put("shower", n);
        item.put("status", "UNAVAILABLE");
        item.put("message", f.failed() ? String.valueOf(f.cause().getMessage()) : "HTTP " + f.result().status());
        return item;
    }

    private void showerSummary(RoutingContext ctx) {
        Optional<Integer> shower = shower(ctx);
        if (shower.isPresent()) {
            hot(ctx, SHOWER, showerUri(shower.get()));
            send(ctx, showerAnswer(shower.get(), ctx.request().getHeader(FORWARDED)));
        }
    }

    private Future<Answer> showerAnswer(int n, String forwardedFrom) {
        String uri = showerUri(n);
        return cache.get(uri, () -> owners.route(n, uri, forwardedFrom, reader -> reader.summary(n).map(view -> {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("shower", n);
            body.put("startsAfter", schedule.startOf(n).toString());
            body.put("closesAt", schedule.closeOf(n).toString());
            body.put("finalAt", schedule.finalAt(n).toString());
            body.putAll(Json.mapper().convertValue(view, MAP));
            putHalt(body);
            return Answer.ok(Json.encode(body), selfName, false, cacheControl(ShowerSchedule.Status.valueOf(view.status())))
                    .withValue(ShowerCounts.of(view));
        }).orElseGet(() -> Answer.error(404, "not_found", "no summary for shower " + n, selfName))));
    }

    /**
     * SHA-256 over a shower's whole ranking, one line per wallet {@code rank,wallet,amount,tier\n}
     * in rank order: equal before and after a rebuild proves nothing changed.
     */
    private void digest(RoutingContext ctx) {
        Optional<Integer> shower = shower(ctx);
        if (shower.isEmpty()) {
            return;
        }
        int n = shower.get();
        String uri = "/api/v1/showers/" + n + "/digest";
        send(ctx, cache.get(uri, () -> owners.route(n, uri, ctx.request().getHeader(FORWARDED), reader -> {
            ShowerSchedule.Status status = reader.status(n);
            java.security.MessageDigest sha;
            try {
                sha = java.security.MessageDigest.getInstance("SHA-256");
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
            long wallets = 0;
            int page = 10_000;
            for (int offset = 0; ; offset += page) {
                var entries = reader.leaderboard(n, offset, page).entries();
                for (var e : entries) {
                    sha.update((e.rank() + "," + e.wallet() + "," + e.amount() + "," + (e.tier() == null ? "" : e.tier()) + "\n")
                            .getBytes(java.nio.charset.StandardCharsets.UTF_8));
                }
                wallets += entries.size();
                if (entries.size() < page) {
                    break;
                }
            }
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("shower", n);
            body.put("status", status.name());
            body.put("wallets", wallets);
            body.put("algorithm", "SHA-256 of 'rank,wallet,amount,tier\\n' lines in rank order");
            body.put("digest", java.util.HexFormat.of().formatHex(sha.digest()));
            return Answer.ok(Json.encode(body), selfName, false, cacheControl(status));
        })));
    }

    private void telescope(RoutingContext ctx) {
        send(ctx, cache.get("/api/v1/telescope", () -> owners.readLocally(() -> Answer.ok(
                Json.encode(Map.of("showers", new TelescopeReader(owners.<String, ShowerSummary>globalStore(Stores.TELESCOPE)).telescope())),
                selfName, false, Answer.SHORT))));
    }

    /** Closed meteors of a wallet, from the instance owning the wallet's partition of the cave store. */
    private void closedMeteors(RoutingContext ctx) {
        Optional<String> address = address(ctx);
        if (address.isPresent()) {
            send(ctx, closedMeteorsAnswer(address.get(), ctx.request().getHeader(FORWARDED)));
        }
    }

    private Future<Answer> closedMeteorsAnswer(String wallet, String forwardedFrom) {
        String uri = "/internal/v1/caves/" + wallet;
        return cache.get(uri, () -> caveParts.closedMeteors(wallet, () -> owners.route(Stores.METEORS, wallet, new StringSerializer(),
                "wallet " + wallet, uri, forwardedFrom, (partition, stale) -> {
                    // noted before the read: a write after it moves the version, and the read is not kept past it
                    long version = stale ? CaveVersions.UNTRACKED : projections.caveVersions().version(partition);
                    List<MeteorView> meteors = new CaveReader(projections.streams().store(OwnerRouter.params(Stores.METEORS,
                            QueryableStoreTypes.<WalletMeteorKey, Meteor>keyValueStore(), partition, stale))).meteors(wallet);
                    return Answer.part(new ClosedMeteors(meteors, partition, version), selfName, Answer.SHORT);
                })));
    }

    /** The cave: meteors of closed showers, plus live standings in showers still open or closing. */
    private void cave(RoutingContext ctx) {
        Optional<String> address = address(ctx);
        if (address.isEmpty()) {
            return;
        }
        String wallet = address.get();
        String key = "/api/v1/wallets/" + wallet;
        hot(ctx, CAVE, key);
        send(ctx, cache.get(key, () -> {
            Future<Answer> closed = closedMeteorsAnswer(wallet, null);
            return unclosedShowers().transform(u -> {
                // not yet final: the wallet's live standing, if it has one (the chain-time watermark can
                // still say UPCOMING while transfers of the shower are already counted)
                UnclosedShowers unclosed = u.succeeded() ? unclosed(u.result()) : new UnclosedShowers(allShowers());
                List<Future<Answer>> live = new ArrayList<>();
                for (int n : unclosed.showers()) {
                    // the shower's own summary (at most one cache life old) says whether it counted anything since
                    live.add(showerAnswer(n, null).transform(summary -> caveParts.standing(n, wallet, counts(summary),
                            () -> standingRead(n, wallet, null), () -> standingAnswer(n, wallet, null))));
                }
                return Future.join(live).transform(done -> closed.map(c -> {
                    if (c.status() != 200) {
                        return c;
                    }
                    List<Answer> found = new ArrayList<>();
                    for (Future<Answer> l : live) {
                        if (l.succeeded() && l.result().status() == 200) {
                            found.add(l.result());
                        }
                    }
                    // the same kept parts as last time: the same cave, with no decoding, encoding or hashing
                    return caveParts.cave(wallet, c, found, () -> {
                        // parts read here keep their values; only a peer's answers are decoded
                        List<MeteorView> meteors = c.value(ClosedMeteors.class).map(ClosedMeteors::meteors)
                                .orElseGet(() -> Json.decode(c.body().getBytes(), METEORS));
                        List<WalletStanding> standings = new ArrayList<>();
                        for (Answer s : found) {
                            standings.add(s.value(WalletStanding.class).orElseGet(() -> Json.decode(s.body().getBytes(), WalletStanding.class)));
                        }
                        return Answer.ok(Json.encode(CaveReader.combine(wallet, meteors, standings)), selfName, false, Answer.SHORT);
                    });
                }));
            });
        }));
    }

    /**
     * The showers whose cached summary does not say CLOSED (or is unavailable), renewed like any
     * cached answer: every cave needs it, and reading the 44 summaries once per renewal instead of
     * once per cave is what keeps a cave miss cheap.
     */
    private Future<Answer> unclosedShowers() {
        return cache.get("/internal/v1/unclosed-showers", () -> {
            List<Future<Answer>> statuses = new ArrayList<>();
            for (int n = 1; n <= schedule.showerCount(); n++) {
                statuses.add(showerAnswer(n, null));
            }
            return Future.join(statuses).transform(ignored -> {
                List<Integer> unclosed = new ArrayList<>();
                for (int i = 0; i < statuses.size(); i++) {
                    ShowerCounts c = counts(statuses.get(i));
                    if (c == null || !ShowerSchedule.Status.CLOSED.name().equals(c.status())) {
                        unclosed.add(i + 1);
                    }
                }
                return Future.succeededFuture(Answer.part(new UnclosedShowers(unclosed), selfName, Answer.SHORT));
            });
        });
    }

    /** What a shower's summary says, or null when it is not available. */
    private static ShowerCounts counts(AsyncResult<Answer> summary) {
        return summary.succeeded() && summary.result().status() == 200 ? ShowerCounts.from(summary.result()) : null;
    }

    private static UnclosedShowers unclosed(Answer answer) {
        return answer.value(UnclosedShowers.class).orElseThrow(() -> new IllegalStateException("unclosed showers answer without its list"));
    }

    private List<Integer> allShowers() {
        List<Integer> all = new ArrayList<>();
        for (int n = 1; n <= schedule.showerCount(); n++) {
            all.add(n);
        }
        return all;
    }

    private static final com.fasterxml.jackson.core.type.TypeReference<List<MeteorView>> METEORS =
            new com.fasterxml.jackson.core.type.TypeReference<>() {
            };

    private Future<Answer> liveLeaderboard(int n, int limit) {
        return leaderboardAnswer(n, 0, limit, null);
    }

    private void walletInShower(RoutingContext ctx) {
        Optional<Integer> shower = shower(ctx);
        Optional<String> address = shower.isEmpty() ? Optional.empty() : address(ctx);
        if (address.isEmpty()) {
            return;
        }
        hot(ctx, WALLET_IN_SHOWER, walletUri(shower.get(), address.get()));
        send(ctx, walletAnswer(shower.get(), address.get(), ctx.request().getHeader(FORWARDED)));
    }

    private Future<Answer> walletAnswer(int n, String wallet, String forwardedFrom) {
        String uri = walletUri(n, wallet);
        Function<ShowerReader, Answer> read = reader -> {
            // the status first: an answer marked final (CLOSED) must come from reads made once the shower was closed
            ShowerSchedule.Status status = reader.status(n);
            return reader.wallet(n, wallet, minimum).map(w -> {
                // past its close a transfer counts for the next shower (after the last, for none), never for this one:
                // an amount that "lifts" this standing would ask the wallet to send funds for nothing it was told
                boolean over = status == ShowerSchedule.Status.CLOSING || status == ShowerSchedule.Status.CLOSED;
                WalletAnswer body = new WalletAnswer(w, status.name(), over ? null : reader.nextTier(n, w).orElse(null));
                return Answer.ok(Json.encode(body), selfName, false, cacheControl(status));
            }).orElseGet(() -> Answer.error(404, "not_found", "wallet " + wallet + " has no contribution in shower " + n, selfName));
        };
        return cache.getRenewingBehind(uri, () -> owners.route(n, uri, forwardedFrom, read),
                () -> owners.route(n, uri, forwardedFrom, true, read));
    }

    /**
     * The answer of {@code /api/v1/showers/{n}/wallets/{address}}: the standing's fields, then the
     * shower's status and the next tier (null in the top tier and once the shower is closing or
     * closed), encoded in one pass.
     */
    private record WalletAnswer(@com.fasterxml.jackson.annotation.JsonUnwrapped WalletStanding standing, String status,
                                NextTierView nextTier) {
    }

    /** A wallet's standing in one shower without the next tier, from the instance owning the shower: what a cave needs. */
    private void standing(RoutingContext ctx) {
        Optional<Integer> shower = shower(ctx);
        Optional<String> address = shower.isEmpty() ? Optional.empty() : address(ctx);
        if (address.isPresent()) {
            send(ctx, standingAnswer(shower.get(), address.get(), ctx.request().getHeader(FORWARDED)));
        }
    }

    /**
     * Rank, amount and tier only: the next tier costs two more scans of the ranking, down to the
     * wallet's rank and to the target rank, which a cave (one standing per open shower) never shows.
     */
    private Future<Answer> standingAnswer(int n, String wallet, String forwardedFrom) {
        return cache.get("/internal/v1/showers/" + n + "/standings/" + wallet, () -> standingRead(n, wallet, forwardedFrom));
    }

    /** {@link #standingAnswer} read now, past the cache: from the stores here, or from the owner. */
    private Future<Answer> standingRead(int n, String wallet, String forwardedFrom) {
        String uri = "/internal/v1/showers/" + n + "/standings/" + wallet;
        return owners.route(n, uri, forwardedFrom, reader -> reader.wallet(n, wallet, minimum)
                .map(w -> Answer.part(w, selfName, Answer.SHORT))
                .orElseGet(() -> Answer.error(404, "not_found", "wallet " + wallet + " has no contribution in shower " + n, selfName)));
    }

    private void liveFeed(RoutingContext ctx) {
        Optional<Integer> shower = shower(ctx);
        Optional<Integer> limit = shower.isEmpty() ? Optional.empty() : intParam(ctx, "limit", 10, 1, MAX_LIVE_LIMIT);
        if (limit.isEmpty()) {
            return;
        }
        live.subscribe(ctx, shower.get(), limit.get());
    }

    // ---- parameters and answers -----------------------------------------------------------------

    private Optional<Integer> shower(RoutingContext ctx) {
        String raw = ctx.pathParam("n");
        int n;
        try {
            n = Integer.parseInt(raw);
        } catch (NumberFormatException e) {
            error(ctx, 400, "bad_shower", "shower must be an integer, got '" + truncate(raw) + "'");
            return Optional.empty();
        }
        if (!schedule.isShower(n)) {
            error(ctx, 404, "unknown_shower", "no shower " + n + "; this event has showers 1.." + schedule.showerCount());
            return Optional.empty();
        }
        return Optional.of(n);
    }

    private Optional<String> address(RoutingContext ctx) {
        String address = ctx.pathParam("address");
        Optional<String> problem = addresses.problem(address);
        if (problem.isPresent()) {
            error(ctx, 400, "bad_address", "'" + truncate(address) + "' is not a " + manifest.event().getChain() + " address: " + problem.get());
            return Optional.empty();
        }
        return Optional.of(address);
    }

    private Optional<Integer> intParam(RoutingContext ctx, String name, int dflt, int min, int max) {
        String raw = queryParam(ctx, name);
        if (raw == null || raw.isEmpty()) {
            return Optional.of(dflt);
        }
        try {
            int v = Integer.parseInt(raw);
            if (v >= min && v <= max) {
                return Optional.of(v);
            }
        } catch (NumberFormatException e) {
            // answered with the 400 below
        }
        error(ctx, 400, "bad_" + name, name + " must be an integer in " + min + ".." + max + ", got '" + truncate(raw) + "'");
        return Optional.empty();
    }

    /**
     * The first value of a query parameter. A plain query ({@code limit=100&offset=0}) is scanned as
     * it is, instead of decoding every parameter into a map on each request; one with escapes or
     * {@code ;} is left to Vert.x.
     */
    static String queryParam(RoutingContext ctx, String name) {
        String q = ctx.request().query();
        if (q == null || q.isEmpty()) {
            return null;
        }
        if (q.indexOf('%') >= 0 || q.indexOf('+') >= 0 || q.indexOf(';') >= 0) {
            return ctx.request().getParam(name);
        }
        return plainQueryParam(q, name);
    }

    /** {@link #queryParam} on a query without escapes: a parameter without '=' has the empty value. */
    static String plainQueryParam(String q, String name) {
        int at = 0;
        while (at <= q.length()) {
            int amp = q.indexOf('&', at);
            if (amp < 0) {
                amp = q.length();
            }
            int eq = q.indexOf('=', at);
            int keyEnd = eq < 0 || eq > amp ? amp : eq;
            if (keyEnd - at == name.length() && q.startsWith(name, at)) {
                return keyEnd == amp ? "" : q.substring(keyEnd + 1, amp);
            }
            at = amp + 1;
        }
        return null;
    }

    /**
     * Writes an answer once it is there. A cached answer is there already and is written at once; one
     * still being read or forwarded is bounded by the request timeout (503, through the failure handler).
     */
    private void send(RoutingContext ctx, Future<Answer> answer) {
        if (answer.isComplete()) {
            complete(ctx, answer);
            return;
        }
        long timer = vertx.setTimer(config.requestTimeout().toMillis(), id -> {
            if (!ctx.response().ended() && !ctx.response().closed()) {
                ctx.fail(503);
            }
        });
        answer.onComplete(ar -> {
            vertx.cancelTimer(timer);
            complete(ctx, ar);
        });
    }

    private void complete(RoutingContext ctx, AsyncResult<Answer> ar) {
        if (ctx.response().ended() || ctx.response().closed()) {
            return;
        }
        if (ar.failed()) {
            ctx.fail(ar.cause());
        } else {
            send(ctx, ar.result());
        }
    }

    /**
     * Writes an answer, or 304 when the client already holds it; in gzip form when the client
     * accepts gzip and the answer has one (made once per answer, see {@link Answer#gzipBody()}).
     */
    private void send(RoutingContext ctx, Answer a) {
        send(ctx.request(), a);
    }

    private void send(HttpServerRequest req, Answer a) {
        HttpServerResponse r = req.response();
        r.putHeader(HttpHeaders.CONTENT_TYPE, JSON_TYPE_HEADER);
        r.putHeader(SERVED_BY_HEADER, a.servedBy() == null || a.servedBy().equals(selfName) ? selfNameHeader : a.servedBy());
        if (a.stale()) {
            r.putHeader(STALE_HEADER, TRUE_HEADER);
        }
        if (a.cacheControlHeader() != null) {
            r.putHeader(HttpHeaders.CACHE_CONTROL, a.cacheControlHeader());
        }
        if (a.retryAfter() != null) {
            r.putHeader(HttpHeaders.RETRY_AFTER, a.retryAfter());
        }
        Buffer body = a.body();
        CharSequence etag = a.etagHeader();
        boolean varies = a.variesByEncoding();
        if (varies) {
            r.headers().add(HttpHeaders.VARY, Gzip.ACCEPT_ENCODING);
        }
        String accepted = req.getHeader(HttpHeaders.ACCEPT_ENCODING);
        if (accepted != null) {
            Buffer gzip = varies && Gzip.acceptedCached(accepted) ? a.gzipBody() : null; // small answers: no header to read
            if (gzip != null) {
                body = gzip;
                etag = a.gzipEtagHeader();
                r.putHeader(HttpHeaders.CONTENT_ENCODING, Gzip.GZIP);
            } else {
                // nor compressed on the fly (gzip or deflate) for each request: Vert.x drops this header
                r.putHeader(HttpHeaders.CONTENT_ENCODING, Gzip.IDENTITY);
            }
        }
        if (etag != null) {
            r.putHeader(HttpHeaders.ETAG, etag);
            if (a.status() == 200 && a.matches(req.getHeader(HttpHeaders.IF_NONE_MATCH))) {
                metrics.notModified.increment();
                r.setStatusCode(304).end();
                return;
            }
        }
        r.setStatusCode(a.status()).end(body);
    }

    private void error(RoutingContext ctx, int status, String code, String message) {
        error(ctx.response(), status, code, message);
    }

    private void error(HttpServerResponse r, int status, String code, String message) {
        r.putHeader(SERVED_BY, selfName);
        json(r, status, new ApiError(code, message));
    }

    private static void json(RoutingContext ctx, int status, Object body) {
        json(ctx.response(), status, body);
    }

    private static void json(HttpServerResponse r, int status, Object body) {
        r.setStatusCode(status).putHeader("Content-Type", JSON_TYPE).end(Buffer.buffer(Json.encode(body)));
    }

    private static String truncate(String s) {
        return s.length() <= 64 ? s : s.substring(0, 64) + "...";
    }

    private static byte[] openApiDocument() {
        try (InputStream in = Gateway.class.getResourceAsStream("/openapi.json")) {
            if (in == null) {
                throw new IllegalStateException("openapi.json missing from the gateway's resources");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read openapi.json", e);
        }
    }

    public int port() {
        return server.actualPort();
    }

    public AnswerCache cache() {
        return cache;
    }

    @Override
    public void close() {
        vertx.cancelTimer(evictionTimer);
        live.close();
        server.close().await();
        peers.close();
        log.info("Gateway on {} closed", selfName);
    }
}
