package dev.starfall.gateway;

import java.math.BigInteger;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.starfall.projections.ProjectionsService;
import dev.starfall.projections.Stores;
import dev.starfall.projections.domain.Contribution;
import dev.starfall.projections.domain.ShowerTotals;
import dev.starfall.projections.domain.ShowerWallet;
import dev.starfall.projections.domain.Tiers;
import dev.starfall.projections.query.ShowerReader;
import dev.starfall.schemas.manifest.Manifest;
import dev.starfall.schemas.manifest.ShowerSchedule;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.PoolOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import org.apache.kafka.common.serialization.IntegerSerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP gateway, running inside the Streams process. Answers from local stores when this
 * instance owns the shower's partition, forwards to the owner through one shared client
 * otherwise, and says 503 with Retry-After while ownership is unknown (rebalance).
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
    private static final long FORWARD_TIMEOUT_MS = 2_000;
    private static final Pattern ADDRESS = Pattern.compile("[A-Za-z0-9]{20,128}");
    private static final String JSON_TYPE = "application/json";
    private static final Serializer<Integer> SHOWER_KEY = new IntegerSerializer();
    private static final ObjectMapper JSON = JsonMapper.builder().build();

    private final Vertx vertx;
    private final ProjectionsService projections;
    private final ShowerSchedule schedule;
    private final BigInteger minimum;
    private final Tiers tiers;
    private final HostInfo self;
    private final String selfName;
    private final WebClient peers;
    private HttpServer server;

    private Gateway(Vertx vertx, ProjectionsService projections, Manifest manifest, HostInfo self) {
        this.vertx = vertx;
        this.projections = projections;
        this.schedule = manifest.schedule();
        this.minimum = manifest.minimumContribution();
        this.tiers = new Tiers(manifest.tiers());
        this.self = self;
        this.selfName = self.host() + ":" + self.port();
        this.peers = WebClient.create(vertx, new WebClientOptions()
                .setConnectTimeout((int) FORWARD_TIMEOUT_MS)
                .setKeepAlive(true)
                .setUserAgent("starfall-gateway"), new PoolOptions().setHttp1MaxSize(64));
    }

    /**
     * Starts the HTTP server on {@code self}'s port (bound to {@code bindHost}); {@code self} must be
     * the same {@code host:port} the Streams instance advertises as {@code application.server}.
     */
    public static Gateway start(Vertx vertx, ProjectionsService projections, Manifest manifest, HostInfo self, String bindHost) {
        Gateway gateway = new Gateway(vertx, projections, manifest, self);
        Router router = gateway.routes();
        gateway.server = vertx.createHttpServer(new HttpServerOptions().setIdleTimeout(60).setMaxHeaderSize(8192))
                .requestHandler(router);
        gateway.server.listen(self.port(), bindHost).await();
        log.info("Gateway listening on http://{}:{}", bindHost, self.port());
        return gateway;
    }

    private Router routes() {
        Router router = Router.router(vertx);
        router.get("/health/live").handler(this::live);
        router.get("/health/ready").handler(this::ready);
        router.get("/api/v1/showers/:n/leaderboard").handler(this::leaderboard);
        router.get("/api/v1/showers/:n/wallets/:address").handler(this::wallet);
        router.route().last().handler(ctx -> error(ctx, 404, "not_found", "no route for " + ctx.request().method() + " " + ctx.request().path()));
        router.route().failureHandler(ctx -> {
            log.error("Unhandled failure on {}", ctx.request().uri(), ctx.failure());
            if (!ctx.response().ended()) {
                error(ctx, 500, "internal", "internal error; see the gateway log");
            }
        });
        return router;
    }

    // ---- handlers ---------------------------------------------------------------------------

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

    private void leaderboard(RoutingContext ctx) {
        Optional<Integer> shower = shower(ctx);
        if (shower.isEmpty()) {
            return;
        }
        Optional<Integer> limit = intParam(ctx, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT);
        Optional<Integer> offset = limit.isEmpty() ? Optional.empty() : intParam(ctx, "offset", 0, 0, Integer.MAX_VALUE);
        if (offset.isEmpty()) {
            return;
        }
        int n = shower.get();
        routed(ctx, n, reader -> Optional.of(reader.leaderboard(n, offset.get(), limit.get())),
                () -> "no leaderboard for shower " + n);
    }

    private void wallet(RoutingContext ctx) {
        Optional<Integer> shower = shower(ctx);
        if (shower.isEmpty()) {
            return;
        }
        String address = ctx.pathParam("address");
        if (!ADDRESS.matcher(address).matches()) {
            error(ctx, 400, "bad_address", "wallet address must be 20 to 128 letters and digits, got '" + truncate(address) + "'");
            return;
        }
        int n = shower.get();
        routed(ctx, n, reader -> reader.wallet(n, address, minimum), () -> "wallet " + address + " has no contribution in shower " + n);
    }

    // ---- routing ----------------------------------------------------------------------------

    /**
     * Answers a query about shower {@code n} wherever its partition lives. Every outcome of the key
     * lookup is handled: not available (rebalance) -> 503; local -> store read off the event loop;
     * remote -> one forward through the shared client; remote down -> local standby, marked stale.
     */
    private void routed(RoutingContext ctx, int n, Function<ShowerReader, Optional<?>> query, java.util.function.Supplier<String> notFound) {
        KeyQueryMetadata md = projections.streams().queryMetadataForKey(Stores.RANKINGS, n, SHOWER_KEY);
        if (md == null) {
            error(ctx, 500, "internal", "store " + Stores.RANKINGS + " is unknown to this instance");
            return;
        }
        if (md == KeyQueryMetadata.NOT_AVAILABLE || md.activeHost() == null || md.activeHost().port() < 0) {
            unavailable(ctx, "shower " + n + " is being reassigned between instances");
            return;
        }
        if (md.activeHost().equals(self)) {
            local(ctx, md.partition(), false, query, notFound);
            return;
        }
        if (ctx.request().getHeader(FORWARDED) != null) {
            unavailable(ctx, "instances disagree on the owner of shower " + n + " (rebalance in progress)");
            return;
        }
        forward(ctx, md.activeHost()).onComplete(ar -> {
            if (ar.succeeded() && ar.result().statusCode() < 500) {
                relay(ctx, ar.result());
            } else if (md.standbyHosts().contains(self)) {
                log.warn("Owner {} of shower {} failed ({}); answering from the local standby",
                        md.activeHost(), n, ar.succeeded() ? "HTTP " + ar.result().statusCode() : ar.cause().toString());
                local(ctx, md.partition(), true, query, notFound);
            } else if (ar.succeeded()) {
                relay(ctx, ar.result());
            } else {
                ctx.response().putHeader("Retry-After", "1");
                error(ctx, 502, "owner_unreachable", "the instance owning shower " + n + " (" + md.activeHost().host() + ":"
                        + md.activeHost().port() + ") did not answer: " + ar.cause().getMessage());
            }
        });
    }

    private void local(RoutingContext ctx, int partition, boolean stale, Function<ShowerReader, Optional<?>> query,
                       java.util.function.Supplier<String> notFound) {
        vertx.executeBlocking(() -> {
            try {
                return query.apply(reader(partition, stale)).map(Gateway::encode);
            } catch (InvalidStateStoreException e) {
                throw new StoreUnavailable(e);
            }
        }, false).onComplete(ar -> {
            if (ar.failed()) {
                if (ar.cause() instanceof StoreUnavailable) {
                    unavailable(ctx, "store not queryable right now: " + ar.cause().getCause().getMessage());
                } else {
                    ctx.fail(ar.cause());
                }
                return;
            }
            if (ar.result().isEmpty()) {
                error(ctx, 404, "not_found", notFound.get());
                return;
            }
            if (stale) {
                ctx.response().putHeader(STALE, "true");
            }
            ctx.response().setStatusCode(200).putHeader("Content-Type", JSON_TYPE).putHeader(SERVED_BY, selfName)
                    .end(Buffer.buffer(ar.result().get()));
        });
    }

    private ShowerReader reader(int partition, boolean stale) {
        KafkaStreams streams = projections.streams();
        ReadOnlyKeyValueStore<Bytes, byte[]> rankings = streams.store(params(Stores.RANKINGS,
                QueryableStoreTypes.<Bytes, byte[]>keyValueStore(), partition, stale));
        ReadOnlyKeyValueStore<ShowerWallet, Contribution> contributions = streams.store(params(Stores.CONTRIBUTIONS,
                QueryableStoreTypes.<ShowerWallet, Contribution>keyValueStore(), partition, stale));
        ReadOnlyKeyValueStore<Integer, ShowerTotals> totals = streams.store(params(Stores.SHOWER_TOTALS,
                QueryableStoreTypes.<Integer, ShowerTotals>keyValueStore(), partition, stale));
        return new ShowerReader(rankings, contributions, totals, tiers);
    }

    private static <T> StoreQueryParameters<T> params(String store, org.apache.kafka.streams.state.QueryableStoreType<T> type,
                                                      int partition, boolean stale) {
        StoreQueryParameters<T> p = StoreQueryParameters.fromNameAndType(store, type).withPartition(partition);
        return stale ? p.enableStaleStores() : p;
    }

    private Future<HttpResponse<Buffer>> forward(RoutingContext ctx, HostInfo owner) {
        return peers.get(owner.port(), owner.host(), ctx.request().uri())
                .putHeader(FORWARDED, selfName)
                .timeout(FORWARD_TIMEOUT_MS)
                .send();
    }

    private static void relay(RoutingContext ctx, HttpResponse<Buffer> answer) {
        var out = ctx.response().setStatusCode(answer.statusCode());
        for (String h : new String[] {"Content-Type", SERVED_BY, STALE, "Retry-After"}) {
            String v = answer.getHeader(h);
            if (v != null) {
                out.putHeader(h, v);
            }
        }
        out.end(answer.body() == null ? Buffer.buffer() : answer.body());
    }

    // ---- parameters and answers -------------------------------------------------------------

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

    private static Optional<Integer> intParam(RoutingContext ctx, String name, int dflt, int min, int max) {
        String raw = ctx.request().getParam(name);
        if (raw == null || raw.isEmpty()) {
            return Optional.of(dflt);
        }
        try {
            int v = Integer.parseInt(raw);
            if (v >= min && v <= max) {
                return Optional.of(v);
            }
        } catch (NumberFormatException e) {
            // falls through to the 400 below
        }
        error(ctx, 400, "bad_" + name, name + " must be an integer in " + min + ".." + max + ", got '" + truncate(raw) + "'");
        return Optional.empty();
    }

    private void unavailable(RoutingContext ctx, String why) {
        ctx.response().putHeader("Retry-After", "1");
        error(ctx, 503, "unavailable", why);
    }

    private static void error(RoutingContext ctx, int status, String code, String message) {
        json(ctx, status, new ApiError(code, message));
    }

    private static void json(RoutingContext ctx, int status, Object body) {
        ctx.response().setStatusCode(status).putHeader("Content-Type", JSON_TYPE).end(Buffer.buffer(encode(body)));
    }

    static byte[] encode(Object value) {
        try {
            return JSON.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode " + value.getClass().getSimpleName(), e);
        }
    }

    private static String truncate(String s) {
        return s.length() <= 64 ? s : s.substring(0, 64) + "...";
    }

    public int port() {
        return server.actualPort();
    }

    @Override
    public void close() {
        server.close().await();
        peers.close();
        log.info("Gateway on {} closed", selfName);
    }

    /** A store that cannot be queried now (rebalance, restore): answered with 503. */
    private static final class StoreUnavailable extends RuntimeException {
        private static final long serialVersionUID = 1L;

        StoreUnavailable(InvalidStateStoreException cause) {
            super(cause.getMessage(), cause);
        }
    }
}
