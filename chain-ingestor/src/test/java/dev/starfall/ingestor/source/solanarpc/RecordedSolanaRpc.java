package dev.starfall.ingestor.source.solanarpc;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.starfall.ingestor.Fixtures;
import dev.starfall.ingestor.source.solana.SolanaFixtures;

import static dev.starfall.ingestor.source.solana.SolanaFixtures.BATCH;
import static dev.starfall.ingestor.source.solana.SolanaFixtures.EMPTY_END;
import static dev.starfall.ingestor.source.solana.SolanaFixtures.ERROR_32005;
import static dev.starfall.ingestor.source.solana.SolanaFixtures.ERROR_429;
import static dev.starfall.ingestor.source.solana.SolanaFixtures.PAGE1;
import static dev.starfall.ingestor.source.solana.SolanaFixtures.PAGE2;
import static dev.starfall.ingestor.source.solana.SolanaFixtures.SOL_TX;
import static dev.starfall.ingestor.source.solana.SolanaFixtures.USDC_TX;

/**
 * A Solana JSON-RPC node on 127.0.0.1 that answers from the recorded payloads of
 * {@code shared/fixtures/chain/solana-rpc}, by method and params:
 *
 * <ul>
 *   <li>{@code getTransaction [sig, {encoding: jsonParsed, maxSupportedTransactionVersion: 0, commitment: finalized}]}: the
 *       recorded response of that signature, byte for byte (the three responses of the recorded
 *       {@code getConfirmedTransaction} batch are served one by one, as a node answers single requests); an unknown
 *       signature gets {@code result: null}; any other request form gets {@code -32602};</li>
 *   <li>{@code getSignaturesForAddress [address, {limit, before, until}]}: for the recorded address
 *       {@value #PAGED_ADDRESS} with limit 5 the recorded pages (page 1 without {@code before}, page 2 with
 *       {@code before} = the last signature of page 1). Pages 3 to 5 were not recorded, so this history ends after
 *       page 2: {@code before} = the last signature of page 2 gets the recorded empty page. For any other address the
 *       page is derived from the recorded transactions that name the address in their {@code accountKeys} (what a node
 *       lists), newest first, honouring {@code before}, {@code until} and {@code limit}; an empty page is the recorded
 *       empty page;</li>
 *   <li>{@code getSlot} / {@code getBlockTime}: nothing of the kind was recorded; the head is the newest recorded slot
 *       and its recorded block time.</li>
 * </ul>
 * {@link #inject} queues answers (status and body, e.g. the recorded 429 or -32005 errors) served before the real one
 * for a method; every call is recorded. Thread-safe.
 */
final class RecordedSolanaRpc implements AutoCloseable {

    static final String PAGED_ADDRESS = "4kLALtynrmd6pU2LkGXZCmUaMDfsnVixs7SkLjPKNJQG";
    /** Every fixture file this server replays; a new file in the directory needs a place here. */
    static final Set<String> FILES = Set.of(PAGE1, PAGE2, EMPTY_END, USDC_TX, SOL_TX, BATCH, ERROR_429, ERROR_32005);

    /** One JSON-RPC call as received. */
    record Call(String method, JsonNode params) {
        String first() {
            return params.path(0).asText();
        }

        JsonNode options() {
            return params.path(1);
        }
    }

    /** A canned answer. */
    record Answer(int status, String body) {
    }

    /** A recorded transaction: its response body and what a signature listing says of it. */
    private record Recorded(String signature, String body, long slot, long blockTime, JsonNode err, String memo,
                            Set<String> accountKeys) {
    }

    private final HttpServer server;
    private final Map<String, Recorded> transactions = new HashMap<>();
    private final Map<String, String> pagedAddressPages = new HashMap<>();
    private final Map<Long, Long> blockTimes = new HashMap<>();
    private final Map<String, Deque<Answer>> injected = new HashMap<>();
    private final List<Call> calls = new ArrayList<>();
    private final String emptyPage;
    private final long headSlot;

    RecordedSolanaRpc() {
        for (String name : List.of(SOL_TX, USDC_TX)) {
            String body = SolanaFixtures.read(name);
            record(body, SolanaFixtures.parse(body));
        }
        for (JsonNode response : SolanaFixtures.json(BATCH)) {
            record(response.toString(), response);
        }
        String page1 = SolanaFixtures.read(PAGE1);
        String page2 = SolanaFixtures.read(PAGE2);
        pagedAddressPages.put("", page1);
        pagedAddressPages.put(last(page1), page2);
        emptyPage = SolanaFixtures.read(EMPTY_END);
        pagedAddressPages.put(last(page2), emptyPage);
        for (String page : List.of(page1, page2)) {
            for (JsonNode e : SolanaFixtures.parse(page).path("result")) {
                blockTimes.put(e.path("slot").longValue(), e.path("blockTime").longValue());
            }
        }
        headSlot = blockTimes.keySet().stream().max(Long::compare).orElseThrow();
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", this::handle);
        server.start();
    }

