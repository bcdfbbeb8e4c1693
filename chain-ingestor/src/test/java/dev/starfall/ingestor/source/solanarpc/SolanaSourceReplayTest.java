package dev.starfall.ingestor.source.solanarpc;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;

import dev.starfall.ingestor.source.ChainSource;
import dev.starfall.ingestor.source.MalformedPayloadException;
import dev.starfall.ingestor.source.RecordingSink;
import dev.starfall.ingestor.source.RetryPolicy;
import dev.starfall.ingestor.source.SourcePosition;
import dev.starfall.ingestor.source.SourceSettings;
import dev.starfall.ingestor.source.WatchTarget;
import dev.starfall.ingestor.source.http.CircuitBreaker;
import dev.starfall.ingestor.source.http.EndpointPool;
import dev.starfall.ingestor.source.http.FakeTime;
import dev.starfall.ingestor.source.solana.SolanaFixtures;
import dev.starfall.ingestor.source.solana.SolanaTxParser;
import dev.starfall.schemas.avro.RejectionReason;
import dev.starfall.schemas.avro.TransferObserved;
import dev.starfall.schemas.avro.TransferRejected;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static dev.starfall.ingestor.source.solana.SolanaFixtures.AHY6;
import static dev.starfall.ingestor.source.solana.SolanaFixtures.ERROR_32005;
import static dev.starfall.ingestor.source.solana.SolanaFixtures.ERROR_429;
import static dev.starfall.ingestor.source.solana.SolanaFixtures.HBYC;
import static dev.starfall.ingestor.source.solana.SolanaFixtures.SOL_FROM;
import static dev.starfall.ingestor.source.solana.SolanaFixtures.SOL_SIG;
import static dev.starfall.ingestor.source.solana.SolanaFixtures.SOL_TO;
import static dev.starfall.ingestor.source.solana.SolanaFixtures.USDC;
import static dev.starfall.ingestor.source.solana.SolanaFixtures.USDC_ATA;
import static dev.starfall.ingestor.source.solana.SolanaFixtures.USDC_PAYER;
import static dev.starfall.ingestor.source.solana.SolanaFixtures.USDC_SIG;
import static dev.starfall.ingestor.source.solana.SolanaFixtures.USDC_WALLET;
import static dev.starfall.ingestor.source.solana.SolanaFixtures.VOTER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

/**
 * SolanaSource against {@link RecordedSolanaRpc}: a local JSON-RPC node that serves the recorded payloads of
 * {@code shared/fixtures/chain/solana-rpc}. Checks exactly which events each recorded transaction gives through the
 * whole source (signature walk, getTransaction, batches), the paged signature walk down to the recorded empty page,
 * retries of the recorded rate-limit and node-unhealthy answers, and the stop on a malformed body.
 */
class SolanaSourceReplayTest {

    static final String AHY6_IN_SIG = "4aQuuc4XFP7SQrZF4z3TsFyqdRHQBF37yxK8t1jQLL97JSwGadEvUFSM4GK6DtacWzid7VT7VTaqbfJfbzzsboYt";
    static final String AHY6_OUT_SIG = "5QeLdXcC8GRh3KSs67Pq9sNE5uwFKkHt37crYLzcZ19ieh6RSEEGrS2r5eVXJiaXKb8M6FyKF45kHHmQRW2g1LYA";
    static final String VOTE_SIG = "29ku1FzyNHgx5BZ811uj82EEnZNG6JbPuCQJvy5zuXnBfy2zgAdUubpfwEz2CfojFzxuzghms6qq9afzrzSnavdD";
    static final String PAGE1_LAST = "4qpq3ozPaS48wjv1JrXFQYiTGJfQ94iu1pDFLJXxWUDGJfMoD22wsu59qfAGkjDKKmjkNo36uPa724NUp67wqMDS";
    static final String PAGE2_LAST = "2vjYNpYyJfAU432CrmwndW56BvyanDX5n1CqfM2oXak2K9bDncfH4zayFSUD1UhDqpwbShPbziA2grCqGrKxf8Rw";

    static final Instant NOW = Instant.parse("2024-06-01T00:00:00Z");

