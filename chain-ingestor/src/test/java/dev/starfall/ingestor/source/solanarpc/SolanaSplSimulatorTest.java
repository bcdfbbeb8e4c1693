package dev.starfall.ingestor.source.solanarpc;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;

import dev.starfall.ingestor.sim.ChainSimulator;
import dev.starfall.ingestor.sim.SimTx;
import dev.starfall.ingestor.sim.SimulatorServer;
import dev.starfall.ingestor.sim.SolanaManifests;
import dev.starfall.ingestor.source.ChainSource;
import dev.starfall.ingestor.source.RecordingSink;
import dev.starfall.ingestor.source.RetryPolicy;
import dev.starfall.ingestor.source.SourceBatch;
import dev.starfall.ingestor.source.SourceSettings;
import dev.starfall.ingestor.source.Sources;
import dev.starfall.ingestor.source.http.CircuitBreaker;
import dev.starfall.ingestor.source.http.EndpointPool;
import dev.starfall.ingestor.source.http.FakeTime;
import dev.starfall.ingestor.source.lcd.LcdQuery;
import dev.starfall.schemas.avro.RejectionReason;
import dev.starfall.schemas.avro.TransferObserved;
import dev.starfall.schemas.avro.TransferRejected;
import dev.starfall.schemas.manifest.Manifest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The source a Solana manifest paid in an SPL mint gets ({@link Sources#forManifest}) against the simulator's JSON-RPC:
 * deposits into the wallet's two token accounts (some only among inner instructions, some also naming the wallet),
 * read through a 429 storm, server errors and repeated pages, sum up to the simulator's ground truth.
 */
class SolanaSplSimulatorTest {

    static final Manifest MANIFEST = SolanaManifests.usdc();
    static final int PAGE = 25;

    static ChainSimulator simulator;
    static SimulatorServer server;

    final FakeTime time = new FakeTime();

    @BeforeAll
    static void start() {
        simulator = new ChainSimulator(MANIFEST, ChainSimulator.Config.defaults(23).withTransactions(900));
        server = SimulatorServer.start(simulator, 0);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    ChainSource source() {
        SourceSettings settings = SourceSettings.of(List.of(new EndpointPool.EndpointConfig("a", server.baseUrl(), 1),
                        new EndpointPool.EndpointConfig("b", server.baseUrl(), 1)))
                .withPacing(new EndpointPool.Settings(1_000, 1_000, CircuitBreaker.Config.DEFAULT))
                .withRetryPolicy(new RetryPolicy(10, Duration.ofMillis(50), Duration.ofSeconds(2), 2.0, Duration.ofSeconds(5)))
                .withPageLimit(PAGE)
                .withBatchSize(30)
                .withTime(Clock.systemUTC(), time, time)
                .withRandom(new SplittableRandom(5));
        return Sources.forManifest(MANIFEST, settings,
                new Sources.ChainOptions(LcdQuery.Dialect.EVENTS, server.solana().walletTokenAccounts(), 50));
    }

    /** Transactions {@code getSignaturesForAddress(address)} lists. */
    static long listed(String address) {
        return simulator.transactions().stream().filter(tx -> server.solana().accountKeys(tx).contains(address)).count();
    }

    @Test
    void shouldSumEverySplDepositOnceThroughRateLimitsServerErrorsAndRepeatedPages() throws InterruptedException {
        String wallet = simulator.wallet();
        String ata = server.solana().walletTokenAccounts().get(0);
        long walletPages = listed(wallet) / PAGE + 1;
        assertThat(walletPages).as("pages of the wallet's own listing").isGreaterThan(4);
        assertThat(listed(ata)).as("pages of its associated token account").isGreaterThan(4L * PAGE);
        ChainSource source = source();
        server.faults().failNext(7, 429);
        RecordingSink sink = new RecordingSink() {
            @Override
            public void walking(int pages, int transactions, Instant reachedBack) {
                if (pages == 2) {
                    server.faults().failNext(3, 503, Duration.ofSeconds(1));
                } else if (pages == 3 || pages == walletPages + 3) {
                    // inside the wallet's walk, then inside the token account's walk: the previous page again
                    server.faults().repeatPageNext();
                } else if (pages == walletPages + 5) {
                    server.faults().rateLimitNextWithDate(4, Duration.ofSeconds(2));
                }
            }
        };

        ChainSource.WalkResult result = source.fetchNewer(Optional.empty(), sink);

        assertThat(sink.sums(MANIFEST.schedule())).isEqualTo(simulator.groundTruth());
        assertThat(sink.observed()).hasSize((int) simulator.expected(simulator.transactions().size()).observed());
        assertThat(sink.observed()).extracting(TransferObserved::getRecipient).isSubsetOf(server.solana().walletTokenAccounts());
        Set<RejectionReason> reasons = EnumSet.noneOf(RejectionReason.class);
        sink.batches.forEach(b -> b.rejected().stream().map(TransferRejected::getReason).forEach(reasons::add));
        assertThat(reasons).contains(RejectionReason.FAILED_TRANSACTION, RejectionReason.OUTGOING, RejectionReason.NOT_A_TRANSFER,
                RejectionReason.OTHER_DENOM);
        assertThat(result.headTime()).isEqualTo(simulator.head().time());
        assertThat(server.faults().pending()).isZero();
        assertThat(source.stats().rateLimited()).isGreaterThanOrEqualTo(11);
        assertThat(source.stats().serverErrors()).isEqualTo(3);
        assertThat(source.stats().retries()).as("7 + 4 rate limited, 3 server errors, 2 repeated pages fetched again")
                .isEqualTo(16);
        assertThat(source.stats().failovers()).isPositive();
    }

    @Test
    void shouldReadNothingAgainAfterTheLastCursor() throws InterruptedException {
        RecordingSink first = new RecordingSink();
        source().fetchNewer(Optional.empty(), first);
        SourceBatch middle = first.batches.get(first.batches.size() / 2);

        RecordingSink rest = new RecordingSink();
        source().fetchNewer(Optional.of(middle.newest()), rest);
        RecordingSink none = new RecordingSink();
        ChainSource.WalkResult again = source().fetchNewer(Optional.of(rest.batches.get(rest.batches.size() - 1).newest()), none);

        RecordingSink combined = new RecordingSink();
        combined.batches.addAll(first.batches.subList(0, first.batches.size() / 2 + 1));
        combined.batches.addAll(rest.batches);
        assertThat(combined.sums(MANIFEST.schedule())).isEqualTo(simulator.groundTruth());
        assertThat(rest.batches.get(0).newest().blockHeight()).isGreaterThan(middle.newest().blockHeight());
        assertThat(none.batches).isEmpty();
        assertThat(again.transactions()).isZero();
    }

    @Test
    void shouldHaveASimulatedHistoryWithEveryKindOfTransaction() {
        Set<SimTx.Kind> kinds = EnumSet.noneOf(SimTx.Kind.class);
        simulator.transactions().forEach(t -> kinds.add(t.kind()));

        assertThat(kinds).containsExactlyInAnyOrder(SimTx.Kind.values());
    }
}
