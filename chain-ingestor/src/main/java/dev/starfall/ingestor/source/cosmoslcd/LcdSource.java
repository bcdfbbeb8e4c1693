package dev.starfall.ingestor.source.cosmoslcd;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.starfall.ingestor.source.Failures;
import dev.starfall.ingestor.source.HttpChainSource;
import dev.starfall.ingestor.source.SourceBatch;
import dev.starfall.ingestor.source.SourceException;
import dev.starfall.ingestor.source.SourcePosition;
import dev.starfall.ingestor.source.SourceSettings;
import dev.starfall.ingestor.source.WatchTarget;
import dev.starfall.ingestor.source.http.Endpoint;
import dev.starfall.ingestor.source.http.HttpApi;
import dev.starfall.ingestor.source.lcd.LcdQuery;
import dev.starfall.ingestor.source.lcd.LcdTxParser;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a wallet's incoming transfers from a Cosmos SDK LCD, {@code GET /cosmos/tx/v1beta1/txs}
 * with {@code transfer.recipient='<wallet>'} ({@code events=} on SDK 0.45/0.47, {@code query=} on
 * 0.50; {@link LcdQuery}), oldest first ({@code order_by=ORDER_BY_ASC}), page by page.
 *
 * <p>Cursor position {@code <height>:<txhash>:<page>}: the newest published transaction and the
 * page it was on (pages of older transactions do not move when new ones are appended). A walk
 * starts at that page, skips up to and including the cursor's transaction, and hands over what
 * follows as it goes (ascending order needs no look-ahead, so a crash loses at most one batch).
 * Transactions already seen in the walk are dropped (an offset rounded down to a page, a node that
 * repeats a page); a full page that brings nothing new is fetched once more and then taken as the
 * end (legacy nodes answer out-of-range pages with the last page); heights going down are a page
 * that does not connect and are fetched again. An empty or short page, or gRPC code 3 past page 1,
 * ends the walk. The head comes from {@code GET /cosmos/base/tendermint/v1beta1/blocks/latest}.
 */
public final class LcdSource extends HttpChainSource {

    private static final Logger log = LoggerFactory.getLogger(LcdSource.class);

    /** API name used in the source id. */
    public static final String API = "lcd";
    /** Path of the latest block. */
    public static final String HEAD_PATH = "/cosmos/base/tendermint/v1beta1/blocks/latest";

    private final LcdQuery.Dialect dialect;
    private final SourceSettings settings;
    private final Map<String, LcdTxParser> parsers = new ConcurrentHashMap<>();
    private volatile boolean headSupported = true;

    public LcdSource(WatchTarget target, LcdQuery.Dialect dialect, SourceSettings settings) {
        super(checked(target, settings), settings, API);
        this.dialect = Objects.requireNonNull(dialect, "dialect");
        this.settings = settings;
    }

    private static WatchTarget checked(WatchTarget target, SourceSettings settings) {
        if (settings.pageLimit() > LcdQuery.MAX_LIMIT) {
            throw new IllegalArgumentException("LCD pages hold at most " + LcdQuery.MAX_LIMIT + " results, was " + settings.pageLimit());
        }
        LcdQuery.condition(target.wallet());
        return target;
    }

    private record Cursor(long height, String txHash, long page) {
        static Cursor parse(String position) {
            String[] parts = position.split(":");
            if (parts.length != 3) {
                throw new IllegalArgumentException("LCD cursor position must be <height>:<txhash>:<page>, was " + position);
            }
            return new Cursor(Long.parseLong(parts[0]), parts[1], Long.parseLong(parts[2]));
        }
    }

    @Override
    public WalkResult fetchNewer(Optional<SourcePosition> after, BatchSink sink) throws InterruptedException {
        if (sink.stopRequested()) {
            return new WalkResult(0, 0, 0, true, null);
        }
        Instant head = readHead();
        Cursor cursor;
        try {
            cursor = after.map(p -> Cursor.parse(p.position())).orElse(null);
        } catch (IllegalArgumentException e) {
            throw new SourceException(endpoint(), e.getMessage(), false, 0, null, null, e);
        }
        long page = cursor == null ? 1 : Math.max(1, cursor.page());
        boolean passedCursor = cursor == null;
        boolean restarted = false;
        Set<String> seen = new HashSet<>();
        long lastHeight = cursor == null ? -1 : cursor.height();
        List<LcdTxParser.ParsedTx> pending = new ArrayList<>();
        List<Long> pendingPages = new ArrayList<>();
        int pages = 0;
        int transactions = 0;
        int events = 0;
        int emptyRepeats = 0;
        while (true) {
            if (sink.stopRequested()) {
                return new WalkResult(pages, transactions, events, true, head);
            }
            LcdTxParser.Page result = fetchPage(page, lastHeight);
            pages++;
            stats.page();
            if (result == null || result.txs().isEmpty()) {
                break;
            }
            if (!passedCursor && !restarted && result.txs().get(0).height() > cursor.height() && page > 1) {
                // the cursor's page moved (another page size?): look for it from the first page
                log.warn("{}: cursor {} not on page {}; searching from page 1", endpoint(), cursor, page);
                page = 1;
                restarted = true;
                continue;
            }
            int fresh = 0;
            for (LcdTxParser.ParsedTx tx : result.txs()) {
                if (!passedCursor) {
                    if (tx.txHash().equals(cursor.txHash())) {
                        passedCursor = true;
                        continue;
                    }
                    if (tx.height() <= cursor.height()) {
                        continue;
                    }
                    passedCursor = true;
                }
                if (tx.height() < lastHeight || !seen.add(tx.txHash())) {
                    continue;
                }
                fresh++;
                lastHeight = tx.height();
                stats.transaction(tx.blockTime());
                pending.add(tx);
                pendingPages.add(page);
            }
            sink.walking(pages, transactions + pending.size(), null);
            if (fresh == 0 && result.txs().size() >= settings.pageLimit() && passedCursor) {
                if (++emptyRepeats < 2) {
                    continue;
                }
                break;
            }
            emptyRepeats = 0;
            while (pending.size() >= settings.batchSize()) {
                events += handOver(pending.subList(0, settings.batchSize()), pendingPages, sink, null);
                transactions += settings.batchSize();
            }
            if (result.txs().size() < settings.pageLimit()) {
                break;
            }
            page++;
        }
        if (!pending.isEmpty()) {
            int n = pending.size();
            events += handOver(pending.subList(0, n), pendingPages, sink, head);
            transactions += n;
        } else if (transactions > 0) {
            // the last batch is already out; the head moves through a cursor-only transaction later
            log.debug("{}: walk ended on a batch boundary", endpoint());
        }
        return new WalkResult(pages, transactions, events, false, head);
    }

