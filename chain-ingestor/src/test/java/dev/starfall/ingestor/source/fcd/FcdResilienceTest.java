package dev.starfall.ingestor.source.fcd;

import java.net.http.HttpClient;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;

import dev.starfall.ingestor.sim.ChainSimulator;
import dev.starfall.ingestor.sim.SimTx;
import dev.starfall.ingestor.sim.SimulatorServer;
import dev.starfall.ingestor.source.ChainSource;
import dev.starfall.ingestor.source.MalformedPayloadException;
import dev.starfall.ingestor.source.RetryPolicy;
import dev.starfall.ingestor.source.SourceBatch;
import dev.starfall.ingestor.source.SourceStats;
import dev.starfall.ingestor.source.WatchTarget;
import dev.starfall.ingestor.source.http.CircuitBreaker;
import dev.starfall.ingestor.source.http.Endpoint;
import dev.starfall.ingestor.source.http.EndpointPool;
import dev.starfall.ingestor.source.http.FakeTime;
import dev.starfall.schemas.manifest.Manifest;
import dev.starfall.schemas.manifest.ManifestLoader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * FcdSource over two simulator endpoints serving the same history (the same "FCD database"):
 * failover, breakers, Retry-After as an HTTP-date, timeouts, a page served twice, a malformed body
 * and the chain head.
 */
class FcdResilienceTest {

    static final Manifest MANIFEST = ManifestLoader.loadDefault();
    static final HttpClient HTTP = FcdSource.defaultHttpClient();
    static final RetryPolicy POLICY = new RetryPolicy(8, Duration.ofMillis(100), Duration.ofSeconds(2), 2.0, Duration.ofSeconds(5));

    static ChainSimulator simulator;
    static SimulatorServer a;
    static SimulatorServer b;

    final FakeTime time = new FakeTime();

    @BeforeAll
    static void start() {
        simulator = new ChainSimulator(MANIFEST, ChainSimulator.Config.defaults(11).withTransactions(800));
        a = SimulatorServer.start(simulator, 0);
        b = SimulatorServer.start(simulator, 0);
    }

    @AfterAll
    static void stop() {
        a.close();
        b.close();
    }

    @AfterEach
    void clearFaults() {
        a.faults().clear();
        b.faults().clear();
    }

    FcdSource.Builder builder(int weightA, int weightB) {
        return FcdSource.builder(List.of(new EndpointPool.EndpointConfig("a", a.baseUrl(), weightA),
                        new EndpointPool.EndpointConfig("b", b.baseUrl(), weightB)), WatchTarget.of(MANIFEST))
                .httpClient(HTTP)
                .retryPolicy(POLICY)
                .pacing(new EndpointPool.Settings(1_000, 1_000, new CircuitBreaker.Config(3, Duration.ofSeconds(30))))
                .ticker(time)
                .sleeper(time)
                .random(new SplittableRandom(3))
                .batchSize(100);
    }

    static class Collector implements ChainSource.BatchSink {
        final List<SourceBatch> batches = new ArrayList<>();

        @Override
        public void accept(SourceBatch batch) {
            batches.add(batch);
        }

        /** Distinct tx hashes handed over, after checking that the event counts are the model's (nothing twice). */
        List<String> txHashes() {
            List<String> out = new ArrayList<>();
            batches.forEach(batch -> {
                batch.observed().forEach(t -> out.add(t.getTxHash()));
                batch.rejected().forEach(t -> out.add(t.getTxHash()));
            });
            ChainSimulator.Expected expected = simulator.expected(simulator.transactions().size());
            assertThat(batches.stream().mapToLong(x -> x.observed().size()).sum()).isEqualTo(expected.observed());
            assertThat(batches.stream().mapToLong(x -> x.rejected().size()).sum()).isEqualTo(expected.rejected());
            return out.stream().distinct().sorted().toList();
        }
    }

    static List<String> allHashes() {
        return simulator.transactions().stream().map(SimTx::txHash).sorted().toList();
    }

