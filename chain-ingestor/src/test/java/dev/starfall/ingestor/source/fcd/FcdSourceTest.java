package dev.starfall.ingestor.source.fcd;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;

import com.sun.net.httpserver.HttpServer;
import dev.starfall.ingestor.sim.ChainSimulator;
import dev.starfall.ingestor.sim.SimTx;
import dev.starfall.ingestor.sim.SimulatorServer;
import dev.starfall.ingestor.source.ChainSource;
import dev.starfall.ingestor.source.RetryPolicy;
import dev.starfall.ingestor.source.SourceBatch;
import dev.starfall.ingestor.source.SourceException;
import dev.starfall.ingestor.source.SourcePosition;
import dev.starfall.ingestor.source.WatchTarget;
import dev.starfall.ingestor.source.http.CircuitBreaker;
import dev.starfall.ingestor.source.http.EndpointPool;
import dev.starfall.ingestor.source.http.FakeTime;
import dev.starfall.schemas.avro.TransferObserved;
import dev.starfall.schemas.avro.TransferRejected;
import dev.starfall.schemas.manifest.Manifest;
import dev.starfall.schemas.manifest.ManifestLoader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FcdSourceTest {

    static final Manifest MANIFEST = ManifestLoader.loadDefault();
    static final HttpClient HTTP = FcdSource.defaultHttpClient();
    static final RetryPolicy FAST = new RetryPolicy(6, Duration.ofMillis(100), Duration.ofSeconds(2), 2.0, Duration.ofSeconds(5));

    static ChainSimulator simulator;
    static SimulatorServer server;

    final FakeTime time = new FakeTime();
    final List<Duration> sleeps = time.sleeps();

    @BeforeAll
    static void start() {
        simulator = new ChainSimulator(MANIFEST, ChainSimulator.Config.defaults(7).withTransactions(1_234));
        server = SimulatorServer.start(simulator, 0);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @AfterEach
    void clearFaults() {
        server.faults().clear();
    }

    FcdSource source(String baseUrl, RetryPolicy policy) {
        return FcdSource.builder(baseUrl, WatchTarget.of(MANIFEST))
                .httpClient(HTTP)
                .retryPolicy(policy)
                .readHead(false)
                .pacing(new EndpointPool.Settings(1_000, 1_000, CircuitBreaker.Config.DEFAULT))
                .ticker(time)
                .sleeper(time)
                .random(new SplittableRandom(1))
                .batchSize(50)
                .build();
    }

    /** Collects batches; checks each is a proper batch. */
    static class Collector implements ChainSource.BatchSink {
        final List<SourceBatch> batches = new ArrayList<>();

        @Override
        public void accept(SourceBatch batch) {
            batches.add(batch);
        }

        /**
         * Tx hashes of the handed-over events, batch after batch; inside a batch in chain order
         * (each of the observed and rejected lists is checked to be in chain order itself).
         */
        List<String> txHashes() {
            Map<String, Integer> index = new HashMap<>();
            List<SimTx> txs = simulator.transactions();
            for (int i = 0; i < txs.size(); i++) {
                index.put(txs.get(i).txHash(), i);
            }
            List<String> out = new ArrayList<>();
            for (SourceBatch b : batches) {
                List<Integer> observed = b.observed().stream().map(t -> index.get(t.getTxHash())).toList();
                List<Integer> rejected = b.rejected().stream().map(t -> index.get(t.getTxHash())).toList();
                assertThat(observed).isSorted();
                assertThat(rejected).isSorted();
                TreeSet<Integer> inBatch = new TreeSet<>(observed);
                inBatch.addAll(rejected);
                assertThat(inBatch).hasSize(b.transactions());
                inBatch.forEach(i -> out.add(txs.get(i).txHash()));
            }
            return out;
        }

        int transactions() {
            return batches.stream().mapToInt(SourceBatch::transactions).sum();
        }
    }

    @Test
    void shouldHandOverEveryTransactionOnceOldestFirst() throws InterruptedException {
        FcdSource source = source(server.baseUrl(), FAST);
        Collector sink = new Collector();

        ChainSource.WalkResult result = source.fetchNewer(Optional.empty(), sink);

        List<SimTx> txs = simulator.transactions();
        assertThat(result.transactions()).isEqualTo(txs.size());
        assertThat(result.stopped()).isFalse();
        assertThat(result.pages()).isEqualTo((txs.size() + 99) / 100);
        assertThat(sink.transactions()).isEqualTo(txs.size());
        assertThat(sink.batches).hasSize((txs.size() + 49) / 50);
        assertThat(sink.txHashes()).containsExactlyElementsOf(txs.stream().map(SimTx::txHash).toList());
        assertOrdered(sink);
        assertThat(sink.batches.get(sink.batches.size() - 1).newest().position()).isEqualTo(Long.toString(txs.get(txs.size() - 1).id()));
        ChainSimulator.Expected expected = simulator.expected(txs.size());
        assertThat(sink.batches.stream().mapToLong(b -> b.observed().size()).sum()).isEqualTo(expected.observed());
        assertThat(sink.batches.stream().mapToLong(b -> b.rejected().size()).sum()).isEqualTo(expected.rejected());
        assertThat(source.stats().retries()).isZero();
        assertThat(source.stats().newestBlockTimeSeen()).isEqualTo(txs.get(txs.size() - 1).blockTime());
        assertThat(sleeps).isEmpty();
    }

    @Test
    void shouldHandOverOnlyWhatIsNewerThanTheCursor() throws InterruptedException {
        FcdSource source = source(server.baseUrl(), FAST);
        List<SimTx> txs = simulator.transactions();
        SimTx cursorTx = txs.get(1_000);
        Collector sink = new Collector();

        source.fetchNewer(Optional.of(new SourcePosition(Long.toString(cursorTx.id()), cursorTx.height(), cursorTx.blockTime())), sink);

        assertThat(sink.txHashes()).containsExactlyElementsOf(txs.subList(1_001, txs.size()).stream().map(SimTx::txHash).toList());
        assertThat(source.stats().pages()).isEqualTo(3);
        assertThat(source.stats().requests()).as("no page fetched ahead below the cursor's page").isEqualTo(3);
    }

    @Test
    void shouldHandOverNothingWhenTheCursorIsTheNewest() throws InterruptedException {
        FcdSource source = source(server.baseUrl(), FAST);
        SimTx newest = simulator.transactions().get(simulator.transactions().size() - 1);
        Collector sink = new Collector();

        ChainSource.WalkResult result = source.fetchNewer(
                Optional.of(new SourcePosition(Long.toString(newest.id()), newest.height(), newest.blockTime())), sink);

        assertThat(result.transactions()).isZero();
        assertThat(result.pages()).isEqualTo(1);
        assertThat(sink.batches).isEmpty();
    }

    @Test
    void shouldStillHandOverEveryTransactionOnceThroughRateLimitsAndServerErrors() throws InterruptedException {
        FcdSource source = source(server.baseUrl(), FAST);
        // three rate limits on the first page, then server errors on the third page
        Collector sink = new Collector() {
            @Override
            public void walking(int pages, int transactions, Instant reachedBack) {
                if (pages == 2) {
                    server.faults().failNext(2, 500);
                    server.faults().failNext(1, 503);
                }
            }
        };
        server.faults().failNext(3, 429, Duration.ofSeconds(1));

        source.fetchNewer(Optional.empty(), sink);

        assertThat(sink.txHashes()).containsExactlyElementsOf(simulator.transactions().stream().map(SimTx::txHash).toList());
        assertThat(source.stats().retries()).isEqualTo(6);
        assertThat(source.stats().rateLimited()).isEqualTo(3);
        assertThat(source.stats().serverErrors()).isEqualTo(3);
        assertThat(sleeps).hasSize(6);
        assertThat(sleeps.subList(0, 3)).as("Retry-After honoured").allSatisfy(d -> assertThat(d).isGreaterThanOrEqualTo(Duration.ofSeconds(1)));
    }

    @Test
    void shouldFailRetriablyWhenFaultsOutlastTheAttemptsAndHandOverNothing() {
        FcdSource source = source(server.baseUrl(), new RetryPolicy(3, Duration.ofMillis(10), Duration.ofMillis(10), 1.0, Duration.ofSeconds(1)));
        Collector sink = new Collector();
        server.faults().failNext(5, 503);

        assertThatThrownBy(() -> source.fetchNewer(Optional.empty(), sink))
                .isInstanceOfSatisfying(SourceException.class, e -> {
                    assertThat(e.retriable()).isTrue();
                    assertThat(e.httpStatus()).isEqualTo(503);
                });
        assertThat(sink.batches).isEmpty();
        assertThat(source.stats().requests()).isEqualTo(3);
    }

    @Test
    void shouldFailFatallyOnAClientErrorWithoutRetrying() {
        FcdSource source = source(server.baseUrl(), FAST);
        server.faults().failNext(1, 404);

        assertThatThrownBy(() -> source.fetchNewer(Optional.empty(), new Collector()))
                .isInstanceOfSatisfying(SourceException.class, e -> assertThat(e.retriable()).isFalse());
        assertThat(source.stats().requests()).isEqualTo(1);
        assertThat(sleeps).isEmpty();
    }

    @Test
    void shouldRefuseACursorThatTheHistoryDoesNotReach() {
        FcdSource source = source(server.baseUrl(), FAST);
        SimTx oldest = simulator.transactions().get(0);

        assertThatThrownBy(() -> source.fetchNewer(Optional.of(new SourcePosition("1", 1, oldest.blockTime())), new Collector()))
                .isInstanceOfSatisfying(SourceException.class, e -> {
                    assertThat(e.retriable()).isFalse();
                    assertThat(e.getMessage()).contains("ends before the cursor");
                });
    }

    @Test
    void shouldFetchAPageAgainWhenItDoesNotConnectToThePreviousOne() throws Exception {
        // a proxy in front of the simulator that answers the first deeper page with the top page again (a stale cache)
        AtomicBoolean servedStale = new AtomicBoolean();
        HttpServer proxy = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        proxy.createContext("/", exchange -> {
            try (exchange) {
                String query = exchange.getRequestURI().getRawQuery();
                if (query.contains("offset=") && servedStale.compareAndSet(false, true)) {
                    query = query.replaceAll("&offset=[0-9]+", "");
                }
                HttpResponse<String> upstream = HTTP.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/v1/txs?" + query)).build(),
                        HttpResponse.BodyHandlers.ofString());
                byte[] body = upstream.body().getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(upstream.statusCode(), body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            }
        });
        proxy.start();
        try {
            FcdSource source = source("http://127.0.0.1:" + proxy.getAddress().getPort(), FAST);
            Collector sink = new Collector();

            source.fetchNewer(Optional.empty(), sink);

            assertThat(servedStale).isTrue();
            assertThat(sink.txHashes()).containsExactlyElementsOf(simulator.transactions().stream().map(SimTx::txHash).toList());
            assertThat(source.stats().retries()).isEqualTo(1);
        } finally {
            proxy.stop(0);
        }
    }

    @Test
    void shouldStopBetweenRequestsWhenAskedTo() throws InterruptedException {
        FcdSource source = source(server.baseUrl(), FAST);
        Collector sink = new Collector() {
            @Override
            public boolean stopRequested() {
                return true;
            }
        };

        ChainSource.WalkResult result = source.fetchNewer(Optional.empty(), sink);

        assertThat(result.stopped()).isTrue();
        assertThat(sink.batches).isEmpty();
        assertThat(source.stats().requests()).isZero();
    }

    @Test
    void shouldRefusePageSizesFcdDoesNotAccept() {
        assertThatThrownBy(() -> FcdSource.builder(server.baseUrl(), WatchTarget.of(MANIFEST)).pageLimit(50))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[10, 100]");
    }

    private static void assertOrdered(Collector sink) {
        long previousPosition = -1;
        for (SourceBatch b : sink.batches) {
            long position = Long.parseLong(b.newest().position());
            assertThat(position).isGreaterThan(previousPosition);
            previousPosition = position;
            for (TransferObserved t : b.observed()) {
                assertThat(t.getBlockTime()).isBeforeOrEqualTo(b.newest().blockTime());
            }
            for (TransferRejected t : b.rejected()) {
                assertThat(t.getBlockTime()).isBeforeOrEqualTo(b.newest().blockTime());
            }
        }
    }
}