    /** Hands {@code txs} (a prefix of pending) over as one batch and removes them; returns the events. */
    private static int handOver(List<LcdTxParser.ParsedTx> txs, List<Long> pendingPages, BatchSink sink, Instant head)
            throws InterruptedException {
        LcdTxParser.ParsedTx newest = txs.get(txs.size() - 1);
        long page = pendingPages.get(txs.size() - 1);
        SourceBatch batch = SourceBatch.of(txs,
                new SourcePosition(newest.height() + ":" + newest.txHash() + ":" + page, newest.height(), newest.blockTime()))
                .withChainTime(head);
        sink.accept(batch);
        int n = txs.size();
        txs.clear();
        pendingPages.subList(0, n).clear();
        return batch.events();
    }

    /** One page; null past the end (gRPC code 3 "page out of range" on a page after the first). */
    private LcdTxParser.Page fetchPage(long page, long lastHeight) throws InterruptedException {
        HttpApi.Request request = HttpApi.Request.get(LcdQuery.PATH + "?"
                + LcdQuery.transfersTo(dialect, target.wallet(), page, settings.pageLimit()));
        try {
            return api.call(request, (endpoint, status, body) -> {
                LcdTxParser.Page p = parser(endpoint).parsePage(readJson(endpoint, request, body));
                long previous = Long.MIN_VALUE;
                for (LcdTxParser.ParsedTx tx : p.txs()) {
                    if (tx.height() < previous) {
                        throw Failures.discontinuity(endpoint.baseUrl(), request.description(), "height " + tx.height()
                                + " after " + previous + " in an ascending page");
                    }
                    previous = tx.height();
                }
                if (!p.txs().isEmpty() && page > 1 && p.txs().get(p.txs().size() - 1).height() < lastHeight) {
                    throw Failures.discontinuity(endpoint.baseUrl(), request.description(), "page " + page
                            + " ends below height " + lastHeight + " already read");
                }
                return p;
            }, LcdSource::errorBody).value();
        } catch (SourceException e) {
            if (!e.retriable() && page > 1 && "grpc-3".equals(e.errorType())) {
                // CometBFT: "page should be within [1, n] range" - past the last page
                return null;
            }
            throw e;
        }
    }

    /** A gRPC-gateway error body ({@code {code, message, details}}) classified by {@link dev.starfall.ingestor.source.lcd.LcdError}. */
    private static SourceException errorBody(Endpoint endpoint, int status, String body) {
        try {
            JsonNode json = JSON.readTree(body);
            return json == null ? null : dev.starfall.ingestor.source.lcd.LcdError.from(json)
                    .map(e -> e.toException(endpoint.baseUrl(), "HTTP " + status))
                    .orElse(null);
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    private Instant readHead() throws InterruptedException {
        if (!headSupported) {
            return null;
        }
        HttpApi.Request request = HttpApi.Request.get(HEAD_PATH);
        try {
            Instant head = api.call(request, (endpoint, status, body) -> {
                JsonNode time = readJson(endpoint, request, body).path("block").path("header").path("time");
                if (!time.isTextual()) {
                    throw Failures.unparseable(endpoint.baseUrl(), request.description(), "$.block.header.time", "missing or not a string", null);
                }
                try {
                    return Instant.parse(time.asText());
                } catch (DateTimeParseException e) {
                    throw Failures.unparseable(endpoint.baseUrl(), request.description(), "$.block.header.time", "not an instant", e);
                }
            }).value();
            stats.chainTime(head);
            return head;
        } catch (SourceException e) {
            if (!e.retriable() && (e.httpStatus() == 404 || e.httpStatus() == 501)) {
                log.info("{} does not serve {}; chain time from transactions only", endpoint(), HEAD_PATH);
                headSupported = false;
                return null;
            }
            throw e;
        }
    }

    private LcdTxParser parser(Endpoint endpoint) {
        return parsers.computeIfAbsent(endpoint.baseUrl(), url -> new LcdTxParser(target, url, settings.clock()));
    }

    @Override
    public String toString() {
        return "LcdSource[" + pool.endpoints() + ", " + target.wallet() + ", " + dialect + "]";
    }
}
