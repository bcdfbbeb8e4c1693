package dev.starfall.ingestor.source.fcd;

import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.starfall.ingestor.source.Failures;
import dev.starfall.ingestor.source.HttpChainSource;
import dev.starfall.ingestor.source.RetryPolicy;
import dev.starfall.ingestor.source.Sleeper;
import dev.starfall.ingestor.source.SourceBatch;
import dev.starfall.ingestor.source.SourceException;
import dev.starfall.ingestor.source.SourcePosition;
import dev.starfall.ingestor.source.WatchTarget;
import dev.starfall.ingestor.source.fcd.FcdTxParser.ParsedTx;
import dev.starfall.ingestor.source.http.Endpoint;
import dev.starfall.ingestor.source.http.EndpointPool;
import dev.starfall.ingestor.source.http.HttpApi;
import dev.starfall.ingestor.source.http.Ticker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a wallet's history from Terra Classic FCD, {@code GET /v1/txs?account=&limit=&offset=}.
 *
 * <p>FCD pages are keyset pages, newest first: {@code offset} is the {@code next} of the previous
 * page, an FCD row id; rows have {@code id < offset}. The cursor is the row id of the newest
 * published transaction. A walk first asks for the chain head ({@code GET /v1/blocks/latest}; when
 * the FCD answers 404 or 501 it is not asked again), then reads from the top down to the cursor,
 * checks that each page connects to the previous one (ids strictly decreasing, below the offset,
 * {@code next} equal to the last id; otherwise the page is fetched again, never skipped), parses
 * every new transaction, and hands them over oldest first in batches of
 * {@link Builder#batchSize(int)} transactions; the last batch carries the head's time as its chain
 * time. Transactions that arrive during a walk have higher ids and are read by the next walk.
 *
 * <p><b>Backfill in windows.</b> FCD only pages newest first, so a walk must reach the cursor before
 * it can hand anything over. When more than {@link Builder#windowPages(int)} pages lie above the
 * cursor (a first backfill, or a long outage), the walk does not hold the whole history in memory
 * and re-read it after every crash (what the reference event's backend did): it goes upwards in
 * windows of row ids {@code (low, o)}, each read top-down from {@code offset=o} and handed over
 * (committed) as soon as it reaches {@code low}; the window span adapts to the rows' density.
 * Without a cursor it first finds the bottom of the history by probing pages below the lowest row
 * read. A crash loses at most one window.
 *
 * <p><b>Several endpoints.</b> Requests go through an {@link EndpointPool} (weighted split,
 * failover, pacing, circuit breakers; {@link HttpApi}). FCD row ids are internal ids of one FCD
 * database, so the cursor (a row id) and the pages of one walk are only comparable between
 * endpoints backed by the <em>same</em> FCD database (replicas behind one provider, or one FCD
 * behind several proxies/CDNs). We keep the row-id cursor because it is FCD's only stable keyset
 * and, unlike a height, it cannot split a block's transactions over two pages; configure only
 * endpoints of one FCD database. A cursor that the history does not reach is refused (fatal), so a
 * foreign FCD is noticed instead of publishing its history again.
 *
 * <p>Each request times out after {@link Builder#requestTimeout}; retries follow {@link RetryPolicy}
 * as classified by {@link Failures}.
 */
public final class FcdSource extends HttpChainSource {

    private static final Logger log = LoggerFactory.getLogger(FcdSource.class);
    private static final FcdPageReader PAGES = new FcdPageReader(JSON);

    /** API name used in the source id. */
    public static final String API = "fcd";
    /** The only page sizes FCD accepts since Sept 2021. */
    public static final List<Integer> ALLOWED_LIMITS = List.of(10, 100);
    /** Path of the chain head. */
    public static final String HEAD_PATH = "/v1/blocks/latest";

    private final Clock clock;
    private final Map<String, FcdTxParser> parsers = new ConcurrentHashMap<>();
    private final int pageLimit;
    private final int batchSize;
    private final int windowPages;
    private volatile boolean headSupported;
    /** Fetches the next page of a walk while the current one is parsed; its thread ends when idle. */
    private final ExecutorService prefetcher;

    private FcdSource(Builder b) {
        super(b.target, API, b.pool != null ? b.pool : new EndpointPool(b.endpoints, b.settings, b.ticker),
                (pool, stats) -> new HttpApi(pool, b.http != null ? b.http : HttpApi.defaultHttpClient(), b.retryPolicy, b.sleeper,
                        b.random, b.requestTimeout, b.clock, stats));
        this.clock = b.clock;
        this.pageLimit = b.pageLimit;
        this.batchSize = b.batchSize;
        this.windowPages = b.windowPages;
        this.headSupported = b.readHead;
        String name = "fcd-prefetch-" + b.target.wallet();
        ThreadPoolExecutor executor = new ThreadPoolExecutor(1, 1, 5, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
        executor.allowCoreThreadTimeOut(true);
        this.prefetcher = executor;
    }

    /**
     * @param baseUrl FCD base URL without the path, e.g. {@code https://fcd.terra.dev}
     * @param target  the wallet and denom to watch
     */
    public static Builder builder(String baseUrl, WatchTarget target) {
        return new Builder(target).endpoints(List.of(new EndpointPool.EndpointConfig("primary", baseUrl, 1)));
    }

    /** A source over several endpoints of the same FCD database (see the class comment). */
    public static Builder builder(List<EndpointPool.EndpointConfig> endpoints, WatchTarget target) {
        return new Builder(target).endpoints(endpoints);
    }

    /** An HTTP/1.1 client with a 10 s connect timeout; share one per process. */
    public static HttpClient defaultHttpClient() {
        return HttpApi.defaultHttpClient();
    }

    @Override
    public WalkResult fetchNewer(Optional<SourcePosition> after, BatchSink sink) throws InterruptedException {
        long cursorId = after.map(p -> parseCursor(p.position())).orElse(-1L);
        if (sink.stopRequested()) {
            return new WalkResult(0, 0, 0, true, null);
        }
        Instant head = readHead();
        Walk walk = new Walk(sink, head);
        long low = cursorId;
        while (true) {
            TopDown top = readDown(null, low, windowPages, walk);
            if (top == null) {
                return walk.result(true);
            }
            if (top.reached()) {
                if (cursorId >= 0 && !top.sawCursorOrBelow() && top.endOfHistory()) {
                    throw new SourceException(endpoint(), "the history of " + target.wallet() + " ends before the cursor row id "
                            + cursorId + "; is this the FCD the cursor came from? Refusing to publish it again",
                            false, 0, null, null, null);
                }
                if (!walk.handOver(top.rows(), true)) {
                    return walk.result(true);
                }
                return walk.result(false);
            }
            // more than windowPages pages above the cursor: backfill upwards in windows, so that a crash
            // loses at most one window instead of the whole walk
            low = backfillWindows(low, top, walk);
            if (low == STOPPED) {
                return walk.result(true);
            }
        }
    }

    private static final long STOPPED = Long.MIN_VALUE;

    /** One walk's progress: counters, hand-over in batches, head time for the last batch. */
    private final class Walk {
        final BatchSink sink;
        final Instant head;
        int pages;
        int transactions;
        int events;

        Walk(BatchSink sink, Instant head) {
            this.sink = sink;
            this.head = head;
        }

        /** Hands {@code newestFirst} over oldest first; returns false when stopped. */
        boolean handOver(List<ParsedTx> newestFirst, boolean last) throws InterruptedException {
            List<ParsedTx> oldestFirst = new ArrayList<>(newestFirst);
            Collections.reverse(oldestFirst);
            for (int from = 0; from < oldestFirst.size(); from += batchSize) {
                if (sink.stopRequested()) {
                    return false;
                }
                int to = Math.min(oldestFirst.size(), from + batchSize);
                SourceBatch batch = batch(oldestFirst.subList(from, to));
                if (last && to == oldestFirst.size()) {
                    batch = batch.withChainTime(head);
                }
                sink.accept(batch);
                transactions += to - from;
                events += batch.events();
            }
            return true;
        }

        WalkResult result(boolean stopped) {
            return new WalkResult(pages, transactions, events, stopped, head);
        }

        /** Row ids of pages received in this walk (first, last, size) and the offset each answered. */
        private final Map<String, Long> seen = new java.util.HashMap<>();

        /**
         * Fetches a page and guards against a page served for another request (a stale cache or a
         * proxy answering with a previous body). Pages above the offset are caught by
         * {@link #readPage}; but in a windowed backfill older pages lie <em>below</em> the offset
         * and would connect. So a page whose rows were already received in this walk for another
         * offset is fetched again, and accepted only when the same request gives the same rows twice
         * (e.g. two offsets with no row between them).
         */
        HttpApi.Answer<Page> fetch(Long offset, boolean followed) throws InterruptedException {
            HttpApi.Answer<Page> answer = fetchPage(offset, followed);
            String signature = answer.value().signature();
            for (int again = 0; seen.containsKey(signature) && !java.util.Objects.equals(seen.get(signature), offset); again++) {
                if (again >= 5) {
                    throw Failures.discontinuity(endpoint(), "GET /v1/txs offset " + offset, "the same rows as for offset "
                            + seen.get(signature) + " in " + again + " answers");
                }
                stats.retry();
                HttpApi.Answer<Page> retry = fetchPage(offset, followed);
                String retrySignature = retry.value().signature();
                answer = retry;
                if (retrySignature.equals(signature)) {
                    break;
                }
                log.debug("{}: offset {} first answered with the rows of offset {}; fetched again", endpoint(), offset, seen.get(signature));
                signature = retrySignature;
            }
            seen.put(signature, offset);
            return answer;
        }
    }

    /**
     * Rows above {@code low}, newest first, read from {@code offset} (null = the top) down.
     *
     * @param rows              parsed rows above {@code low}
     * @param reached           whether the read got down to {@code low} (or to the end of the history)
     * @param endOfHistory      whether the last page had no {@code next}
     * @param sawCursorOrBelow  whether a row at or below {@code low} was seen
     * @param topId             id of the first row read, or -1
     * @param lowestId          id of the last row read above {@code low}, or -1
     */
    private record TopDown(List<ParsedTx> rows, boolean reached, boolean endOfHistory, boolean sawCursorOrBelow, long topId,
                           long lowestId) {
    }

    /**
     * Reads down from {@code offset} to {@code low}, at most {@code maxPages} pages; null when
     * stopped. While a page's transactions are parsed, the next page is already being fetched when
     * the walk will need it: the page announced a next one, its last row is above {@code low}, and
     * the page limit is not reached (so a walk makes no request it would not have made anyway).
     */
    private TopDown readDown(Long offset, long low, int maxPages, Walk walk) throws InterruptedException {
        List<ParsedTx> newestFirst = new ArrayList<>();
        Long next = offset;
        long topId = -1;
        long lowestId = -1;
        Future<HttpApi.Answer<Page>> ahead = null;
        try {
            for (int read = 0; read < maxPages; read++) {
                if (walk.sink.stopRequested()) {
                    return null;
                }
                HttpApi.Answer<Page> answer = ahead != null ? join(ahead) : walk.fetch(next, read > 0);
                ahead = null;
                Page page = answer.value();
                if (page.next() != null && read + 1 < maxPages && page.rows().get(page.rows().size() - 1).id() > low) {
                    Long following = page.next();
                    ahead = prefetcher.submit(() -> walk.fetch(following, true));
                }
                FcdTxParser parser = parser(answer.endpoint());
                walk.pages++;
                stats.page();
                for (Row row : page.rows()) {
                    if (topId < 0) {
                        topId = row.id();
                    }
                    if (row.id() <= low) {
                        if (row.id() < low && low >= 0 && offset == null && read == 0 && newestFirst.isEmpty()) {
                            log.warn("{}: cursor row id {} not in the history of {}; resuming below it at row id {}",
                                    answer.endpoint(), low, target.wallet(), row.id());
                        }
                        return new TopDown(newestFirst, true, false, true, topId, lowestId);
                    }
                    ParsedTx tx = parser.parse(row.json());
                    newestFirst.add(tx);
                    stats.transaction(tx.blockTime());
                    lowestId = row.id();
                }
                walk.sink.walking(walk.pages, newestFirst.size(),
                        newestFirst.isEmpty() ? null : newestFirst.get(newestFirst.size() - 1).blockTime());
                if (page.next() == null) {
                    return new TopDown(newestFirst, true, true, false, topId, lowestId);
                }
                next = page.next();
            }
            return new TopDown(newestFirst, false, false, false, topId, lowestId);
        } finally {
            if (ahead != null) {
                // stopped or failed while the next page was on its way: its answer is not used
                ahead.cancel(true);
            }
        }
    }

    /** The prefetched answer, its failure thrown as the walk's own. */
    private static HttpApi.Answer<Page> join(Future<HttpApi.Answer<Page>> ahead) throws InterruptedException {
        try {
            return ahead.get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            if (cause instanceof InterruptedException i) {
                throw i;
            }
            throw new IllegalStateException("prefetching a page failed", cause);
        } catch (InterruptedException e) {
            ahead.cancel(true);
            throw e;
        }
    }

    /**
     * Publishes the rows in {@code (low, top.topId]} oldest first, window by window: a window
     * {@code (low, o)} is read top-down from {@code offset=o}; when it fits in {@code windowPages}
     * pages it is handed over and {@code low} moves to {@code o - 1}, else the window shrinks to
     * what the rows read suggest. The span grows while windows come back small.
     *
     * @return the new low ({@code top.topId()}), or {@link #STOPPED}
     */
    private long backfillWindows(long low, TopDown top, Walk walk) throws InterruptedException {
        long topId = top.topId();
        int target = pageLimit * windowPages / 2;
        // density from the pages read: rows per id
        double density = top.rows().size() / (double) Math.max(1, topId - top.lowestId() + 1);
        long span = Math.max(1, (long) (target / Math.max(density, 1e-12)));
        if (low < 0) {
            log.info("{}: backfilling the history of {} upwards in windows of about {} rows (span {} row ids)", endpoint(),
                    target, target, span);
        }
        long from = low;
        if (from < 0) {
            // no cursor: find where the history starts, galloping down from the lowest row read
            from = findBottom(top.lowestId(), span, walk);
            if (from == STOPPED) {
                return STOPPED;
            }
        }
        while (from < topId) {
            long o = Math.min(topId + 1, from + 1 + span);
            TopDown window = readDown(o, from, windowPages, walk);
            if (window == null) {
                return STOPPED;
            }
            if (!window.reached()) {
                double d = window.rows().size() / (double) Math.max(1, o - window.lowestId());
                span = Math.max(1, Math.min(span / 2, (long) (target / Math.max(d, 1e-12))));
                continue;
            }
            if (!walk.handOver(window.rows(), false)) {
                return STOPPED;
            }
            from = o - 1;
            if (window.rows().size() < target / 2) {
                span = span > Long.MAX_VALUE / 4 ? span : span * 2;
            }
        }
        return topId;
    }

    /**
     * A row id below the oldest row of the history (-1 when the history starts near the bottom):
     * probes pages below {@code below} with growing steps until a page comes back empty.
     */
    private long findBottom(long below, long span, Walk walk) throws InterruptedException {
        long upper = below;
        long step = Math.max(1, span);
        while (true) {
            if (walk.sink.stopRequested()) {
                return STOPPED;
            }
            long probe = upper - step;
            if (probe <= 0) {
                return -1;
            }
            HttpApi.Answer<Page> answer = walk.fetch(probe, false);
            walk.pages++;
            stats.page();
            if (answer.value().rows().isEmpty()) {
                return probe - 1;
            }
            upper = probe;
            step = step > Long.MAX_VALUE / 4 ? step : step * 2;
        }
    }

    private FcdTxParser parser(Endpoint endpoint) {
        return parsers.computeIfAbsent(endpoint.baseUrl(), url -> new FcdTxParser(target, url, clock));
    }

    /** The head block's time, or null when this FCD does not serve {@link #HEAD_PATH}. */
    private Instant readHead() throws InterruptedException {
        if (!headSupported) {
            return null;
        }
        try {
            Instant head = api.call(HttpApi.Request.get(HEAD_PATH), (endpoint, status, body) -> readHeadBody(endpoint, body)).value();
            stats.chainTime(head);
            return head;
        } catch (SourceException e) {
            if (!e.retriable() && (e.httpStatus() == 404 || e.httpStatus() == 501)) {
                log.info("{} does not serve {} (HTTP {}); chain time will come from transactions only", endpoint(), HEAD_PATH,
                        e.httpStatus());
                headSupported = false;
                return null;
            }
            throw e;
        }
    }

    /** {@code {"chainId": "...", "height": 123 | "123", "timestamp": "2021-11-08T06:00:00Z"}}. */
    private static Instant readHeadBody(Endpoint endpoint, byte[] body) {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw Failures.unparseable(endpoint.baseUrl(), "GET " + HEAD_PATH, "$", "body is not JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw Failures.unparseable(endpoint.baseUrl(), "GET " + HEAD_PATH, "$", "body could not be read: " + e.getMessage(), e);
        }
        JsonNode time = root == null ? null : root.get("timestamp");
        if (time == null || !time.isTextual()) {
            throw Failures.unparseable(endpoint.baseUrl(), "GET " + HEAD_PATH, "$.timestamp", "missing or not a string", null);
        }
        try {
            return Instant.parse(time.asText());
        } catch (DateTimeParseException e) {
            throw Failures.unparseable(endpoint.baseUrl(), "GET " + HEAD_PATH, "$.timestamp", "not an ISO-8601 instant: " + time.asText(), e);
        }
    }

    private static SourceBatch batch(List<ParsedTx> oldestFirst) {
        ParsedTx newest = oldestFirst.get(oldestFirst.size() - 1);
        return SourceBatch.of(oldestFirst, new SourcePosition(Long.toString(newest.id().orElseThrow()), newest.height(), newest.blockTime()));
    }

    private long parseCursor(String position) {
        try {
            return Long.parseLong(position);
        } catch (NumberFormatException e) {
            throw new SourceException(endpoint(), "cursor position '" + position + "' is not an FCD row id", false, 0, null, null, e);
        }
    }

    private record Row(long id, JsonNode json) {
    }

    private record Page(List<Row> rows, Long next) {
        String signature() {
            return rows.isEmpty() ? "empty" : rows.get(0).id() + ".." + rows.get(rows.size() - 1).id() + "/" + rows.size();
        }
    }

    /** Fetches and checks one page, retrying what {@link Failures} calls retriable, failing over between endpoints. */
    /**
     * Fetches the page below {@code offset} (null = the top); {@code followed} says the offset is a
     * previous page's {@code next}, so the page cannot be empty.
     */
    private HttpApi.Answer<Page> fetchPage(Long offset, boolean followed) throws InterruptedException {
        String query = "account=" + URLEncoder.encode(target.wallet(), StandardCharsets.UTF_8) + "&limit=" + pageLimit
                + (offset == null ? "" : "&offset=" + offset);
        HttpApi.Request request = HttpApi.Request.get("/v1/txs?" + query);
        return api.call(request, (endpoint, status, body) -> readPage(endpoint.baseUrl(), request.description(), body, offset, followed));
    }

    private Page readPage(String baseUrl, String request, byte[] body, Long offset, boolean followed) {
        JsonNode root;
        try {
            root = PAGES.read(body);
        } catch (JsonProcessingException e) {
            throw Failures.unparseable(baseUrl, request, "$", "body is not JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            // reading bytes in memory does no I/O; kept apart from the JSON errors all the same
            throw Failures.unparseable(baseUrl, request, "$", "body could not be read: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw Failures.unparseable(baseUrl, request, "$", "body is not a JSON object", null);
        }
        JsonNode txs = root.get("txs");
        if (txs == null || !txs.isArray()) {
            throw Failures.unparseable(baseUrl, request, "$.txs", "missing or not an array", null);
        }
        List<Row> rows = new ArrayList<>(txs.size());
        long previous = offset == null ? Long.MAX_VALUE : offset;
        for (int i = 0; i < txs.size(); i++) {
            JsonNode item = txs.get(i);
            JsonNode id = item == null ? null : item.get("id");
            if (id == null || !id.isIntegralNumber() || !id.canConvertToLong()) {
                throw Failures.unparseable(baseUrl, request, "$.txs[" + i + "].id", "missing or not an integer row id", null);
            }
            long rowId = id.longValue();
            if (rowId >= previous) {
                throw Failures.discontinuity(baseUrl, request, "row id " + rowId + " at $.txs[" + i + "] is not below "
                        + (i == 0 ? "the offset " : "the previous row id ") + previous);
            }
            previous = rowId;
            rows.add(new Row(rowId, item));
        }
        if (rows.size() > pageLimit) {
            throw Failures.discontinuity(baseUrl, request, rows.size() + " rows for limit " + pageLimit);
        }
        JsonNode nextNode = root.get("next");
        Long next = null;
        if (nextNode != null && !nextNode.isNull()) {
            if (!nextNode.isIntegralNumber() || !nextNode.canConvertToLong()) {
                throw Failures.unparseable(baseUrl, request, "$.next", "not an integer row id: " + nextNode, null);
            }
            next = nextNode.longValue();
            if (rows.isEmpty() || rows.get(rows.size() - 1).id() != next) {
                throw Failures.discontinuity(baseUrl, request, "next " + next + " is not the id of the last row");
            }
        }
        if (followed && rows.isEmpty()) {
            throw Failures.discontinuity(baseUrl, request, "empty page although the previous page announced more rows");
        }
        return new Page(rows, next);
    }

    @Override
    public String toString() {
        return "FcdSource[" + pool.endpoints() + ", " + target.wallet() + "]";
    }

    /** Settings of an {@link FcdSource}, each defaulted. */
    public static final class Builder {
        private final WatchTarget target;
        private List<EndpointPool.EndpointConfig> endpoints;
        private EndpointPool pool;
        private EndpointPool.Settings settings = EndpointPool.Settings.DEFAULT;
        private Ticker ticker = Ticker.SYSTEM;
        private HttpClient http;
        private Clock clock = Clock.systemUTC();
        private RetryPolicy retryPolicy = RetryPolicy.DEFAULT;
        private Sleeper sleeper = Sleeper.SYSTEM;
        private RandomGenerator random = new SplittableRandom();
        private int pageLimit = 100;
        private int batchSize = 200;
        private int windowPages = 50;
        private Duration requestTimeout = Duration.ofSeconds(10);
        private boolean readHead = true;

        private Builder(WatchTarget target) {
            this.target = Objects.requireNonNull(target, "target");
        }

        /** The endpoints (same FCD database); validated now. */
        public Builder endpoints(List<EndpointPool.EndpointConfig> endpoints) {
            new EndpointPool(endpoints, settings, ticker);
            this.endpoints = List.copyOf(endpoints);
            return this;
        }

        /** A ready pool (shared with whoever changes its weights); overrides endpoints, pacing and ticker. */
        public Builder pool(EndpointPool pool) {
            this.pool = Objects.requireNonNull(pool, "pool");
            return this;
        }

        /** Pacing and breaker settings per endpoint; default {@link EndpointPool.Settings#DEFAULT}. */
        public Builder pacing(EndpointPool.Settings settings) {
            this.settings = Objects.requireNonNull(settings, "settings");
            return this;
        }

        /** Time for pacing, breakers and cool-downs; default {@link Ticker#SYSTEM}. */
        public Builder ticker(Ticker ticker) {
            this.ticker = Objects.requireNonNull(ticker, "ticker");
            return this;
        }

        /** The shared HTTP client; default {@link #defaultHttpClient()} (one per source). */
        public Builder httpClient(HttpClient http) {
            this.http = Objects.requireNonNull(http, "http");
            return this;
        }

        /** Gives {@code observedAt} and the reference for HTTP-date {@code Retry-After}; default the UTC system clock. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** Default {@link RetryPolicy#DEFAULT}. */
        public Builder retryPolicy(RetryPolicy retryPolicy) {
            this.retryPolicy = Objects.requireNonNull(retryPolicy, "retryPolicy");
            return this;
        }

        /** Waits between retries and for pacing; default {@link Sleeper#SYSTEM}. */
        public Builder sleeper(Sleeper sleeper) {
            this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
            return this;
        }

        /** Jitter and weighted picks; default an unseeded {@link SplittableRandom}. */
        public Builder random(RandomGenerator random) {
            this.random = Objects.requireNonNull(random, "random");
            return this;
        }

        /** Rows per page: 10 or 100 (FCD rejects anything else); default 100. */
        public Builder pageLimit(int pageLimit) {
            if (!ALLOWED_LIMITS.contains(pageLimit)) {
                throw new IllegalArgumentException("FCD accepts limit " + ALLOWED_LIMITS + " only, was " + pageLimit);
            }
            this.pageLimit = pageLimit;
            return this;
        }

        /** Transactions per handed-over batch (one Kafka transaction each); default 200. */
        public Builder batchSize(int batchSize) {
            if (batchSize < 1) {
                throw new IllegalArgumentException("batchSize must be positive, was " + batchSize);
            }
            this.batchSize = batchSize;
            return this;
        }

        /**
         * Pages a walk reads top-down before it switches to an upward backfill in windows of about
         * half as many pages, each handed over (and committed) as soon as it is complete; default 50.
         */
        public Builder windowPages(int windowPages) {
            if (windowPages < 2) {
                throw new IllegalArgumentException("windowPages must be at least 2, was " + windowPages);
            }
            this.windowPages = windowPages;
            return this;
        }

        /** Timeout of each request; default 10 s. */
        public Builder requestTimeout(Duration requestTimeout) {
            if (requestTimeout.isZero() || requestTimeout.isNegative()) {
                throw new IllegalArgumentException("requestTimeout must be positive, was " + requestTimeout);
            }
            this.requestTimeout = requestTimeout;
            return this;
        }

        /** Whether to ask {@link #HEAD_PATH} for the chain head at each walk; default true. */
        public Builder readHead(boolean readHead) {
            this.readHead = readHead;
            return this;
        }

        public FcdSource build() {
            return new FcdSource(this);
        }
    }
}
