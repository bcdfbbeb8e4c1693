package dev.starfall.ingestor.source.cosmoslcd;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import dev.starfall.ingestor.source.ChainSource;
import dev.starfall.ingestor.source.RecordingSink;
import dev.starfall.ingestor.source.RetryPolicy;
import dev.starfall.ingestor.source.SourceBatch;
import dev.starfall.ingestor.source.SourceException;
import dev.starfall.ingestor.source.SourceSettings;
import dev.starfall.ingestor.source.WatchTarget;
import dev.starfall.ingestor.source.http.CircuitBreaker;
import dev.starfall.ingestor.source.http.EndpointPool;
import dev.starfall.ingestor.source.http.FakeTime;
import dev.starfall.ingestor.source.lcd.LcdQuery;
import dev.starfall.schemas.avro.TransferObserved;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * LcdSource against a local HTTP server replaying the recorded Cosmos LCD payloads of
 * {@code shared/fixtures/chain/cosmos-lcd}; longer histories are built from the recorded SDK 0.45
 * transaction by changing height and hash only.
 */
class LcdSourceTest {

    static final ObjectMapper JSON = JsonMapper.builder().build();
    static final String WALLET = "st1sqzsk8mplv5248gx6dddzzxweqvew8rtst96fx";
    static final WatchTarget TARGET = new WatchTarget("cosmos", "tropos-5", WALLET, "wei");

    final FakeTime time = new FakeTime();
    final List<String> requests = new ArrayList<>();
    HttpServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    static Path fixtures() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("shared/fixtures/chain/cosmos-lcd");
            if (Files.isDirectory(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("shared/fixtures/chain/cosmos-lcd not found");
    }

    static String fixture(String name) throws IOException {
        return Files.readString(fixtures().resolve(name));
    }

    /** Serves {@code answer(page, query)} -> [status, body] on the LCD tx search path; 404 elsewhere. */
    String serve(Function<Map<String, String>, Object[]> answer) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            try (exchange) {
                String raw = exchange.getRequestURI().getRawQuery();
                synchronized (requests) {
                    requests.add(exchange.getRequestURI().getPath() + "?" + raw);
                }
                Object[] out;
                if (!LcdQuery.PATH.equals(exchange.getRequestURI().getPath())) {
                    out = new Object[] {501, "{\"code\":12,\"message\":\"Not Implemented\",\"details\":[]}"};
                } else {
                    Map<String, String> query = new ConcurrentHashMap<>();
                    for (String pair : raw.split("&")) {
                        int eq = pair.indexOf('=');
                        query.put(pair.substring(0, eq), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
                    }
                    out = answer.apply(query);
                }
                byte[] body = ((String) out[1]).getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", "application/json");
                exchange.sendResponseHeaders((Integer) out[0], body.length);
                try (OutputStream o = exchange.getResponseBody()) {
                    o.write(body);
                }
            }
        });
        server.start();
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    LcdSource source(String url, LcdQuery.Dialect dialect, int limit) {
        SourceSettings settings = SourceSettings.of(url)
                .withPacing(new EndpointPool.Settings(1_000, 1_000, CircuitBreaker.Config.DEFAULT))
                .withRetryPolicy(new RetryPolicy(5, Duration.ofMillis(10), Duration.ofMillis(100), 2.0, Duration.ofSeconds(1)))
                .withPageLimit(limit)
                .withBatchSize(3)
                .withTime(Clock.systemUTC(), time, time)
                .withRandom(new SplittableRandom(1));
        return new LcdSource(TARGET, dialect, settings);
    }

    static long page(Map<String, String> query) {
        if (query.containsKey("page")) {
            return Long.parseLong(query.get("page"));
        }
        return Long.parseLong(query.get("pagination.offset")) / Long.parseLong(query.get("pagination.limit")) + 1;
    }

