package dev.starfall.ingestor.source.fcd;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.starfall.ingestor.source.ChainSource;
import dev.starfall.ingestor.source.Failures;
import dev.starfall.ingestor.source.Retrier;
import dev.starfall.ingestor.source.RetryPolicy;
import dev.starfall.ingestor.source.Sleeper;
import dev.starfall.ingestor.source.SourceBatch;
import dev.starfall.ingestor.source.SourceException;
import dev.starfall.ingestor.source.SourcePosition;
import dev.starfall.ingestor.source.SourceStats;
import dev.starfall.ingestor.source.WatchTarget;
import dev.starfall.ingestor.source.fcd.FcdTxParser.ParsedTx;
import dev.starfall.schemas.avro.TransferObserved;
import dev.starfall.schemas.avro.TransferRejected;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a wallet's history from Terra Classic FCD, {@code GET /v1/txs?account=&limit=&offset=}.
 *
 * <p>FCD pages are keyset pages, newest first: {@code offset} is the {@code next} of the previous
 * page, an FCD row id; rows have {@code id < offset}. The cursor is the row id of the newest
 * published transaction. A walk reads from the top down to the cursor, checks that each page
 * connects to the previous one (ids strictly decreasing, below the offset, {@code next} equal to
 * the last id; otherwise the page is fetched again, never skipped), parses every new transaction,
 * and hands them over oldest first in batches of {@link Builder#batchSize(int)} transactions.
 * Transactions that arrive during a walk have higher ids and are read by the next walk.
 *
 * <p>One shared {@link HttpClient}; each request times out after {@link Builder#requestTimeout}.
 * Retries follow {@link RetryPolicy} as classified by {@link Failures}.
 */
public final class FcdSource implements ChainSource {

    private static final Logger log = LoggerFactory.getLogger(FcdSource.class);

    /** API name used in the source id. */
    public static final String API = "fcd";
    /** The only page sizes FCD accepts since Sept 2021. */
    public static final List<Integer> ALLOWED_LIMITS = List.of(10, 100);

    private static final ObjectMapper JSON = JsonMapper.builder().build();

    private final String baseUrl;
    private final WatchTarget target;
    private final HttpClient http;
    private final FcdTxParser parser;
    private final Retrier retrier;
    private final int pageLimit;
    private final int batchSize;
    private final Duration requestTimeout;
    private final String sourceId;
    private final SourceStats stats = new SourceStats();

    private FcdSource(Builder b) {
        this.baseUrl = b.baseUrl;
        this.target = b.target;
        this.http = b.http != null ? b.http : defaultHttpClient();
        this.parser = new FcdTxParser(b.target, b.baseUrl, b.clock);
        this.retrier = new Retrier(b.retryPolicy, b.sleeper, b.random);
        this.pageLimit = b.pageLimit;
        this.batchSize = b.batchSize;
        this.requestTimeout = b.requestTimeout;
        this.sourceId = b.target.sourceId(API);
    }

    /**
     * @param baseUrl FCD base URL without the path, e.g. {@code https://fcd.terra.dev}
     * @param target  the wallet and denom to watch
     */
    public static Builder builder(String baseUrl, WatchTarget target) {
        return new Builder(baseUrl, target);
    }

    /** An HTTP/1.1 client with a 10 s connect timeout; share one per process. */
    public static HttpClient defaultHttpClient() {
        return HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10))
                .followRedirects(HttpClient.Redirect.NORMAL)
                .build();
    }

    @Override
    public String sourceId() {
        return sourceId;
    }

    @Override
    public String endpoint() {
        return baseUrl;
    }

    @Override
    public SourceStats.Snapshot stats() {
        return stats.snapshot();
    }

    @Override
    public WalkResult fetchNewer(Optional<SourcePosition> after, BatchSink sink) throws InterruptedException {
        long cursorId = after.map(p -> parseCursor(p.position())).orElse(-1L);
        List<ParsedTx> newestFirst = new ArrayList<>();
        Long offset = null;
        boolean reachedCursor = false;
        int pages = 0;
        while (!reachedCursor) {
            if (sink.stopRequested()) {
                return new WalkResult(pages, 0, 0, true);
            }
            Page page = fetchPage(offset);
            pages++;
            stats.page();
            for (Row row : page.rows()) {
                if (row.id() <= cursorId) {
                    if (row.id() < cursorId) {
                        log.warn("{}: cursor row id {} not in the history of {}; resuming below it at row id {}",
                                baseUrl, cursorId, target.wallet(), row.id());
                    }
                    reachedCursor = true;
                    break;
                }
                ParsedTx tx = parser.parse(row.json());
                newestFirst.add(tx);
                stats.transaction(tx.blockTime());
            }
            sink.walking(pages, newestFirst.size(), newestFirst.isEmpty() ? null : newestFirst.get(newestFirst.size() - 1).blockTime());
            if (page.next() == null) {
                break;
            }
            offset = page.next();
        }
        if (cursorId >= 0 && !reachedCursor) {
            throw new SourceException(baseUrl, "the history of " + target.wallet() + " ends before the cursor row id "
                    + cursorId + "; is this the FCD the cursor came from? Refusing to publish it again",
                    false, 0, null, null, null);
        }
        Collections.reverse(newestFirst);
        int events = 0;
        for (int from = 0; from < newestFirst.size(); from += batchSize) {
            if (sink.stopRequested()) {
                return new WalkResult(pages, from, events, true);
            }
            SourceBatch batch = batch(newestFirst.subList(from, Math.min(newestFirst.size(), from + batchSize)));
            sink.accept(batch);
            events += batch.events();
        }
        return new WalkResult(pages, newestFirst.size(), events, false);
    }

    private static SourceBatch batch(List<ParsedTx> oldestFirst) {
        List<TransferObserved> observed = new ArrayList<>();
        List<TransferRejected> rejected = new ArrayList<>();
        for (ParsedTx tx : oldestFirst) {
            observed.addAll(tx.observed());
            rejected.addAll(tx.rejected());
        }
        ParsedTx newest = oldestFirst.get(oldestFirst.size() - 1);
        SourcePosition position = new SourcePosition(Long.toString(newest.id().orElseThrow()), newest.height(), newest.blockTime());
        return new SourceBatch(observed, rejected, oldestFirst.size(), position);
    }

    private long parseCursor(String position) {
        try {
            return Long.parseLong(position);
        } catch (NumberFormatException e) {
            throw new SourceException(baseUrl, "cursor position '" + position + "' is not an FCD row id", false, 0, null, null, e);
        }
    }

    private record Row(long id, JsonNode json) {
    }

    private record Page(List<Row> rows, Long next) {
    }

    /** Fetches and checks one page, retrying what {@link Failures} calls retriable. */
    private Page fetchPage(Long offset) throws InterruptedException {
        String query = "account=" + URLEncoder.encode(target.wallet(), StandardCharsets.UTF_8) + "&limit=" + pageLimit
                + (offset == null ? "" : "&offset=" + offset);
        String request = "GET /v1/txs?" + query;
        URI uri = URI.create(baseUrl + "/v1/txs?" + query);
        return retrier.call(baseUrl, request, () -> {
            stats.request();
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri)
                    .timeout(requestTimeout)
                    .header("Accept", "application/json")
                    .GET()
                    .build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            stats.status(response.statusCode());
            if (response.statusCode() != 200) {
                throw Failures.http(baseUrl, request, response.statusCode(), response.body(),
                        Failures.parseRetryAfter(response.headers().firstValue("Retry-After").orElse(null)));
            }
            return readPage(request, response.body(), offset);
        }, (retry, delay, cause) -> stats.retry());
    }

    private Page readPage(String request, String body, Long offset) {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw Failures.unparseable(baseUrl, request, "$", "body is not JSON: " + e.getOriginalMessage(), e);
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
        if (offset != null && rows.isEmpty()) {
            throw Failures.discontinuity(baseUrl, request, "empty page although the previous page announced more rows");
        }
        return new Page(rows, next);
    }

    @Override
    public String toString() {
        return "FcdSource[" + baseUrl + ", " + target.wallet() + "]";
    }

    /** Settings of an {@link FcdSource}, each defaulted. */
    public static final class Builder {
        private final String baseUrl;
        private final WatchTarget target;
        private HttpClient http;
        private Clock clock = Clock.systemUTC();
        private RetryPolicy retryPolicy = RetryPolicy.DEFAULT;
        private Sleeper sleeper = Sleeper.SYSTEM;
        private RandomGenerator random = new SplittableRandom();
        private int pageLimit = 100;
        private int batchSize = 200;
        private Duration requestTimeout = Duration.ofSeconds(10);

        private Builder(String baseUrl, WatchTarget target) {
            Objects.requireNonNull(baseUrl, "baseUrl");
            String url = baseUrl;
            while (url.endsWith("/")) {
                url = url.substring(0, url.length() - 1);
            }
            URI uri = URI.create(url);
            if (uri.getHost() == null || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))) {
                throw new IllegalArgumentException("FCD base URL must be http(s)://host[:port], was " + baseUrl);
            }
            this.baseUrl = url;
            this.target = Objects.requireNonNull(target, "target");
        }

        /** The shared HTTP client; default {@link #defaultHttpClient()} (one per source). */
        public Builder httpClient(HttpClient http) {
            this.http = Objects.requireNonNull(http, "http");
            return this;
        }

        /** Gives {@code observedAt}; default the UTC system clock. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** Default {@link RetryPolicy#DEFAULT}. */
        public Builder retryPolicy(RetryPolicy retryPolicy) {
            this.retryPolicy = Objects.requireNonNull(retryPolicy, "retryPolicy");
            return this;
        }

        /** Waits between retries; default {@link Sleeper#SYSTEM}. */
        public Builder sleeper(Sleeper sleeper) {
            this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
            return this;
        }

        /** Jitter source; default an unseeded {@link SplittableRandom}. */
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

        /** Timeout of each request; default 10 s. */
        public Builder requestTimeout(Duration requestTimeout) {
            if (requestTimeout.isZero() || requestTimeout.isNegative()) {
                throw new IllegalArgumentException("requestTimeout must be positive, was " + requestTimeout);
            }
            this.requestTimeout = requestTimeout;
            return this;
        }

        public FcdSource build() {
            return new FcdSource(this);
        }
    }
}
