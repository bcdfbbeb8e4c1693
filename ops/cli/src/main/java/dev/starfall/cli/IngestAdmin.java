package dev.starfall.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.starfall.ingestor.Ingestor;
import dev.starfall.ingestor.IngestorMetrics;
import dev.starfall.ingestor.source.http.Endpoint;
import dev.starfall.ingestor.source.http.EndpointPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin HTTP listener of {@code starfall ingest} (the ingestor has no HTTP surface of its own):
 *
 * <pre>
 *   GET /metrics                      Prometheus text: ingest lag, requests, 429s, retries, failovers, per endpoint counters
 *   GET /health                       200 {"state": ...} while the ingestor runs, 503 once it failed or stopped
 *   GET /endpoints                    the chain API endpoints: weight, breaker state, counters
 *   PUT /endpoints/{name}/weight      body: the new weight (an integer, or {"weight": n}); moves the split live
 * </pre>
 *
 * Errors are JSON {@code {"error": ..., "message": ...}}: 400 bad body, 404 unknown endpoint or
 * route, 405 wrong method, 409 a split that is not allowed (every weight 0).
 */
final class IngestAdmin implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(IngestAdmin.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ENDPOINTS = "/endpoints";
    private static final int MAX_BODY = 1024;

    private final HttpServer server;
    private final ExecutorService executor;
    private final Supplier<IngestorMetrics> metrics;
    private final Optional<EndpointPool> pool;

    private IngestAdmin(HttpServer server, ExecutorService executor, Supplier<IngestorMetrics> metrics, Optional<EndpointPool> pool) {
        this.server = server;
        this.executor = executor;
        this.metrics = metrics;
        this.pool = pool;
    }

    /**
     * Listens on {@code address} (port 0: any free port).
     *
     * @param metrics the ingestor's metrics, read at each scrape
     * @param pool    the source's endpoint pool, when its split can be changed
     * @throws IllegalStateException when the address cannot be bound
     */
    static IngestAdmin start(InetSocketAddress address, Supplier<IngestorMetrics> metrics, Optional<EndpointPool> pool) {
        HttpServer server;
        try {
            server = HttpServer.create(address, 16);
        } catch (IOException e) {
            throw new IllegalStateException("cannot listen on " + address + " for the admin listener (" + e.getMessage() + "); set "
                    + ServiceSettings.Setting.ADMIN_PORT.env() + " to a free port, or 0 to turn it off", e);
        }
        ExecutorService executor = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "starfall-ingest-admin");
            t.setDaemon(true);
            return t;
        });
        IngestAdmin admin = new IngestAdmin(server, executor, metrics, pool);
        server.createContext("/", admin::handle);
        server.setExecutor(executor);
        server.start();
        log.info("Ingest admin listening on http://{}:{} (GET /metrics, GET /endpoints, PUT /endpoints/{name}/weight)",
                address.getHostString(), admin.port());
        return admin;
    }

    int port() {
        return server.getAddress().getPort();
    }

    // ---- routes ----------------------------------------------------------------------------------

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String path = ex.getRequestURI().getPath();
            String method = ex.getRequestMethod();
            if (path.equals("/metrics")) {
                onlyGet(ex, method, () -> text(ex, 200, prometheus(metrics.get())));
            } else if (path.equals("/health")) {
                onlyGet(ex, method, () -> health(ex));
            } else if (path.equals(ENDPOINTS)) {
                onlyGet(ex, method, () -> json(ex, 200, endpoints()));
            } else if (path.startsWith(ENDPOINTS + "/") && path.endsWith("/weight")) {
                String name = path.substring(ENDPOINTS.length() + 1, path.length() - "/weight".length());
                if (!method.equals("PUT")) {
                    ex.getResponseHeaders().set("Allow", "PUT");
                    error(ex, 405, "method_not_allowed", "use PUT with the new weight as the body");
                } else {
                    setWeight(ex, name);
                }
            } else {
                error(ex, 404, "not_found", "no route for " + method + " " + path + " (GET /metrics, GET /health, GET /endpoints, "
                        + "PUT /endpoints/{name}/weight)");
            }
        } catch (RuntimeException e) {
            log.warn("Admin request {} {} failed", ex.getRequestMethod(), ex.getRequestURI(), e);
            error(ex, 500, "internal", String.valueOf(e.getMessage()));
        }
    }

    private interface Reply {
        void send() throws IOException;
    }

    private static void onlyGet(HttpExchange ex, String method, Reply reply) throws IOException {
        if (method.equals("GET") || method.equals("HEAD")) {
            reply.send();
        } else {
            ex.getResponseHeaders().set("Allow", "GET, HEAD");
            error(ex, 405, "method_not_allowed", "this route is read-only; use GET");
        }
    }

    private void health(HttpExchange ex) throws IOException {
        IngestorMetrics m = metrics.get();
        boolean up = up(m.state());
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("source", m.sourceId());
        body.put("state", m.state().name());
        body.put("failure", m.failure());
        json(ex, up ? 200 : 503, body);
    }

    private Map<String, Object> endpoints() {
        Map<String, Object> body = new LinkedHashMap<>();
        IngestorMetrics m = metrics.get();
        body.put("source", m.sourceId());
        body.put("adjustable", pool.isPresent());
        body.put("failovers", m.failovers());
        body.put("endpoints", m.endpoints().stream().map(IngestAdmin::endpoint).toList());
        return body;
    }

    private static Map<String, Object> endpoint(Endpoint.Snapshot e) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("name", e.name());
        v.put("baseUrl", e.baseUrl());
        v.put("weight", e.weight());
        v.put("breaker", e.breaker().name());
        v.put("breakerOpened", e.breakerOpened());
        v.put("requests", e.requests());
        v.put("successes", e.successes());
        v.put("rateLimited", e.rateLimited());
        v.put("serverErrors", e.serverErrors());
        v.put("timeouts", e.timeouts());
        v.put("ioErrors", e.ioErrors());
        v.put("failoversAway", e.failoversAway());
        return v;
    }

    private void setWeight(HttpExchange ex, String name) throws IOException {
        if (pool.isEmpty()) {
            error(ex, 409, "not_adjustable", "this source has no endpoint pool whose split can be changed");
            return;
        }
        EndpointPool p = pool.get();
        if (!p.weights().containsKey(name)) {
            error(ex, 404, "unknown_endpoint", "no endpoint '" + name + "'; the endpoints are " + p.weights().keySet());
            return;
        }
        ParsedWeight weight = weight(readBody(ex));
        if (weight.problem() != null) {
            error(ex, 400, "bad_weight", weight.problem());
            return;
        }
        Map<String, Integer> now;
        synchronized (p) {
            Map<String, Integer> next = new LinkedHashMap<>(p.weights());
            next.put(name, weight.value());
            try {
                p.setWeights(next);
            } catch (IllegalArgumentException e) {
                error(ex, 409, "bad_split", e.getMessage());
                return;
            }
            now = p.weights();
        }
        log.info("Weight of endpoint {} set to {} through the admin listener; split now {}", name, weight.value(), now);
        json(ex, 200, Map.of("endpoint", name, "weight", weight.value(), "weights", now));
    }

    /** A parsed weight, or why the body is not one. */
    record ParsedWeight(int value, String problem) {
    }

    /** The body as a weight: a bare integer, or {@code {"weight": n}}. */
    static ParsedWeight weight(String body) {
        String text = body.strip();
        String raw = text;
        if (text.startsWith("{")) {
            try {
                JsonNode node = JSON.readTree(text).path("weight");
                if (!node.isIntegralNumber()) {
                    return new ParsedWeight(0, "expected {\"weight\": <integer>}, got " + truncate(text));
                }
                raw = node.asText();
            } catch (JsonProcessingException e) {
                return new ParsedWeight(0, "the body is not valid JSON: " + truncate(text));
            }
        }
        long n;
        try {
            n = Long.parseLong(raw);
        } catch (NumberFormatException e) {
            return new ParsedWeight(0, "the body must be the new weight, an integer in 0.." + SourceEndpoints.MAX_WEIGHT
                    + " (or {\"weight\": n}), got '" + truncate(text) + "'");
        }
        if (n < 0 || n > SourceEndpoints.MAX_WEIGHT) {
            return new ParsedWeight(0, "the weight must be in 0.." + SourceEndpoints.MAX_WEIGHT + ", got " + n);
        }
        return new ParsedWeight((int) n, null);
    }

    // ---- Prometheus text -------------------------------------------------------------------------

    /** The metrics as Prometheus text (format 0.0.4); lag and chain times are left out while unknown. */
    static String prometheus(IngestorMetrics m) {
        StringBuilder out = new StringBuilder(4096);
        String source = "source=\"" + escape(m.sourceId()) + "\"";
        gauge(out, "starfall_ingest_up", "1 while the ingestor runs (not failed or stopped).", source, up(m.state()) ? 1 : 0);
        gauge(out, "starfall_ingest_state", "The ingestor's lifecycle state (1 for the current one).",
                source + ",state=\"" + m.state().name() + "\"", 1);
        if (m.ingestLag() != null) {
            gauge(out, "starfall_ingest_lag_seconds", "Newest chain time seen minus newest chain time published.", source,
                    seconds(m.ingestLag()));
        }
        if (m.chainTimeSeen() != null) {
            gauge(out, "starfall_ingest_chain_time_seen_seconds", "Newest chain time read from the API (Unix time).", source,
                    epochSeconds(m.chainTimeSeen()));
        }
        if (m.chainTimePublished() != null) {
            gauge(out, "starfall_ingest_chain_time_published_seconds", "Newest chain time committed with the cursor (Unix time).",
                    source, epochSeconds(m.chainTimePublished()));
        }
        counter(out, "starfall_ingest_requests_total", "Chain API requests, every attempt.", source, m.requests());
        counter(out, "starfall_ingest_rate_limited_total", "429 answers (and JSON-RPC rate-limit errors).", source, m.rateLimited());
        counter(out, "starfall_ingest_retries_total", "Retried requests.", source, m.retries());
        counter(out, "starfall_ingest_failovers_total", "Retries sent to another endpoint than the one that failed.", source, m.failovers());
        counter(out, "starfall_ingest_server_errors_total", "5xx answers.", source, m.serverErrors());
        counter(out, "starfall_ingest_timeouts_total", "Requests that timed out.", source, m.timeouts());
        counter(out, "starfall_ingest_pages_total", "Pages accepted.", source, m.pages());
        counter(out, "starfall_ingest_walks_total", "Completed walks over the chain API.", source, m.walks());
        counter(out, "starfall_ingest_kafka_transactions_total", "Committed Kafka transactions carrying events.", source,
                m.kafkaTransactions());
        counter(out, "starfall_ingest_observed_published_total", "TransferObserved events committed.", source, m.observedPublished());
        counter(out, "starfall_ingest_rejected_published_total", "TransferRejected events committed.", source, m.rejectedPublished());
        counter(out, "starfall_ingest_malformed_recorded_total", "PayloadRejected records committed.", source, m.malformedRecorded());
        List<Endpoint.Snapshot> eps = m.endpoints();
        perEndpoint(out, "starfall_ingest_endpoint_weight", "gauge", "Share of the requests given to the endpoint (relative).", source, eps,
                Endpoint.Snapshot::weight);
        perEndpoint(out, "starfall_ingest_endpoint_breaker_open", "gauge", "1 while the endpoint's circuit breaker is open.", source, eps,
                e -> e.breaker().name().equals("OPEN") ? 1 : 0);
        perEndpoint(out, "starfall_ingest_endpoint_requests_total", "counter", "Requests sent to the endpoint.", source, eps,
                Endpoint.Snapshot::requests);
        perEndpoint(out, "starfall_ingest_endpoint_rate_limited_total", "counter", "429 answers of the endpoint.", source, eps,
                Endpoint.Snapshot::rateLimited);
        perEndpoint(out, "starfall_ingest_endpoint_server_errors_total", "counter", "5xx answers of the endpoint.", source, eps,
                Endpoint.Snapshot::serverErrors);
        perEndpoint(out, "starfall_ingest_endpoint_timeouts_total", "counter", "Timed-out requests to the endpoint.", source, eps,
                Endpoint.Snapshot::timeouts);
        perEndpoint(out, "starfall_ingest_endpoint_failovers_away_total", "counter", "Retries moved away from the endpoint.", source, eps,
                Endpoint.Snapshot::failoversAway);
        return out.toString();
    }

    private static boolean up(Ingestor.State state) {
        return state != Ingestor.State.FAILED && state != Ingestor.State.STOPPED && state != Ingestor.State.STOPPING;
    }

    private static void gauge(StringBuilder out, String name, String help, String labels, double value) {
        header(out, name, "gauge", help);
        sample(out, name, labels, value);
    }

    private static void counter(StringBuilder out, String name, String help, String labels, long value) {
        header(out, name, "counter", help);
        sample(out, name, labels, value);
    }

    private static void perEndpoint(StringBuilder out, String name, String type, String help, String source, List<Endpoint.Snapshot> eps,
                                    ToDoubleFunction<Endpoint.Snapshot> value) {
        header(out, name, type, help);
        for (Endpoint.Snapshot e : eps) {
            sample(out, name, source + ",endpoint=\"" + escape(e.name()) + "\"", value.applyAsDouble(e));
        }
    }

    private static void header(StringBuilder out, String name, String type, String help) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    private static void sample(StringBuilder out, String name, String labels, double value) {
        out.append(name).append('{').append(labels).append("} ");
        if (value == Math.rint(value) && Math.abs(value) < 1e15) {
            out.append((long) value);
        } else {
            out.append(String.format(Locale.ROOT, "%.3f", value));
        }
        out.append('\n');
    }

    private static double seconds(Duration d) {
        return d.toMillis() / 1000.0;
    }

    private static double epochSeconds(Instant t) {
        return t.toEpochMilli() / 1000.0;
    }

    private static String escape(String v) {
        return v.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }

    // ---- answers ---------------------------------------------------------------------------------

    private static String readBody(HttpExchange ex) throws IOException {
        try (InputStream in = ex.getRequestBody()) {
            byte[] b = in.readNBytes(MAX_BODY + 1);
            return new String(b, 0, Math.min(b.length, MAX_BODY), StandardCharsets.UTF_8);
        }
    }

    private static void text(HttpExchange ex, int status, String body) throws IOException {
        send(ex, status, "text/plain; version=0.0.4; charset=utf-8", body);
    }

    private static void json(HttpExchange ex, int status, Object body) throws IOException {
        send(ex, status, "application/json", JSON.writeValueAsString(body));
    }

    private static void error(HttpExchange ex, int status, String error, String message) throws IOException {
        Map<String, String> body = new LinkedHashMap<>();
        body.put("error", error);
        body.put("message", message);
        json(ex, status, body);
    }

    private static void send(HttpExchange ex, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", contentType);
        ex.getResponseHeaders().set("Cache-Control", "no-store");
        boolean head = ex.getRequestMethod().equals("HEAD");
        ex.sendResponseHeaders(status, head ? -1 : bytes.length == 0 ? -1 : bytes.length);
        if (!head) {
            try (OutputStream os = ex.getResponseBody()) {
                os.write(bytes);
            }
        }
    }

    private static String truncate(String v) {
        return v.length() <= 80 ? v : v.substring(0, 80) + "...";
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