    final FakeTime time = new FakeTime();
    final RecordedSolanaRpc rpc = new RecordedSolanaRpc();

    @AfterEach
    void stop() {
        rpc.close();
    }

    SolanaSource source(String wallet, String denom, List<String> tokenAccounts) {
        SourceSettings settings = SourceSettings.of(rpc.url())
                .withPacing(new EndpointPool.Settings(1_000, 1_000, CircuitBreaker.Config.DEFAULT))
                .withRetryPolicy(new RetryPolicy(6, Duration.ofMillis(50), Duration.ofSeconds(1), 2.0, Duration.ofSeconds(2)))
                .withPageLimit(5)
                .withBatchSize(40)
                .withTime(Clock.fixed(NOW, ZoneOffset.UTC), time, time)
                .withRandom(new SplittableRandom(3));
        return new SolanaSource(new WatchTarget("solana", "mainnet-beta", wallet, denom), tokenAccounts, settings);
    }

    @Test
    void shouldServeEveryRecordedSolanaRpcFile() {
        assertThat(SolanaFixtures.files()).as("every recorded file has its place in the replay server")
                .containsExactlyInAnyOrderElementsOf(RecordedSolanaRpc.FILES);
    }

    @Test
    void shouldObserveTheRecordedSolSystemTransferWithItsMemo() throws InterruptedException {
        SolanaSource source = source(SOL_TO, SolanaTxParser.LAMPORTS, List.of());
        RecordingSink sink = new RecordingSink();

        ChainSource.WalkResult result = source.fetchNewer(Optional.empty(), sink);

        assertThat(sink.rejected()).isEmpty();
        assertThat(sink.observed()).singleElement().satisfies(t -> {
            assertThat(t.getChain()).isEqualTo("solana");
            assertThat(t.getChainId()).isEqualTo("mainnet-beta");
            assertThat(t.getTxHash()).isEqualTo(SOL_SIG);
            assertThat(t.getMessageIndex()).isZero();
            assertThat(t.getBlockHeight()).isEqualTo(185471096L);
            assertThat(t.getBlockTime()).isEqualTo(Instant.ofEpochSecond(1680146043L));
            assertThat(t.getSender()).isEqualTo(SOL_FROM);
            assertThat(t.getRecipient()).isEqualTo(SOL_TO);
            assertThat(t.getDenom()).isEqualTo("lamports");
            assertThat(t.getAmount()).isEqualTo(new BigDecimal("1000000"));
            assertThat(t.getMemo()).isEqualTo("transfer");
            assertThat(t.getSourceEndpoint()).isEqualTo(rpc.url());
            assertThat(t.getObservedAt()).isEqualTo(NOW);
        });
        assertThat(sink.batches).singleElement().satisfies(b -> {
            assertThat(b.newest()).isEqualTo(new SourcePosition(SOL_SIG, 185471096L, Instant.ofEpochSecond(1680146043L)));
            assertThat(b.chainTime()).as("the head's time").isEqualTo(Instant.ofEpochSecond(rpc.headTime()));
        });
        assertThat(result.transactions()).isEqualTo(1);
        assertThat(rpc.calls("getSignaturesForAddress")).singleElement().satisfies(c -> {
            assertThat(c.first()).isEqualTo(SOL_TO);
            assertThat(c.options().path("limit").asInt()).isEqualTo(5);
            assertThat(c.options().path("commitment").asText()).isEqualTo("finalized");
            assertThat(c.options().has("before")).isFalse();
        });
        assertThat(rpc.calls("getTransaction")).extracting(RecordedSolanaRpc.Call::first).containsExactly(SOL_SIG);
    }