    @Test
    void shouldFailOverWhileOneEndpointFailsAndOpenItsBreaker() throws InterruptedException {
        FcdSource source = builder(1, 1).pageLimit(10).build();
        b.faults().failNext(30, 503);
        Collector sink = new Collector();

        source.fetchNewer(Optional.empty(), sink);

        assertThat(sink.txHashes()).containsExactlyElementsOf(allHashes());
        SourceStats.Snapshot stats = source.stats();
        Endpoint.Snapshot bStats = stats.endpoints().get(1);
        assertThat(bStats.breaker()).isEqualTo(CircuitBreaker.State.OPEN);
        assertThat(bStats.breakerOpened()).isEqualTo(1);
        assertThat(bStats.serverErrors()).isEqualTo(3);
        assertThat(stats.failovers()).isEqualTo(3);
        assertThat(stats.endpoints().get(0).successes()).isGreaterThan(bStats.successes());
    }

    @Test
    void shouldMoveTrafficWhenTheWeightsChangeMidWalk() throws InterruptedException {
        FcdSource source = builder(1, 0).readHead(false).build();
        EndpointPool pool = source.pool();
        Collector sink = new Collector() {
            @Override
            public void walking(int pages, int transactions, Instant reachedBack) {
                if (pages == 3) {
                    pool.setWeights(Map.of("a", 0, "b", 1));
                }
            }
        };

        source.fetchNewer(Optional.empty(), sink);

        assertThat(sink.txHashes()).containsExactlyElementsOf(allHashes());
        List<Endpoint.Snapshot> endpoints = source.stats().endpoints();
        // the 4th page may already have been on its way to a (fetched ahead while the 3rd was parsed)
        assertThat(endpoints.get(0).requests()).isBetween(3L, 4L);
        assertThat(endpoints.get(1).requests()).isEqualTo(source.stats().pages() - endpoints.get(0).requests());
        assertThat(endpoints.get(1).weight()).isEqualTo(1);
    }

    @Test
    void shouldHonourRetryAfterGivenAsAnHttpDate() throws InterruptedException {
        FcdSource source = FcdSource.builder(a.baseUrl(), WatchTarget.of(MANIFEST)).httpClient(HTTP).retryPolicy(POLICY)
                .pacing(new EndpointPool.Settings(1_000, 1_000, CircuitBreaker.Config.DEFAULT)).ticker(time).sleeper(time)
                .readHead(false).build();
        a.faults().rateLimitNextWithDate(1, Duration.ofSeconds(3));
        a.faults().rateLimitNextWithDate(1, Duration.ofSeconds(3));
        Collector sink = new Collector();

        source.fetchNewer(Optional.empty(), sink);

        assertThat(sink.txHashes()).containsExactlyElementsOf(allHashes());
        assertThat(source.stats().rateLimited()).isEqualTo(2);
        assertThat(time.sleeps()).as("no request before the Retry-After date").hasSize(2)
                .allSatisfy(d -> assertThat(d).isGreaterThanOrEqualTo(Duration.ofSeconds(2)));
    }

    @Test
    void shouldRetryARequestThatTimedOut() throws InterruptedException {
        FcdSource source = builder(1, 0).readHead(false).requestTimeout(Duration.ofMillis(300)).build();
        a.faults().slowNext(1, Duration.ofMillis(1_500));
        Collector sink = new Collector();

        source.fetchNewer(Optional.empty(), sink);

        assertThat(sink.txHashes()).containsExactlyElementsOf(allHashes());
        assertThat(source.stats().timeouts()).isEqualTo(1);
        assertThat(source.stats().retries()).isEqualTo(1);
    }

    @Test
    void shouldFetchAPageServedTwiceAgain() throws InterruptedException {
        FcdSource source = builder(1, 0).readHead(false).build();
        Collector sink = new Collector() {
            @Override
            public void walking(int pages, int transactions, Instant reachedBack) {
                if (pages == 2) {
                    a.faults().repeatPageNext();
                }
            }
        };

        source.fetchNewer(Optional.empty(), sink);

        assertThat(sink.txHashes()).containsExactlyElementsOf(allHashes());
        assertThat(source.stats().retries()).isEqualTo(1);
        assertThat(source.stats().endpoints().get(0).breaker()).isEqualTo(CircuitBreaker.State.CLOSED);
    }

