package dev.starfall.ingestor.source.solanarpc;

import java.math.BigInteger;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.TreeMap;

import dev.starfall.ingestor.sim.ChainSimulator;
import dev.starfall.ingestor.sim.SimulatorServer;
import dev.starfall.ingestor.sim.SolanaRenderer;
import dev.starfall.ingestor.source.ChainSource;
import dev.starfall.ingestor.source.MalformedPayloadException;
import dev.starfall.ingestor.source.RecordingSink;
import dev.starfall.ingestor.source.RetryPolicy;
import dev.starfall.ingestor.source.SourceBatch;
import dev.starfall.ingestor.source.SourceSettings;
import dev.starfall.ingestor.source.WatchTarget;
import dev.starfall.ingestor.source.http.CircuitBreaker;
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

/** SolanaSource against the simulator's JSON-RPC: SOL system transfers to the wallet, faults, resume by signature. */
class SolanaSourceTest {

    static final Manifest MANIFEST = ManifestLoader.loadDefault();
    static ChainSimulator simulator;
    static SimulatorServer server;
    static WatchTarget target;

    final FakeTime time = new FakeTime();

    @BeforeAll
    static void start() {
        simulator = new ChainSimulator(MANIFEST, ChainSimulator.Config.defaults(5).withTransactions(600));
        server = SimulatorServer.start(simulator, 0);
        target = new WatchTarget("solana", "mainnet-beta", server.solana().key(simulator.wallet()), "lamports");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @AfterEach
    void clearFaults() {
        server.faults().clear();
    }

    SolanaSource source(int pageLimit) {
        SourceSettings settings = SourceSettings.of(server.baseUrl())
                .withPacing(new EndpointPool.Settings(1_000, 1_000, CircuitBreaker.Config.DEFAULT))
                .withRetryPolicy(new RetryPolicy(6, Duration.ofMillis(50), Duration.ofSeconds(1), 2.0, Duration.ofSeconds(2)))
                .withPageLimit(pageLimit)
                .withBatchSize(40)
                .withTime(Clock.systemUTC(), time, time)
                .withRandom(new SplittableRandom(9));
        return new SolanaSource(target, List.of(), settings);
    }

    static class Collector extends RecordingSink {
        Map<Integer, Map<String, BigInteger>> sums() {
            return sums(MANIFEST.schedule());
        }
    }

    /** The simulator's ground truth with senders as Solana keys. */
    static Map<Integer, Map<String, BigInteger>> truth() {
        SolanaRenderer solana = server.solana();
        Map<Integer, Map<String, BigInteger>> out = new TreeMap<>();
        simulator.groundTruth().forEach((shower, senders) -> senders.forEach((sender, sum) ->
                out.computeIfAbsent(shower, k -> new TreeMap<>()).put(solana.key(sender), sum)));
        return out;
    }

    @Test
    void shouldReadEverySolTransferToTheWalletOnceOldestFirst() throws InterruptedException {
        SolanaSource source = source(100);
        Collector sink = new Collector();

        ChainSource.WalkResult result = source.fetchNewer(Optional.empty(), sink);

        assertThat(sink.sums()).isEqualTo(truth());
        assertThat(result.headTime()).isEqualTo(simulator.head().time());
        assertThat(sink.batches.get(sink.batches.size() - 1).chainTime()).isEqualTo(simulator.head().time());
        long previousSlot = -1;
        for (SourceBatch b : sink.batches) {
            assertThat(b.newest().blockHeight()).as("batches never split a slot").isGreaterThan(previousSlot);
            previousSlot = b.newest().blockHeight();
        }
    }

    @Test
    void shouldResumeAfterTheCursorSignature() throws InterruptedException {
        SolanaSource first = source(50);
        Collector all = new Collector();
        first.fetchNewer(Optional.empty(), all);
        SourceBatch middle = all.batches.get(all.batches.size() / 2);

        Collector rest = new Collector();
        source(50).fetchNewer(Optional.of(middle.newest()), rest);

        Collector combined = new Collector();
        combined.batches.addAll(all.batches.subList(0, all.batches.size() / 2 + 1));
        combined.batches.addAll(rest.batches);
        assertThat(combined.sums()).isEqualTo(truth());
    }

    @Test
    void shouldRideOutRateLimitsServerErrorsAndARepeatedPage() throws InterruptedException {
        SolanaSource source = source(50);
        server.faults().failNext(3, 429);
        server.faults().failNext(1, 503, Duration.ofSeconds(1));
        Collector sink = new Collector() {
            @Override
            public void walking(int pages, int transactions, Instant reachedBack) {
                if (pages == 2) {
                    server.faults().repeatPageNext();
                }
            }
        };

        source.fetchNewer(Optional.empty(), sink);

        assertThat(sink.sums()).isEqualTo(truth());
        assertThat(source.stats().rateLimited()).isEqualTo(3);
        assertThat(source.stats().serverErrors()).isEqualTo(1);
        assertThat(source.stats().retries()).isEqualTo(5);
    }

    @Test
    void shouldStopOnAMalformedAnswer() {
        SolanaSource source = source(50);
        server.faults().malformedNext();

        assertThatThrownBy(() -> source.fetchNewer(Optional.empty(), new Collector()))
                .isInstanceOfSatisfying(MalformedPayloadException.class, e -> {
                    assertThat(e.request()).contains("getSignaturesForAddress");
                    assertThat(e.rawBody()).isNotEmpty();
                });
    }

    @Test
    void shouldRefuseMoreThanAThousandSignaturesPerPage() {
        assertThatThrownBy(() -> source(1001)).isInstanceOf(IllegalArgumentException.class);
    }

}