    @Test
    void shouldObserveTheRecordedUsdcTransferIntoTheNewAtaOnceAndNotReadItAgainAfterTheCursor() throws InterruptedException {
        SolanaSource source = source(USDC_WALLET, USDC, List.of(USDC_ATA));
        RecordingSink sink = new RecordingSink();

        source.fetchNewer(Optional.empty(), sink);

        assertThat(sink.rejected()).isEmpty();
        assertThat(sink.observed()).extracting(TransferObserved::getTxHash, TransferObserved::getMessageIndex,
                        TransferObserved::getSender, TransferObserved::getRecipient, TransferObserved::getDenom,
                        TransferObserved::getAmount, TransferObserved::getMemo, TransferObserved::getBlockHeight)
                .as("the ATA create names the wallet, so both addresses list the transaction; it counts once")
                .containsExactly(tuple(USDC_SIG, 5, USDC_PAYER, USDC_ATA, USDC, new BigDecimal("1000"), "transfer", 184930610L));
        assertThat(rpc.calls("getSignaturesForAddress")).extracting(RecordedSolanaRpc.Call::first)
                .containsExactly(USDC_WALLET, USDC_ATA);
        assertThat(rpc.calls("getTransaction")).extracting(RecordedSolanaRpc.Call::first).containsExactly(USDC_SIG);

        RecordingSink again = new RecordingSink();
        source.fetchNewer(Optional.of(sink.batches.get(0).newest()), again);

        assertThat(again.batches).as("nothing after the cursor").isEmpty();
        assertThat(rpc.calls("getTransaction")).as("no transaction read twice").hasSize(1);
        assertThat(rpc.calls("getSignaturesForAddress").get(2).options().path("until").asText())
                .as("the wallet's walk stops at the cursor signature").isEqualTo(USDC_SIG);
    }

    @Test
    void shouldReadTheBatchFilesTransfersOldestFirstAndRejectTheFailedVote() throws InterruptedException {
        RecordingSink transfers = new RecordingSink();
        source(AHY6, SolanaTxParser.LAMPORTS, List.of()).fetchNewer(Optional.empty(), transfers);

        assertThat(transfers.batches).singleElement().satisfies(b -> {
            assertThat(b.transactions()).isEqualTo(2);
            assertThat(b.newest().position()).as("the newer of the two").isEqualTo(AHY6_IN_SIG);
        });
        assertThat(transfers.rejected()).extracting(TransferRejected::getTxHash, TransferRejected::getMessageIndex,
                        TransferRejected::getReason, TransferRejected::getSender, TransferRejected::getRecipient,
                        TransferRejected::getAmount, TransferRejected::getBlockHeight)
                .containsExactly(tuple(AHY6_OUT_SIG, 0, RejectionReason.OUTGOING, AHY6, HBYC, new BigDecimal("120000"), 5543556L));
        assertThat(transfers.observed()).extracting(TransferObserved::getTxHash, TransferObserved::getMessageIndex,
                        TransferObserved::getSender, TransferObserved::getAmount, TransferObserved::getMemo,
                        TransferObserved::getBlockHeight)
                .containsExactly(tuple(AHY6_IN_SIG, 0, HBYC, new BigDecimal("1230000"), null, 5632752L));
        assertThat(rpc.calls("getTransaction")).extracting(RecordedSolanaRpc.Call::first)
                .as("oldest first").containsExactly(AHY6_OUT_SIG, AHY6_IN_SIG);

        RecordingSink vote = new RecordingSink();
        source(VOTER, SolanaTxParser.LAMPORTS, List.of()).fetchNewer(Optional.empty(), vote);

        assertThat(vote.observed()).isEmpty();
        assertThat(vote.rejected()).singleElement().satisfies(r -> {
            assertThat(r.getTxHash()).isEqualTo(VOTE_SIG);
            assertThat(r.getReason()).isEqualTo(RejectionReason.FAILED_TRANSACTION);
            assertThat(r.getMessageIndex()).isEqualTo(-1);
            assertThat(r.getBlockHeight()).isEqualTo(52838310L);
            assertThat(r.getAmount()).isNull();
            assertThat(r.getDetail()).contains("{\"InstructionError\":[0,{\"Custom\":0}]}");
        });
    }