    @Test
    void shouldReadTheRecordedSdk045PageThenStopAtTheEmptyOne() throws Exception {
        String page1 = fixture("lcd-txs-by-events_sdk045_msgsend_base64-events_stratos-testnet.json");
        String url = serve(q -> new Object[] {200, page1});
        LcdSource source = source(url, LcdQuery.Dialect.EVENTS, 100);
        RecordingSink sink = new RecordingSink();

        ChainSource.WalkResult result = source.fetchNewer(Optional.empty(), sink);

        assertThat(result.transactions()).isEqualTo(1);
        assertThat(sink.observed()).singleElement().satisfies(t -> {
            assertThat(t.getRecipient()).isEqualTo(WALLET);
            assertThat(t.getAmount().toBigIntegerExact()).hasToString("1000000000");
            assertThat(t.getBlockHeight()).isEqualTo(611);
        });
        assertThat(sink.batches.get(0).newest().position()).startsWith("611:AB0EF37616").endsWith(":1");
        assertThat(requests).anySatisfy(r -> assertThat(r).contains("events=transfer.recipient%3D%27" + WALLET + "%27")
                .contains("order_by=ORDER_BY_ASC"));

        RecordingSink again = new RecordingSink();
        source.fetchNewer(Optional.of(sink.batches.get(0).newest()), again);
        assertThat(again.batches).as("nothing after the cursor").isEmpty();
    }

    @Test
    void shouldFailWithTheDialectProblemWhenTheNodeWantsQuery() throws Exception {
        String error = fixture("lcd-txs_error-query-cannot-be-empty_code13.json");
        String url = serve(q -> q.containsKey("events") ? new Object[] {500, error}
                : new Object[] {200, "{\"txs\":[],\"tx_responses\":[],\"pagination\":null,\"total\":\"0\"}"});

        assertThatThrownBy(() -> source(url, LcdQuery.Dialect.EVENTS, 100).fetchNewer(Optional.empty(), new RecordingSink()))
                .isInstanceOfSatisfying(SourceException.class, e -> {
                    assertThat(e.retriable()).isFalse();
                    assertThat(e.getMessage()).contains("query");
                });
        assertThat(source(url, LcdQuery.Dialect.QUERY, 100).fetchNewer(Optional.empty(), new RecordingSink()).transactions()).isZero();
    }

    @Test
    void shouldWalkManyPagesAscendingDroppingRepeatedPagesAndResumeFromTheCursorsPage() throws Exception {
        JsonNode recorded = JSON.readTree(fixture("lcd-txs-by-events_sdk045_msgsend_base64-events_stratos-testnet.json"));
        int total = 23;
        int limit = 5;
        AtomicInteger served = new AtomicInteger();
        String url = serve(q -> {
            long page = page(q);
            int n = served.incrementAndGet();
            // the third request gets the previous page again (a cache in front of the node)
            long effective = n == 3 ? page - 1 : page;
            return new Object[] {200, historyPage(recorded, total, effective, limit)};
        });
        LcdSource source = source(url, LcdQuery.Dialect.EVENTS, limit);
        RecordingSink sink = new RecordingSink();

        source.fetchNewer(Optional.empty(), sink);

        assertThat(sink.observed()).extracting(TransferObserved::getBlockHeight)
                .containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(1_000, 1_000 + total - 1).boxed().toList());
        SourceBatch fourth = sink.batches.get(3);
        assertThat(fourth.newest().position()).isEqualTo("1011:" + hash(11) + ":3");

        RecordingSink rest = new RecordingSink();
        source.fetchNewer(Optional.of(fourth.newest()), rest);
        assertThat(rest.observed()).extracting(TransferObserved::getBlockHeight)
                .containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(1_012, 1_000 + total - 1).boxed().toList());
        assertThat(requests.get(requests.size() - 1)).contains("pagination.offset=20");
    }

    static String hash(int i) {
        return String.format("%064X", i);
    }

    /** Page {@code page} (1-based, ascending) of a history of {@code total} copies of the recorded transaction. */
    static String historyPage(JsonNode recorded, int total, long page, int limit) {
        ObjectNode body = JSON.createObjectNode();
        ArrayNode txs = body.putArray("txs");
        ArrayNode responses = body.putArray("tx_responses");
        for (long i = (page - 1) * limit; i < Math.min(total, page * limit); i++) {
            txs.add(recorded.get("txs").get(0).deepCopy());
            ObjectNode r = recorded.get("tx_responses").get(0).deepCopy();
            r.put("height", Long.toString(1_000 + i));
            r.put("txhash", hash((int) i));
            responses.add(r);
        }
        body.putObject("pagination").putNull("next_key").put("total", Integer.toString(total));
        return body.toString();
    }
}