    @Test
    void shouldStopOnAMalformedBodyNamingTheRequestAndKeepingTheBody() {
        FcdSource source = builder(1, 0).readHead(false).build();
        a.faults().malformedNext();
        Collector sink = new Collector();

        assertThatThrownBy(() -> source.fetchNewer(Optional.empty(), sink))
                .isInstanceOfSatisfying(MalformedPayloadException.class, e -> {
                    assertThat(e.retriable()).isFalse();
                    assertThat(e.request()).startsWith("GET /v1/txs?account=" + simulator.wallet());
                    assertThat(e.httpStatus()).isEqualTo(200);
                    assertThat(e.rawBody()).isNotEmpty();
                    assertThat(e.jsonPath()).isEqualTo("$");
                    assertThat(e.source()).isEqualTo(a.baseUrl());
                });
        assertThat(sink.batches).isEmpty();
        assertThat(source.stats().retries()).isZero();
    }

    @Test
    void shouldBackfillUpwardsInWindowsWhenTheHistoryIsDeep() throws InterruptedException {
        FcdSource source = builder(1, 0).pageLimit(10).windowPages(3).batchSize(7).build();
        Collector sink = new Collector();

        ChainSource.WalkResult result = source.fetchNewer(Optional.empty(), sink);

        assertThat(sink.txHashes()).containsExactlyElementsOf(allHashes());
        assertOldestFirst(sink);
        assertThat(result.transactions()).isEqualTo(simulator.transactions().size());
        assertThat(sink.batches.get(sink.batches.size() - 1).chainTime()).isEqualTo(simulator.head().time());
        assertThat(sink.batches).as("windows of at most 30 rows, batches of at most 7").allSatisfy(x -> assertThat(x.transactions()).isLessThanOrEqualTo(7));
        // pages are fetched ahead only when the walk will read them: one request per page read, one per page
        // fetched again (a window's page that another offset already answered), and the head's
        assertThat(source.stats().requests()).isEqualTo(source.stats().pages() + source.stats().retries() + 1);
    }

    @Test
    void shouldNotSkipRowsWhenOlderPagesAreServedAgainDuringAWindowedBackfill() throws InterruptedException {
        FcdSource source = builder(1, 0).pageLimit(10).windowPages(3).readHead(false).build();
        Collector sink = new Collector() {
            @Override
            public void walking(int pages, int transactions, Instant reachedBack) {
                if (pages % 7 == 0) {
                    a.faults().repeatPageNext();
                }
            }
        };

        source.fetchNewer(Optional.empty(), sink);

        assertThat(sink.txHashes()).containsExactlyElementsOf(allHashes());
        assertOldestFirst(sink);
    }

    @Test
    void shouldResumeAWindowedBackfillFromACursor() throws InterruptedException {
        FcdSource source = builder(1, 0).pageLimit(10).windowPages(3).build();
        SimTx cursor = simulator.transactions().get(123);
        Collector sink = new Collector() {
            @Override
            List<String> txHashes() {
                return batches.stream().flatMap(x -> java.util.stream.Stream.concat(x.observed().stream().map(t -> t.getTxHash()),
                        x.rejected().stream().map(t -> t.getTxHash()))).distinct().sorted().toList();
            }
        };

        source.fetchNewer(Optional.of(new dev.starfall.ingestor.source.SourcePosition(Long.toString(cursor.id()), cursor.height(),
                cursor.blockTime())), sink);

        assertThat(sink.txHashes()).containsExactlyElementsOf(simulator.transactions().subList(124, simulator.transactions().size())
                .stream().map(SimTx::txHash).sorted().toList());
        assertOldestFirst(sink);
    }

    private static void assertOldestFirst(Collector sink) {
        long previous = -1;
        for (SourceBatch batch : sink.batches) {
            long position = Long.parseLong(batch.newest().position());
            assertThat(position).isGreaterThan(previous);
            previous = position;
        }
    }

    @Test
    void shouldCarryTheHeadTimeOnTheLastBatch() throws InterruptedException {
        FcdSource source = builder(1, 0).build();
        Collector sink = new Collector();

        ChainSource.WalkResult result = source.fetchNewer(Optional.empty(), sink);

        ChainSimulator.Head head = simulator.head();
        assertThat(result.headTime()).isEqualTo(head.time());
        assertThat(sink.batches.get(sink.batches.size() - 1).chainTime()).isEqualTo(head.time());
        assertThat(sink.batches.get(0).chainTime()).isEqualTo(sink.batches.get(0).newest().blockTime());
        assertThat(source.stats().chainTimeSeen()).isEqualTo(head.time());
    }
}