    @Test
    void shouldWalkTheRecordedSignaturePagesDownToTheEmptyPage() throws InterruptedException {
        SolanaSource source = source(RecordedSolanaRpc.PAGED_ADDRESS, SolanaTxParser.LAMPORTS, List.of());
        List<Integer> found = new ArrayList<>();
        // the recorded transactions of these signatures were not recorded: stop once the walk has listed them all
        RecordingSink sink = new RecordingSink() {
            @Override
            public boolean stopRequested() {
                return found.size() == 3;
            }

            @Override
            public void walking(int pages, int transactions, Instant reachedBack) {
                found.add(transactions);
            }
        };

        ChainSource.WalkResult result = source.fetchNewer(Optional.empty(), sink);

        assertThat(result.pages()).isEqualTo(3);
        assertThat(result.stopped()).isTrue();
        assertThat(found).as("signatures found after each page").containsExactly(5, 10, 10);
        assertThat(rpc.calls("getSignaturesForAddress")).extracting(c -> c.options().path("before").asText(null))
                .as("each page continues below the previous page's last signature")
                .containsExactly(null, PAGE1_LAST, PAGE2_LAST);
        assertThat(rpc.calls("getTransaction")).isEmpty();
        assertThat(sink.batches).isEmpty();
    }

    @Test
    void shouldRetryTheRecordedRateLimitAndNodeUnhealthyAnswers() throws InterruptedException {
        String rateLimited = SolanaFixtures.read(ERROR_429);
        String unhealthy = SolanaFixtures.read(ERROR_32005);
        rpc.inject("getSignaturesForAddress", 429, rateLimited);
        rpc.inject("getSignaturesForAddress", 200, unhealthy);
        rpc.inject("getTransaction", 200, unhealthy);
        rpc.inject("getTransaction", 429, rateLimited);
        SolanaSource source = source(SOL_TO, SolanaTxParser.LAMPORTS, List.of());
        RecordingSink sink = new RecordingSink();

        source.fetchNewer(Optional.empty(), sink);

        assertThat(sink.observed()).extracting(TransferObserved::getTxHash, TransferObserved::getAmount)
                .containsExactly(tuple(SOL_SIG, new BigDecimal("1000000")));
        assertThat(rpc.calls("getSignaturesForAddress")).as("two refusals, then the answer").hasSize(3);
        assertThat(rpc.calls("getTransaction")).as("two refusals, then the answer").hasSize(3)
                .extracting(RecordedSolanaRpc.Call::first).containsOnly(SOL_SIG);
        assertThat(source.stats().retries()).isEqualTo(4);
        assertThat(source.stats().rateLimited()).isEqualTo(2);
    }

    @Test
    void shouldStopWithAnErrorNamingAMalformedBody() {
        String recorded = rpc.transactionBody(SOL_SIG);
        String cut = recorded.substring(0, recorded.length() / 2);
        rpc.inject("getTransaction", 200, cut);
        SolanaSource source = source(SOL_TO, SolanaTxParser.LAMPORTS, List.of());
        RecordingSink sink = new RecordingSink();

        assertThatThrownBy(() -> source.fetchNewer(Optional.empty(), sink))
                .isInstanceOfSatisfying(MalformedPayloadException.class, e -> {
                    assertThat(e.retriable()).isFalse();
                    assertThat(e.request()).contains("getTransaction").contains(SOL_SIG);
                    assertThat(e.rawBody()).isEqualTo(cut);
                    assertThat(e.jsonPath()).isEqualTo("$");
                    assertThat(e.getMessage()).contains(rpc.url()).contains("malformed payload").contains(SOL_SIG);
                });
        assertThat(sink.batches).isEmpty();
        assertThat(rpc.calls("getTransaction")).as("a malformed body is not asked again").hasSize(1);
    }

    @Test
    void shouldStopNamingTheTransactionAndFieldOfARecordedPayloadWithoutBlockTime() {
        String recorded = rpc.transactionBody(SOL_SIG);
        rpc.inject("getTransaction", 200, recorded.replace("\"blockTime\":1680146043", "\"blockTime\":null"));
        SolanaSource source = source(SOL_TO, SolanaTxParser.LAMPORTS, List.of());

        assertThatThrownBy(() -> source.fetchNewer(Optional.empty(), new RecordingSink()))
                .isInstanceOfSatisfying(MalformedPayloadException.class, e -> {
                    assertThat(e.txRef()).isEqualTo(SOL_SIG);
                    assertThat(e.jsonPath()).isEqualTo("$.result.blockTime");
                    assertThat(e.rawBody()).contains("\"blockTime\":null");
                });
    }
}