    private void record(String body, JsonNode response) {
        JsonNode result = response.path("result");
        String signature = result.path("transaction").path("signatures").path(0).asText();
        long slot = result.path("slot").longValue();
        long blockTime = result.path("blockTime").longValue();
        Set<String> keys = new LinkedHashSet<>();
        for (JsonNode k : result.path("transaction").path("message").path("accountKeys")) {
            keys.add(k.path("pubkey").asText());
        }
        List<String> memos = new ArrayList<>();
        for (JsonNode ix : result.path("transaction").path("message").path("instructions")) {
            if ("spl-memo".equals(ix.path("program").asText()) && ix.path("parsed").isTextual()) {
                String memo = ix.path("parsed").textValue();
                memos.add("[" + memo.getBytes(StandardCharsets.UTF_8).length + "] " + memo);
            }
        }
        transactions.put(signature, new Recorded(signature, body, slot, blockTime, result.path("meta").path("err"),
                memos.isEmpty() ? null : String.join("; ", memos), keys));
        blockTimes.put(slot, blockTime);
    }

    private static String last(String page) {
        JsonNode result = SolanaFixtures.parse(page).path("result");
        return result.path(result.size() - 1).path("signature").asText();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Answers the next {@code method} call with {@code status} and {@code body} instead of the recorded answer. */
    synchronized void inject(String method, int status, String body) {
        injected.computeIfAbsent(method, m -> new ArrayDeque<>()).addLast(new Answer(status, body));
    }

    /** The calls of {@code method} received so far, in order. */
    synchronized List<Call> calls(String method) {
        return calls.stream().filter(c -> c.method().equals(method)).toList();
    }

    /** The recorded body of the transaction {@code signature}. */
    String transactionBody(String signature) {
        return transactions.get(signature).body();
    }

    /** The head slot's recorded block time (unix seconds). */
    long headTime() {
        return blockTimes.get(headSlot);
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            JsonNode request;
            try (InputStream in = exchange.getRequestBody()) {
                request = Fixtures.JSON.readTree(in);
            }
            String method = request.path("method").asText();
            Call call = new Call(method, request.path("params"));
            Answer answer;
            synchronized (this) {
                calls.add(call);
                Deque<Answer> queue = injected.get(method);
                answer = queue == null ? null : queue.pollFirst();
            }
            if (answer == null) {
                answer = answer(call);
            }
            byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
            exchange.sendResponseHeaders(answer.status(), bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    private Answer answer(Call call) {
        return switch (call.method()) {
            case "getSlot" -> ok(Long.toString(headSlot));
            case "getBlockTime" -> {
                Long time = blockTimes.get(call.params().path(0).asLong(-1));
                yield time == null ? error(-32004, "Block not available for slot " + call.params().path(0)) : ok(time.toString());
            }
            case "getTransaction" -> getTransaction(call);
            case "getSignaturesForAddress" -> getSignatures(call);
            default -> error(-32601, "Method not found");
        };
    }

    private Answer getTransaction(Call call) {
        JsonNode options = call.options();
        if (!"jsonParsed".equals(options.path("encoding").asText()) || options.path("maxSupportedTransactionVersion").asInt(-1) != 0
                || !"finalized".equals(options.path("commitment").asText())) {
            return error(-32602, "Invalid params: expected jsonParsed, maxSupportedTransactionVersion 0, finalized");
        }
        Recorded tx = transactions.get(call.first());
        return tx == null ? ok("null") : new Answer(200, tx.body());
    }

    private Answer getSignatures(Call call) {
        JsonNode options = call.options();
        int limit = options.path("limit").asInt(1000);
        String before = options.path("before").asText("");
        String until = options.path("until").asText("");
        if (PAGED_ADDRESS.equals(call.first())) {
            String page = pagedAddressPages.get(before);
            if (limit != 5 || !until.isEmpty() || page == null) {
                return error(-32602, "Invalid params: only the recorded pages (limit 5) of " + PAGED_ADDRESS + " are served");
            }
            return new Answer(200, page);
        }
        List<Recorded> listed = transactions.values().stream()
                .filter(t -> t.accountKeys().contains(call.first()))
                .sorted(Comparator.comparingLong(Recorded::slot).reversed())
                .toList();
        ArrayNode result = Fixtures.JSON.createArrayNode();
        boolean older = before.isEmpty();
        for (Recorded t : listed) {
            if (t.signature().equals(until) || result.size() >= limit) {
                break;
            }
            if (older) {
                ObjectNode e = result.addObject();
                e.put("blockTime", t.blockTime());
                e.put("confirmationStatus", "finalized");
                e.set("err", t.err().isMissingNode() ? Fixtures.JSON.nullNode() : t.err());
                e.put("memo", t.memo());
                e.put("signature", t.signature());
                e.put("slot", t.slot());
            }
            older = older || t.signature().equals(before);
        }
        return result.isEmpty() ? new Answer(200, emptyPage) : ok(result.toString());
    }

    private static Answer ok(String result) {
        return new Answer(200, "{\"jsonrpc\":\"2.0\",\"result\":" + result + ",\"id\":1}");
    }

    private static Answer error(long code, String message) {
        ObjectNode node = Fixtures.JSON.createObjectNode();
        node.put("jsonrpc", "2.0");
        node.putObject("error").put("code", code).put("message", message);
        node.put("id", 1);
        return new Answer(200, node.toString());
    }
}
