package dev.starfall.ingestor.sim;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves a {@link ChainSimulator}'s history over real HTTP on 127.0.0.1, speaking Terra Classic
 * FCD's {@code GET /v1/txs?account=<addr>&limit=<10|100>[&offset=<next>]}:
 *
 * <ul>
 *   <li>keyset pages, newest first: rows with {@code id < offset}; when more rows exist, {@code next}
 *       is the id of the last returned row, otherwise it is absent;</li>
 *   <li>{@code limit} only 10 or 100 (default 10), else HTTP 400
 *       {@code {"type":"INVALID_REQUEST_ERROR","message":"child \"limit\" fails ...","code":400}};</li>
 *   <li>an account with no transactions gets {@code {"limit":..,"txs":[]}};</li>
 *   <li>an account's list holds every transaction naming it in a message or an event.</li>
 * </ul>
 * Only visible transactions ({@link ChainSimulator#visibleCount()}) are served. {@link #faults()}
 * injects error answers.
 */
public final class SimulatorServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SimulatorServer.class);
    private static final String TXS_PATH = "/v1/txs";

    private final ChainSimulator simulator;
    private final HttpServer server;
    private final ExecutorService executor;
    private final Faults faults = new Faults();
    private final AtomicLong requests = new AtomicLong();
    /** Ascending positions in {@code simulator.transactions()} per account. */
    private final Map<String, int[]> byAccount;
    private final AtomicReferenceArray<ObjectNode> rendered;

    private SimulatorServer(ChainSimulator simulator, HttpServer server, ExecutorService executor) {
        this.simulator = simulator;
        this.server = server;
        this.executor = executor;
        List<SimTx> txs = simulator.transactions();
        Map<String, List<Integer>> index = new HashMap<>();
        for (int i = 0; i < txs.size(); i++) {
            for (String address : txs.get(i).addresses()) {
                index.computeIfAbsent(address, k -> new ArrayList<>()).add(i);
            }
        }
        Map<String, int[]> compact = new HashMap<>();
        index.forEach((k, v) -> compact.put(k, v.stream().mapToInt(Integer::intValue).toArray()));
        this.byAccount = Map.copyOf(compact);
        this.rendered = new AtomicReferenceArray<>(txs.size());
    }

    /** Starts serving on 127.0.0.1:{@code port} (0 picks a free port). */
    public static SimulatorServer start(ChainSimulator simulator, int port) {
        HttpServer http;
        try {
            http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot bind the simulator to 127.0.0.1:" + port, e);
        }
        AtomicInteger threads = new AtomicInteger();
        ExecutorService executor = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "sim-fcd-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        SimulatorServer s = new SimulatorServer(simulator, http, executor);
        http.createContext("/", s::handle);
        http.setExecutor(executor);
        http.start();
        log.info("Chain simulator serving {} transactions of {} on {}", simulator.transactions().size(), simulator.wallet(), s.baseUrl());
        return s;
    }

    /** E.g. {@code http://127.0.0.1:41234}. */
    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public Faults faults() {
        return faults;
    }

    /** Requests received so far (including faulted ones). */
    public long requests() {
        return requests.get();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        try {
            requests.incrementAndGet();
            if (!"GET".equals(exchange.getRequestMethod())) {
                respond(exchange, 405, error("INVALID_REQUEST_ERROR", "method not allowed", 405));
                return;
            }
            if (!TXS_PATH.equals(exchange.getRequestURI().getPath())) {
                respond(exchange, 404, error("NOT_FOUND_ERROR", "not found: " + exchange.getRequestURI().getPath(), 404));
                return;
            }
            Optional<Faults.Fault> fault = faults.take();
            if (fault.isPresent()) {
                respondFault(exchange, fault.get());
                return;
            }
            txs(exchange);
        } catch (RuntimeException e) {
            log.warn("Simulator failed to answer {}", exchange.getRequestURI(), e);
        } finally {
            exchange.close();
        }
    }

    private void txs(HttpExchange exchange) throws IOException {
        Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
        String limitText = query.getOrDefault("limit", "10");
        if (!"10".equals(limitText) && !"100".equals(limitText)) {
            respond(exchange, 400, error("INVALID_REQUEST_ERROR", "child \"limit\" fails because [\"limit\" must be one of [10, 100]]", 400));
            return;
        }
        int limit = Integer.parseInt(limitText);
        long offset = Long.MAX_VALUE;
        if (query.containsKey("offset")) {
            try {
                offset = Long.parseLong(query.get("offset"));
            } catch (NumberFormatException e) {
                respond(exchange, 400, error("INVALID_REQUEST_ERROR", "child \"offset\" fails because [\"offset\" must be a number]", 400));
                return;
            }
        }
        String account = query.get("account");
        if (account == null || account.isEmpty()) {
            respond(exchange, 400, error("INVALID_REQUEST_ERROR", "child \"account\" fails because [\"account\" is required]", 400));
            return;
        }
        int visible = simulator.visibleCount();
        List<SimTx> txs = simulator.transactions();
        int[] positions = byAccount.getOrDefault(account, new int[0]);
        // newest first among visible rows with id < offset; collect limit + 1 to know whether more exist
        List<Integer> page = new ArrayList<>(limit + 1);
        for (int p = upperBound(positions, visible) - 1; p >= 0 && page.size() <= limit; p--) {
            int position = positions[p];
            if (txs.get(position).id() < offset) {
                page.add(position);
            }
        }
        ObjectNode body = FcdRenderer.JSON.createObjectNode();
        boolean more = page.size() > limit;
        if (more) {
            page.remove(page.size() - 1);
            body.put("next", txs.get(page.get(page.size() - 1)).id());
        }
        body.put("limit", limit);
        ArrayNode items = body.putArray("txs");
        for (int position : page) {
            items.add(render(position));
        }
        respond(exchange, 200, FcdRenderer.write(body));
    }

    /** Number of positions below {@code visible} (positions are ascending). */
    private static int upperBound(int[] positions, int visible) {
        int lo = 0;
        int hi = positions.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (positions[mid] < visible) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    private ObjectNode render(int position) {
        ObjectNode node = rendered.get(position);
        if (node == null) {
            node = FcdRenderer.item(simulator.transactions().get(position), simulator.chainId());
            if (!rendered.compareAndSet(position, null, node)) {
                node = rendered.get(position);
            }
        }
        return node;
    }

    private void respondFault(HttpExchange exchange, Faults.Fault fault) throws IOException {
        if (fault.retryAfter() != null) {
            exchange.getResponseHeaders().set("Retry-After", Long.toString(fault.retryAfter().toSeconds()));
        }
        String body = fault.status() == 429
                ? error("RATE_LIMIT_ERROR", "Too many requests", 429)
                : fault.status() >= 500 ? error("API_ERROR", "injected fault", fault.status())
                : error("INVALID_REQUEST_ERROR", "injected fault", fault.status());
        respond(exchange, fault.status(), body);
    }

    private static String error(String type, String message, int code) {
        ObjectNode node = FcdRenderer.JSON.createObjectNode();
        node.put("type", type);
        node.put("message", message);
        node.put("code", code);
        return FcdRenderer.write(node);
    }

    private static void respond(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> out = new HashMap<>();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            out.putIfAbsent(key, value);
        }
        return out;
    }
}
