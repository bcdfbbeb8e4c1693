package dev.starfall.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

import dev.starfall.ingestor.Ingestor;
import dev.starfall.ingestor.IngestorMetrics;
import dev.starfall.ingestor.source.http.EndpointPool;
import dev.starfall.ingestor.source.http.Ticker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The admin listener of {@code starfall ingest}: Prometheus text from the ingestor's metrics, and the weighted split moved live. */
class IngestAdminTest {

    private static final Instant SEEN = Instant.parse("2021-11-08T12:00:12Z");
    private static final Instant PUBLISHED = Instant.parse("2021-11-08T12:00:00Z");

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final EndpointPool pool = new EndpointPool(List.of(new EndpointPool.EndpointConfig("a", "https://a.example", 1),
            new EndpointPool.EndpointConfig("b", "https://b.example", 1)), EndpointPool.Settings.DEFAULT, Ticker.SYSTEM);
    private final AtomicReference<Ingestor.State> state = new AtomicReference<>(Ingestor.State.CAUGHT_UP);
    private final AtomicReference<Instant> seen = new AtomicReference<>(SEEN);
    private IngestAdmin admin;
    private String base;

    @BeforeEach
    void start() {
        admin = IngestAdmin.start(new InetSocketAddress("127.0.0.1", 0), this::metrics, Optional.of(pool));
        base = "http://127.0.0.1:" + admin.port();
    }

    @AfterEach
    void stop() {
        admin.close();
    }

    private IngestorMetrics metrics() {
        Duration lag = seen.get() == null ? null : Duration.between(PUBLISHED, seen.get());
        return new IngestorMetrics("terra-classic/columbus-5/terra1wallet/uusd/fcd", state.get(),
                state.get() == Ingestor.State.FAILED ? "page did not parse" : null, seen.get(), PUBLISHED, lag,
                120, 7, 4, 2, 1, 3, 40, 2, 30, 1, 500, 60, 0, pool.snapshot().endpoints());
    }

    @Test
    void shouldServeTheIngestMetricsAsPrometheusText() throws Exception {
        HttpResponse<String> r = send("GET", "/metrics", null);

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).contains("text/plain; version=0.0.4; charset=utf-8");
        String source = "{source=\"terra-classic/columbus-5/terra1wallet/uusd/fcd\"}";
        assertThat(r.body()).contains(
                "# TYPE starfall_ingest_lag_seconds gauge\nstarfall_ingest_lag_seconds" + source + " 12\n",
                "starfall_ingest_requests_total" + source + " 120\n",
                "# TYPE starfall_ingest_rate_limited_total counter\nstarfall_ingest_rate_limited_total" + source + " 4\n",
                "starfall_ingest_retries_total" + source + " 7\n",
                "starfall_ingest_failovers_total" + source + " 3\n",
                "starfall_ingest_up" + source + " 1\n",
                "starfall_ingest_state{source=\"terra-classic/columbus-5/terra1wallet/uusd/fcd\",state=\"CAUGHT_UP\"} 1\n",
                "starfall_ingest_chain_time_seen_seconds" + source + " " + SEEN.getEpochSecond() + "\n",
                "starfall_ingest_endpoint_weight{source=\"terra-classic/columbus-5/terra1wallet/uusd/fcd\",endpoint=\"b\"} 1\n");
        assertThat(r.body().lines().filter(l -> !l.startsWith("#")))
                .allSatisfy(l -> assertThat(l).matches("[a-z_]+\\{[^}]*\\} -?[0-9.]+"));
    }

    @Test
    void shouldLeaveOutTheLagWhileUnknownAndReportAFailedIngestor() throws Exception {
        seen.set(null);
        state.set(Ingestor.State.FAILED);

        assertThat(send("GET", "/metrics", null).body()).doesNotContain("starfall_ingest_lag_seconds{")
                .contains("starfall_ingest_up{source=\"terra-classic/columbus-5/terra1wallet/uusd/fcd\"} 0\n");
        HttpResponse<String> health = send("GET", "/health", null);
        assertThat(health.statusCode()).isEqualTo(503);
        assertThat(health.body()).contains("\"state\":\"FAILED\"", "page did not parse");
        state.set(Ingestor.State.CATCHING_UP);
        assertThat(send("GET", "/health", null).statusCode()).isEqualTo(200);
    }

    @Test
    void shouldMoveTheWeightedSplitWhileRunning() throws Exception {
        HttpResponse<String> r = send("PUT", "/endpoints/b/weight", "3");

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(pool.weights()).isEqualTo(Map.of("a", 1, "b", 3));
        assertThat(r.body()).contains("\"weights\":{\"a\":1,\"b\":3}");
        assertThat(send("GET", "/metrics", null).body())
                .contains("starfall_ingest_endpoint_weight{source=\"terra-classic/columbus-5/terra1wallet/uusd/fcd\",endpoint=\"b\"} 3\n");

        assertThat(send("PUT", "/endpoints/a/weight", "{\"weight\": 0}").statusCode()).isEqualTo(200);
        assertThat(pool.weights()).containsEntry("a", 0);
        assertThat(send("GET", "/endpoints", null).body()).contains("\"name\":\"a\"", "\"weight\":0", "\"breaker\":\"CLOSED\"");
    }

    @Test
    void shouldRefuseABadWeightAnUnknownEndpointOrASplitWithoutTraffic() throws Exception {
        HttpResponse<String> bad = send("PUT", "/endpoints/a/weight", "heavy");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("\"error\":\"bad_weight\"", "must be the new weight, an integer in 0..1000000");
        assertThat(send("PUT", "/endpoints/a/weight", "-2").statusCode()).isEqualTo(400);
        assertThat(send("PUT", "/endpoints/a/weight", "{\"weight\": \"2\"}").statusCode()).isEqualTo(400);

        HttpResponse<String> unknown = send("PUT", "/endpoints/c/weight", "1");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.body()).contains("no endpoint 'c'", "[a, b]");

        assertThat(send("PUT", "/endpoints/a/weight", "0").statusCode()).isEqualTo(200);
        HttpResponse<String> none = send("PUT", "/endpoints/b/weight", "0");
        assertThat(none.statusCode()).isEqualTo(409);
        assertThat(none.body()).contains("at least one endpoint needs a positive weight");
        assertThat(pool.weights()).isEqualTo(Map.of("a", 0, "b", 1));

        assertThat(send("GET", "/endpoints/a/weight", null).statusCode()).isEqualTo(405);
        assertThat(send("POST", "/metrics", "x").statusCode()).isEqualTo(405);
        assertThat(send("GET", "/nowhere", null).statusCode()).isEqualTo(404);
    }

    @Test
    void shouldSayWhenTheSplitCannotBeChanged() throws Exception {
        try (IngestAdmin fixed = IngestAdmin.start(new InetSocketAddress("127.0.0.1", 0), this::metrics, Optional.empty())) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + fixed.port() + "/endpoints/a/weight"))
                    .PUT(HttpRequest.BodyPublishers.ofString("2")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(409);
        }
    }

    private HttpResponse<String> send(String method, String path, String body) throws Exception {
        HttpRequest.BodyPublisher publisher = body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body);
        return http.send(HttpRequest.newBuilder(URI.create(base + path)).method(method, publisher).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
