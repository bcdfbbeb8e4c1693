package dev.starfall.ingestor.sim;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.starfall.ingestor.source.Sleeper;
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
 * Also {@code GET /v1/blocks/latest} (the chain head, {@link ChainSimulator#head()}) and Solana
 * JSON-RPC on {@code POST} ({@code getSignaturesForAddress} with before/until/limit,
 * {@code getTransaction} jsonParsed, {@code getSlot}, {@code getBlockTime}; see {@link SolanaRenderer}).
 * Only visible transactions ({@link ChainSimulator#visibleCount()}) are served. {@link #faults()}
 * injects error answers, slow answers, malformed bodies and repeated pages.
 */
public final class SimulatorServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SimulatorServer.class);
    private static final String TXS_PATH = "/v1/txs";
    private static final String JSON_TYPE = "application/json; charset=utf-8";
    /** FCD-style chain head: {@code {"chainId", "height", "timestamp"}}. */
    public static final String HEAD_PATH = "/v1/blocks/latest";

    private final ChainSimulator simulator;
    private final HttpServer server;
    private final ExecutorService executor;
    private final Faults faults = new Faults();
    private final AtomicLong requests = new AtomicLong();
    /** Ascending positions in {@code simulator.transactions()} per account. */
    private final Map<String, int[]> byAccount;
    private final SolanaRenderer solana;
    /** The Solana indexes, built on the first JSON-RPC request: an FCD-only run never pays for its signatures. */
    private volatile SolanaIndex solanaIndex;
    private final Sleeper sleeper;
    /** The rows of the last FCD page answered, for a fault that repeats it or cuts it short. */
    private volatile LastPage lastTxsPage;
    private volatile String lastRpcBody;
    /** Last answer per JSON-RPC request kind: {@code getTransaction}, or {@code getSignaturesForAddress} of one address. */
    private final Map<String, String> lastRpcAnswers = new ConcurrentHashMap<>();

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
        this.sleeper = Sleeper.SYSTEM;
        this.solana = new SolanaRenderer(simulator);
    }

    /**
     * Positions per Solana account key and per signature.
     *
     * @param byAccount   ascending positions in {@code simulator.transactions()} per account key
     * @param bySignature position of each signature
     */
    private record SolanaIndex(Map<String, int[]> byAccount, Map<String, Integer> bySignature) {
    }

    private SolanaIndex solanaIndex() {
        SolanaIndex index = solanaIndex;
        if (index == null) {
            synchronized (this) {
                index = solanaIndex;
                if (index == null) {
                    List<SimTx> txs = simulator.transactions();
                    Map<String, List<Integer>> solIndex = new HashMap<>();
                    Map<String, Integer> sigs = new HashMap<>();
                    for (int i = 0; i < txs.size(); i++) {
                        for (String key : solana.accountKeys(txs.get(i))) {
                            solIndex.computeIfAbsent(key, k -> new ArrayList<>()).add(i);
                        }
                        sigs.put(solana.signature(txs.get(i)), i);
                    }
                    Map<String, int[]> solCompact = new HashMap<>();
                    solIndex.forEach((k, v) -> solCompact.put(k, v.stream().mapToInt(Integer::intValue).toArray()));
                    index = new SolanaIndex(Map.copyOf(solCompact), Map.copyOf(sigs));
                    solanaIndex = index;
                }
            }
        }
        return index;
    }

    /** The Solana view of the history (address mapping for targets and ground truth). */
    public SolanaRenderer solana() {
        return solana;
    }

    /** JSON-RPC 2.0 over {@code POST} (any path): the Solana methods the ingestor uses. */
    private void jsonRpc(HttpExchange exchange) throws IOException, InterruptedException {
        JsonNode request;
        try (var in = exchange.getRequestBody()) {
            request = FcdRenderer.JSON.readTree(in);
        } catch (IOException e) {
            respond(exchange, 200, rpcError(-32700, "Parse error", null));
            return;
        }
        JsonNode id = request == null ? null : request.get("id");
        String method = request == null || request.get("method") == null ? "" : request.get("method").asText();
        JsonNode params = request == null || request.get("params") == null ? FcdRenderer.JSON.createArrayNode() : request.get("params");
        switch (method) {
            case "getSlot" -> respond(exchange, 200, rpcResult(id, FcdRenderer.JSON.getNodeFactory().numberNode(simulator.head().height())));
            case "getBlockTime" -> {
                long slot = params.path(0).asLong(-1);
                if (slot < 0 || slot > simulator.head().height()) {
                    respond(exchange, 200, rpcError(-32004, "Block not available for slot " + slot, id));
                    return;
                }
                Instant time = SolanaRenderer.blockTimeOf(simulator.transactions().get(0), slot);
                respond(exchange, 200, rpcResult(id, FcdRenderer.JSON.getNodeFactory().numberNode(time.getEpochSecond())));
            }
            case "getSignaturesForAddress", "getTransaction" -> {
                String kind = "getTransaction".equals(method) ? method : method + "/" + params.path(0).asText("");
                Optional<Faults.Fault> fault = faults.take();
                if (fault.isPresent() && applyFault(exchange, fault.get(), true, lastRpcAnswers.get(kind))) {
                    return;
                }
                String body = "getTransaction".equals(method) ? getTransaction(params, id) : getSignatures(params, id);
                if (!body.contains("\"error\"")) {
                    lastRpcBody = body;
                    lastRpcAnswers.put(kind, body);
                }
                respond(exchange, 200, body);
            }
            default -> respond(exchange, 200, rpcError(-32601, "Method not found", id));
        }
    }

    private String getSignatures(JsonNode params, JsonNode id) {
        String address = params.path(0).asText("");
        JsonNode options = params.path(1);
        int limit = options.path("limit").asInt(1000);
        if (limit < 1 || limit > 1000) {
            return rpcError(-32602, "Invalid limit; max 1000", id);
        }
        int visible = simulator.visibleCount();
        int[] positions = solanaIndex().byAccount().getOrDefault(address, new int[0]);
        int start = upperBound(positions, visible) - 1;
        if (options.hasNonNull("before")) {
            Integer before = solanaIndex().bySignature().get(options.get("before").asText());
            if (before == null) {
                return rpcError(-32602, "Invalid param: before signature not found", id);
            }
            start = Math.min(start, upperBound(positions, before) - 1);
        }
        int until = -1;
        if (options.hasNonNull("until")) {
            Integer u = solanaIndex().bySignature().get(options.get("until").asText());
            if (u == null) {
                return rpcError(-32602, "Invalid param: until signature not found", id);
            }
            until = u;
        }
        ArrayNode result = FcdRenderer.JSON.createArrayNode();
        List<SimTx> txs = simulator.transactions();
        for (int p = start; p >= 0 && result.size() < limit; p--) {
            if (positions[p] <= until) {
                break;
            }
            result.add(solana.signatureInfo(txs.get(positions[p])));
        }
        return rpcResult(id, result);
    }

    private String getTransaction(JsonNode params, JsonNode id) {
        JsonNode options = params.path(1);
        if (!"jsonParsed".equals(options.path("encoding").asText(""))) {
            return rpcError(-32602, "the simulator serves encoding jsonParsed only", id);
        }
        Integer position = solanaIndex().bySignature().get(params.path(0).asText(""));
        if (position == null || position >= simulator.visibleCount()) {
            return rpcResult(id, FcdRenderer.JSON.nullNode());
        }
        return rpcResult(id, solana.transaction(simulator.transactions().get(position)));
    }

    private static String rpcResult(JsonNode id, JsonNode result) {
        ObjectNode node = FcdRenderer.JSON.createObjectNode();
        node.put("jsonrpc", "2.0");
        node.set("result", result);
        node.set("id", id == null ? FcdRenderer.JSON.nullNode() : id);
        return FcdRenderer.write(node);
    }

    private static String rpcError(long code, String message, JsonNode id) {
        ObjectNode node = FcdRenderer.JSON.createObjectNode();
        node.put("jsonrpc", "2.0");
        node.putObject("error").put("code", code).put("message", message);
        node.set("id", id == null ? FcdRenderer.JSON.getNodeFactory().numberNode(1) : id);
        return FcdRenderer.write(node);
    }

    /** Starts serving on 127.0.0.1:{@code port} (0 picks a free port). */
    public static SimulatorServer start(ChainSimulator simulator, int port) {
        // the JDK server writes headers and body separately; without TCP_NODELAY each answer waits for
        // a delayed ACK (~40 ms). Read once when the JDK server's configuration class loads.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
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
            String path = exchange.getRequestURI().getPath();
            if ("POST".equals(exchange.getRequestMethod())) {
                jsonRpc(exchange);
                return;
            }
            if (!"GET".equals(exchange.getRequestMethod())) {
                respond(exchange, 405, error("INVALID_REQUEST_ERROR", "method not allowed", 405));
                return;
            }
            if (HEAD_PATH.equals(path)) {
                ChainSimulator.Head head = simulator.head();
                ObjectNode body = FcdRenderer.JSON.createObjectNode();
                body.put("chainId", simulator.chainId());
                body.put("height", head.height());
                body.put("timestamp", head.time().toString());
                respond(exchange, 200, FcdRenderer.write(body));
                return;
            }
            if (!TXS_PATH.equals(path)) {
                respond(exchange, 404, error("NOT_FOUND_ERROR", "not found: " + path, 404));
                return;
            }
            Optional<Faults.Fault> fault = faults.take();
            if (fault.isPresent() && applyFault(exchange, fault.get(), false, lastTxsText())) {
                return;
            }
            txs(exchange);
        } catch (IOException e) {
            // the client went away (e.g. it timed out before a slow answer)
            log.debug("Simulator could not answer {}: {}", exchange.getRequestURI(), e.toString());
        } catch (RuntimeException e) {
            log.warn("Simulator failed to answer {}", exchange.getRequestURI(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            exchange.close();
        }
    }

    /**
     * Applies a fault; returns true when it answered, false when the normal answer should follow
     * (a slow answer after its delay, a repeated page with nothing to repeat).
     *
     * @param previous the previous answer to the same kind of request (FCD pages; JSON-RPC
     *                 {@code getTransaction}, or {@code getSignaturesForAddress} of the same address),
     *                 which a stale cache would serve again; null when none
     */
    private boolean applyFault(HttpExchange exchange, Faults.Fault fault, boolean rpc, String previous)
            throws IOException, InterruptedException {
        switch (fault.kind()) {
            case SLOW -> {
                sleeper.sleep(fault.delay());
                return false;
            }
            case MALFORMED -> {
                String last = previous != null ? previous : rpc ? lastRpcBody : lastTxsText();
                String whole = last != null ? last : "{\"limit\":100,\"txs\":[{\"id\":1,\"tx\":{\"type\":\"core/StdTx\"}}]}";
                respond(exchange, 200, whole.substring(0, Math.max(1, whole.length() / 2)));
                return true;
            }
            case REPEAT_PAGE -> {
                if (previous == null) {
                    return false;
                }
                respond(exchange, 200, previous);
                return true;
            }
            default -> {
                respondFault(exchange, fault, rpc);
                return true;
            }
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
        // ids ascend with positions: binary search for the first row at or above the offset, not a scan from the top
        List<Integer> page = new ArrayList<>(limit + 1);
        int top = Math.min(upperBound(positions, visible), belowId(positions, txs, offset));
        for (int p = top - 1; p >= 0 && page.size() <= limit; p--) {
            page.add(positions[p]);
        }
        boolean more = page.size() > limit;
        if (more) {
            page.remove(page.size() - 1);
        }
        // rendered on every request (a cache of trees took gigabytes at a million transactions), straight to UTF-8
        // bytes, without a tree, a generator or a String: the simulator shares the CPU with what it feeds
        List<SimTx> rows = new ArrayList<>(page.size());
        for (int position : page) {
            rows.add(txs.get(position));
        }
        LastPage last = new LastPage(rows, more ? txs.get(page.get(page.size() - 1)).id() : null, limit);
        lastTxsPage = last;
        JsonBytes body = FcdRenderer.page(last.rows(), last.next(), limit, simulator.chainId());
        exchange.getResponseHeaders().set("Content-Type", JSON_TYPE);
        exchange.sendResponseHeaders(200, body.length());
        try (OutputStream out = exchange.getResponseBody()) {
            body.writeTo(out);
        }
    }

    /** An FCD page's rows, newest first, its {@code next} (null on the last page) and its limit. */
    private record LastPage(List<SimTx> rows, Long next, int limit) {
    }

    /** The last FCD page answered, rendered again: the same rows give the same bytes. */
    private String lastTxsText() {
        LastPage last = lastTxsPage;
        return last == null ? null : FcdRenderer.page(last.rows(), last.next(), last.limit(), simulator.chainId()).text();
    }

    /** Number of positions whose transaction id is below {@code offset} (ids ascend with positions). */
    private static int belowId(int[] positions, List<SimTx> txs, long offset) {
        int lo = 0;
        int hi = positions.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (txs.get(positions[mid]).id() < offset) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
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

    private void respondFault(HttpExchange exchange, Faults.Fault fault, boolean rpc) throws IOException {
        if (fault.retryAfter() != null) {
            exchange.getResponseHeaders().set("Retry-After", fault.retryAfterAsDate()
                    ? DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.ofInstant(
                            Instant.now().plus(fault.retryAfter()).plusSeconds(1), ZoneOffset.UTC))
                    : Long.toString(fault.retryAfter().toSeconds()));
        }
        if (rpc) {
            respond(exchange, fault.status(), rpcError(fault.status() == 429 ? 429 : -32603,
                    fault.status() == 429 ? "Too many requests for a specific RPC call, contact your app developer or support@rpcpool.com."
                            : "Internal error", null));
            return;
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
        respond(exchange, status, body.getBytes(StandardCharsets.UTF_8));
    }

    private static void respond(HttpExchange exchange, int status, byte[] bytes) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", JSON_TYPE);
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
