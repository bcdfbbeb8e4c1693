package dev.starfall.ingestor.source.solanarpc;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starfall.ingestor.source.Failures;
import dev.starfall.ingestor.source.HttpChainSource;
import dev.starfall.ingestor.source.MalformedPayloadException;
import dev.starfall.ingestor.source.SourceBatch;
import dev.starfall.ingestor.source.SourceException;
import dev.starfall.ingestor.source.SourcePosition;
import dev.starfall.ingestor.source.SourceSettings;
import dev.starfall.ingestor.source.WatchTarget;
import dev.starfall.ingestor.source.http.Endpoint;
import dev.starfall.ingestor.source.http.HttpApi;
import dev.starfall.ingestor.source.solana.SolanaRpcError;
import dev.starfall.ingestor.source.solana.SolanaSignaturesParser;
import dev.starfall.ingestor.source.solana.SolanaTxParser;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a wallet's history from Solana JSON-RPC.
 *
 * <p>A walk: the head ({@code getSlot} and {@code getBlockTime}, finalized); then, for the wallet
 * and each configured token account (SPL deposits land on the wallet's associated token accounts,
 * which name the wallet only when the transfer creates the account, so they must be watched too;
 * the list is configured, e.g. the ATA of the event's mint), {@code getSignaturesForAddress}
 * newest to oldest with {@code before} and {@code limit}, down to the cursor ({@code until} = the
 * cursor signature on the wallet; by slot on token accounts); then {@code getTransaction}
 * ({@code jsonParsed}, {@code maxSupportedTransactionVersion: 0}, finalized) oldest first, handed
 * over in batches that never split a slot.
 *
 * <p>Cursor: the newest published signature and its slot. Because batches hold whole slots, every
 * signature in a slot at or below the cursor's slot is published, which makes the merge of several
 * addresses unambiguous. A transaction listed under several of the addresses (a deposit that also
 * creates the wallet's token account, a payment from the wallet's token account) is read once. A
 * signature page that does not connect (a signature already listed in this address's walk, slots
 * going up, the {@code before} signature itself) is fetched again, never skipped.
 * {@code result: null} for a listed finalized signature is asked again (retriable). JSON-RPC errors
 * are read by {@link SolanaRpcError} and classified by {@link Failures}.
 */
public final class SolanaSource extends HttpChainSource {

    private static final Logger log = LoggerFactory.getLogger(SolanaSource.class);

    /** API name used in the source id. */
    public static final String API = "solana-rpc";
    /** Most signatures {@code getSignaturesForAddress} returns per page. */
    public static final int MAX_PAGE_LIMIT = 1000;

    private final List<String> tokenAccounts;
    private final SourceSettings settings;
    private final Map<String, SolanaTxParser> parsers = new ConcurrentHashMap<>();

    /**
     * @param target        wallet (Solana address) and denom ({@code lamports} or an SPL mint)
     * @param tokenAccounts token accounts of the wallet to watch as well (may be empty)
     */
    public SolanaSource(WatchTarget target, List<String> tokenAccounts, SourceSettings settings) {
        super(target, checked(settings), API);
        this.tokenAccounts = List.copyOf(tokenAccounts);
        this.settings = settings;
    }

    private static SourceSettings checked(SourceSettings settings) {
        if (settings.pageLimit() > MAX_PAGE_LIMIT) {
            throw new IllegalArgumentException("getSignaturesForAddress takes limit 1.." + MAX_PAGE_LIMIT + ", was " + settings.pageLimit());
        }
        return settings;
    }

    private record Sig(String signature, long slot, Instant blockTime, int order) {
    }

    @Override
    public WalkResult fetchNewer(Optional<SourcePosition> after, BatchSink sink) throws InterruptedException {
        if (sink.stopRequested()) {
            return new WalkResult(0, 0, 0, true, null);
        }
        Instant head = readHead();
        long cursorSlot = after.map(SourcePosition::blockHeight).orElse(-1L);
        String cursorSig = after.map(SourcePosition::position).orElse(null);
        Map<String, Sig> found = new LinkedHashMap<>();
        int pages = 0;
        List<String> addresses = new ArrayList<>();
        addresses.add(target.wallet());
        addresses.addAll(tokenAccounts);
        for (String address : addresses) {
            String before = null;
            long beforeSlot = Long.MAX_VALUE;
            Set<String> listedHere = new HashSet<>();
            boolean done = false;
            while (!done) {
                if (sink.stopRequested()) {
                    return new WalkResult(pages, 0, 0, true, head);
                }
                String until = address.equals(target.wallet()) ? cursorSig : null;
                SolanaSignaturesParser.Page page = signatures(address, before, beforeSlot, until, listedHere);
                pages++;
                stats.page();
                for (SolanaSignaturesParser.Signature s : page.signatures()) {
                    listedHere.add(s.signature());
                    if (s.slot() <= cursorSlot) {
                        done = true;
                        break;
                    }
                    found.putIfAbsent(s.signature(), new Sig(s.signature(), s.slot(), s.blockTime(), found.size()));
                }
                sink.walking(pages, found.size(), null);
                if (page.end() || page.signatures().size() < settings.pageLimit()) {
                    done = true;
                }
                if (!page.end()) {
                    before = page.oldest().orElseThrow();
                    beforeSlot = page.signatures().get(page.signatures().size() - 1).slot();
                }
            }
        }
        // oldest first: by slot ascending, then by reverse discovery order (the lists are newest first)
        List<Sig> oldestFirst = new ArrayList<>(found.values());
        oldestFirst.sort(Comparator.comparingLong(Sig::slot).thenComparing(Comparator.comparingInt(Sig::order).reversed()));
        int transactions = 0;
        int events = 0;
        int from = 0;
        while (from < oldestFirst.size()) {
            if (sink.stopRequested()) {
                return new WalkResult(pages, transactions, events, true, head);
            }
            int to = Math.min(oldestFirst.size(), from + settings.batchSize());
            while (to < oldestFirst.size() && oldestFirst.get(to).slot() == oldestFirst.get(to - 1).slot()) {
                to++;
            }
            List<SolanaTxParser.ParsedTx> txs = new ArrayList<>(to - from);
            for (Sig sig : oldestFirst.subList(from, to)) {
                SolanaTxParser.ParsedTx tx = transaction(sig.signature());
                stats.transaction(tx.blockTime());
                txs.add(tx);
            }
            SolanaTxParser.ParsedTx newest = txs.get(txs.size() - 1);
            SourceBatch batch = SourceBatch.of(txs, new SourcePosition(newest.signature(), newest.slot(), newest.blockTime()));
            if (to == oldestFirst.size()) {
                batch = batch.withChainTime(head);
            }
            sink.accept(batch);
            transactions += to - from;
            events += batch.events();
            from = to;
        }
        return new WalkResult(pages, transactions, events, false, head);
    }

    private static String rpc(String method, ArrayNode params) {
        ObjectNode node = JSON.createObjectNode();
        node.put("jsonrpc", "2.0");
        node.put("id", 1);
        node.put("method", method);
        node.set("params", params);
        return node.toString();
    }

    /**
     * One page of {@code address}'s signatures below {@code before} (at slot {@code beforeSlot}); a page that lists
     * {@code before} itself, a signature {@code listed} already in this address's walk, or slots going up does not
     * connect.
     */
    private SolanaSignaturesParser.Page signatures(String address, String before, long beforeSlot, String until, Set<String> listed)
            throws InterruptedException {
        ArrayNode params = JSON.createArrayNode().add(address);
        ObjectNode options = params.addObject();
        options.put("limit", settings.pageLimit());
        options.put("commitment", "finalized");
        if (before != null) {
            options.put("before", before);
        }
        if (until != null) {
            options.put("until", until);
        }
        HttpApi.Request request = HttpApi.Request.postJson("/", rpc("getSignaturesForAddress", params));
        Set<String> listedBefore = Collections.unmodifiableSet(listed);
        return api.call(request, (endpoint, status, body) -> {
            JsonNode json = read(endpoint, request, body);
            rpcError(endpoint, request, status, json);
            SolanaSignaturesParser.Page page = new SolanaSignaturesParser(endpoint.baseUrl()).parse(json);
            long previousSlot = beforeSlot;
            for (SolanaSignaturesParser.Signature s : page.signatures()) {
                if (s.signature().equals(before) || s.slot() > previousSlot || listedBefore.contains(s.signature())) {
                    throw Failures.discontinuity(endpoint.baseUrl(), request.description(), "signature " + s.signature()
                            + " at slot " + s.slot() + " does not continue below " + before);
                }
                previousSlot = s.slot();
            }
            return page;
        }).value();
    }

    private SolanaTxParser.ParsedTx transaction(String signature) throws InterruptedException {
        ArrayNode params = JSON.createArrayNode().add(signature);
        params.addObject().put("encoding", "jsonParsed").put("maxSupportedTransactionVersion", 0).put("commitment", "finalized");
        HttpApi.Request request = HttpApi.Request.postJson("/", rpc("getTransaction", params));
        return api.call(request, (endpoint, status, body) -> {
            JsonNode json = read(endpoint, request, body);
            rpcError(endpoint, request, status, json);
            SolanaTxParser.Outcome outcome = parser(endpoint).parseResponse(json);
            if (outcome instanceof SolanaTxParser.Found f) {
                if (!f.tx().signature().equals(signature)) {
                    throw Failures.discontinuity(endpoint.baseUrl(), request.description(), "answered with transaction "
                            + f.tx().signature());
                }
                return f.tx();
            }
            if (outcome instanceof SolanaTxParser.RpcFailed r) {
                throw r.error().toException(endpoint.baseUrl(), request.description(), status);
            }
            throw new SourceException(endpoint.baseUrl(), request.description() + " returned null for a listed signature",
                    true, 0, null, null, null);
        }).value();
    }

    /** {@code getSlot} and {@code getBlockTime}, finalized; null when the node cannot say (logged). */
    private Instant readHead() throws InterruptedException {
        try {
            HttpApi.Request slotRequest = HttpApi.Request.postJson("/", rpc("getSlot",
                    JSON.createArrayNode().add(JSON.createObjectNode().put("commitment", "finalized"))));
            long slot = api.call(slotRequest, (endpoint, status, body) -> {
                JsonNode json = read(endpoint, slotRequest, body);
                rpcError(endpoint, slotRequest, status, json);
                JsonNode result = json.get("result");
                if (result == null || !result.canConvertToLong()) {
                    throw Failures.unparseable(endpoint.baseUrl(), slotRequest.description(), "$.result", "not a slot: " + result, null);
                }
                return result.longValue();
            }).value();
            HttpApi.Request timeRequest = HttpApi.Request.postJson("/", rpc("getBlockTime", JSON.createArrayNode().add(slot)));
            Instant time = api.call(timeRequest, (endpoint, status, body) -> {
                JsonNode json = read(endpoint, timeRequest, body);
                rpcError(endpoint, timeRequest, status, json);
                JsonNode result = json.get("result");
                if (result == null || !result.canConvertToLong()) {
                    throw Failures.unparseable(endpoint.baseUrl(), timeRequest.description(), "$.result", "not unix seconds: " + result, null);
                }
                return Instant.ofEpochSecond(result.longValue());
            }).value();
            stats.chainTime(time);
            return time;
        } catch (SourceException e) {
            if (e.retriable() || e instanceof MalformedPayloadException) {
                throw e;
            }
            log.info("{}: no chain head this walk: {}", endpoint(), e.getMessage());
            return null;
        }
    }

    /** A JSON-RPC response object. */
    private static JsonNode read(Endpoint endpoint, HttpApi.Request request, byte[] body) {
        JsonNode json = readJson(endpoint, request, body);
        if (!json.isObject()) {
            throw Failures.unparseable(endpoint.baseUrl(), request.description(), "$", "not a JSON-RPC response object", null);
        }
        return json;
    }

    /** A JSON-RPC error inside a 2xx answer, read by {@link SolanaRpcError} and classified by {@link Failures#rpcError}. */
    private static void rpcError(Endpoint endpoint, HttpApi.Request request, int status, JsonNode json) {
        Optional<SolanaRpcError> error;
        try {
            error = SolanaRpcError.from(json);
        } catch (IllegalArgumentException e) {
            throw Failures.unparseable(endpoint.baseUrl(), request.description(), "$.error", e.getMessage(), e);
        }
        if (error.isPresent()) {
            throw error.get().toException(endpoint.baseUrl(), request.description(), status);
        }
    }

    private SolanaTxParser parser(Endpoint endpoint) {
        return parsers.computeIfAbsent(endpoint.baseUrl(), url -> new SolanaTxParser(target, url, settings.clock()));
    }

    @Override
    public String toString() {
        return "SolanaSource[" + pool.endpoints() + ", " + target.wallet() + " + " + tokenAccounts + "]";
    }
}
