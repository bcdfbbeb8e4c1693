package dev.starfall.ingestor.source.solana;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starfall.ingestor.source.MalformedPayloadException;
import dev.starfall.ingestor.source.WatchTarget;
import dev.starfall.ingestor.source.solana.SolanaTxParser.Found;
import dev.starfall.ingestor.source.solana.SolanaTxParser.NotAvailable;
import dev.starfall.ingestor.source.solana.SolanaTxParser.Outcome;
import dev.starfall.ingestor.source.solana.SolanaTxParser.ParsedTx;
import dev.starfall.ingestor.source.solana.SolanaTxParser.RpcFailed;
import dev.starfall.schemas.avro.RejectionReason;
import dev.starfall.schemas.avro.TransferObserved;
import dev.starfall.schemas.avro.TransferRejected;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import static dev.starfall.ingestor.source.solana.SolanaFixtures.AHY6;
import static dev.starfall.ingestor.source.solana.SolanaFixtures.BATCH;
import static dev.starfall.ingestor.source.solana.SolanaFixtures.ERROR_32005;
import static dev.starfall.ingestor.source.solana.SolanaFixtures.ERROR_429;
import static dev.starfall.ingestor.source.solana.SolanaFixtures.FEE_PAYER;
import static dev.starfall.ingestor.source.solana.SolanaFixtures.HBYC;
import static dev.starfall.ingestor.source.solana.SolanaFixtures.SOL_FROM;
import static dev.starfall.ingestor.source.solana.SolanaFixtures.SOL_SIG;
import static dev.starfall.ingestor.source.solana.SolanaFixtures.SOL_TO;
import static dev.starfall.ingestor.source.solana.SolanaFixtures.SOL_TX;
import static dev.starfall.ingestor.source.solana.SolanaFixtures.USDC;
import static dev.starfall.ingestor.source.solana.SolanaFixtures.USDC_ATA;
import static dev.starfall.ingestor.source.solana.SolanaFixtures.USDC_PAYER;
import static dev.starfall.ingestor.source.solana.SolanaFixtures.USDC_SIG;
import static dev.starfall.ingestor.source.solana.SolanaFixtures.USDC_TX;
import static dev.starfall.ingestor.source.solana.SolanaFixtures.USDC_WALLET;
import static dev.starfall.ingestor.source.solana.SolanaFixtures.VOTER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

class SolanaTxParserTest {

    static final Instant NOW = Instant.parse("2024-06-01T00:00:00Z");
    static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    static SolanaTxParser parser(String wallet, String denom) {
        return new SolanaTxParser(new WatchTarget("solana", "mainnet-beta", wallet, denom), "fixture", CLOCK);
    }

    /** Every non-getSignaturesForAddress file has an expectation here (those are SolanaSignaturesParserTest's). */
    @TestFactory
    Stream<DynamicTest> shouldReplayEverySolanaRpcFixture() {
        Map<String, Runnable> checks = Map.of(
                USDC_TX, this::shouldObserveUsdcTransferCheckedToTheWalletsNewAta,
                SOL_TX, this::shouldObserveSystemTransferWithMemo,
                BATCH, this::shouldReadTheBatchOfTwoTransfersAndAFailedVote,
                ERROR_429, this::shouldClassifyRpc429AsRetriableRateLimit,
                ERROR_32005, this::shouldClassifyNodeUnhealthyAsRetriable);
        List<String> files = SolanaFixtures.files().stream()
                .filter(n -> !n.startsWith(SolanaFixtures.SIGNATURES_PREFIX)).toList();
        assertThat(files).as("fixture files").hasSizeGreaterThanOrEqualTo(checks.size());
        return files.stream().map(name -> DynamicTest.dynamicTest(name, () -> {
            Runnable check = checks.get(name);
            assertThat(check).as("an expectation for fixture " + name).isNotNull();
            check.run();
        }));
    }

    @Test
    void shouldObserveUsdcTransferCheckedToTheWalletsNewAta() {
        ParsedTx tx = found(parser(USDC_WALLET, USDC).parseResponse(SolanaFixtures.json(USDC_TX)));

        assertThat(tx.signature()).isEqualTo(USDC_SIG);
        assertThat(tx.slot()).isEqualTo(184930610L);
        assertThat(tx.blockTime()).isEqualTo(Instant.ofEpochSecond(1679899845L));
        assertThat(tx.rejected()).isEmpty();
        assertThat(tx.observed()).hasSize(1);
        TransferObserved t = tx.observed().get(0);
        assertThat(t.getChain()).isEqualTo("solana");
        assertThat(t.getChainId()).isEqualTo("mainnet-beta");
        assertThat(t.getTxHash()).isEqualTo(USDC_SIG);
        assertThat(t.getMessageIndex()).as("outer 0 + its 4 inner instructions come first").isEqualTo(5);
        assertThat(t.getBlockHeight()).isEqualTo(184930610L);
        assertThat(t.getBlockTime()).isEqualTo(Instant.ofEpochSecond(1679899845L));
        assertThat(t.getSender()).as("owner of the debited token account").isEqualTo(USDC_PAYER);
        assertThat(t.getRecipient()).isEqualTo(USDC_ATA);
        assertThat(t.getDenom()).isEqualTo(USDC);
        assertThat(t.getAmount().toBigIntegerExact()).isEqualTo(BigInteger.valueOf(1000));
        assertThat(t.getAmount().scale()).isZero();
        assertThat(t.getMemo()).isEqualTo("transfer");
        assertThat(t.getSourceEndpoint()).isEqualTo("fixture");
        assertThat(t.getObservedAt()).isEqualTo(NOW);
    }

    @Test
    void shouldIgnoreUiAmountAndReadOnlyTheBaseUnitString() {
        JsonNode response = SolanaFixtures.json(USDC_TX);
        ObjectNode tokenAmount = (ObjectNode) transferInfo(response).path("tokenAmount");
        tokenAmount.put("uiAmount", 999.999).put("uiAmountString", "999.999");

        assertThat(found(parser(USDC_WALLET, USDC).parseResponse(response)).observed())
                .extracting(TransferObserved::getAmount).containsExactly(new BigDecimal("1000"));

        tokenAmount.remove("amount");
        assertThatThrownBy(() -> parser(USDC_WALLET, USDC).parseResponse(response))
                .isInstanceOfSatisfying(MalformedPayloadException.class, e -> {
                    assertThat(e.txRef()).isEqualTo(USDC_SIG);
                    assertThat(e.jsonPath()).isEqualTo("$.result.transaction.message.instructions[1].parsed.info.tokenAmount.amount");
                });
    }

    @Test
    void shouldResolveTheMintOfAPlainTransferFromTokenBalances() {
        JsonNode response = SolanaFixtures.json(USDC_TX);
        ObjectNode info = transferInfo(response);
        info.remove("mint");
        info.remove("tokenAmount");
        info.put("amount", "1000");
        ((ObjectNode) response.path("result").path("transaction").path("message").path("instructions").get(1).path("parsed"))
                .put("type", "transfer");

        assertThat(found(parser(USDC_WALLET, USDC).parseResponse(response)).observed())
                .extracting(TransferObserved::getMessageIndex, TransferObserved::getDenom, TransferObserved::getAmount)
                .containsExactly(tuple(5, USDC, new BigDecimal("1000")));
    }

    @Test
    void shouldRejectTheUsdcTransferAsOtherDenomWhenWatchingLamports() {
        ParsedTx tx = found(parser(USDC_WALLET, SolanaTxParser.LAMPORTS).parseResponse(SolanaFixtures.json(USDC_TX)));

        assertThat(tx.observed()).isEmpty();
        assertThat(tx.rejected()).extracting(TransferRejected::getReason, TransferRejected::getMessageIndex,
                        TransferRejected::getSender, TransferRejected::getRecipient, TransferRejected::getDenom,
                        TransferRejected::getAmount, TransferRejected::getMemo)
                .containsExactly(tuple(RejectionReason.OTHER_DENOM, 5, USDC_PAYER, USDC_ATA, USDC, new BigDecimal("1000"), "transfer"));
    }

    @Test
    void shouldRejectTheSendersSideAsOutgoing() {
        ParsedTx tx = found(parser(USDC_PAYER, USDC).parseResponse(SolanaFixtures.json(USDC_TX)));

        assertThat(tx.observed()).isEmpty();
        assertThat(tx.rejected()).extracting(TransferRejected::getReason, TransferRejected::getMessageIndex,
                        TransferRejected::getRecipient, TransferRejected::getAmount)
                .containsExactly(tuple(RejectionReason.OUTGOING, 5, USDC_ATA, new BigDecimal("1000")));
    }

    @Test
    void shouldRecordATxThatNamesTheWalletWithoutPayingIt() {
        // the fee payer funds the ATA (createAccount of another account) but receives nothing
        ParsedTx tx = found(parser(FEE_PAYER, SolanaTxParser.LAMPORTS).parseResponse(SolanaFixtures.json(USDC_TX)));

        assertThat(tx.observed()).isEmpty();
        assertThat(tx.rejected()).extracting(TransferRejected::getReason, TransferRejected::getMessageIndex, TransferRejected::getAmount)
                .containsExactly(tuple(RejectionReason.NOT_A_TRANSFER, -1, null));
    }

    @Test
    void shouldObserveSystemTransferWithMemo() {
        ParsedTx tx = found(parser(SOL_TO, SolanaTxParser.LAMPORTS).parseResponse(SolanaFixtures.json(SOL_TX)));

        assertThat(tx.signature()).isEqualTo(SOL_SIG);
        assertThat(tx.slot()).isEqualTo(185471096L);
        assertThat(tx.blockTime()).isEqualTo(Instant.ofEpochSecond(1680146043L));
        assertThat(tx.rejected()).isEmpty();
        assertThat(tx.observed()).extracting(TransferObserved::getMessageIndex, TransferObserved::getSender,
                        TransferObserved::getRecipient, TransferObserved::getDenom, TransferObserved::getAmount,
                        TransferObserved::getMemo)
                .containsExactly(tuple(0, SOL_FROM, SOL_TO, "lamports", new BigDecimal("1000000"), "transfer"));

        ParsedTx asUsdc = found(parser(SOL_TO, USDC).parseResponse(SolanaFixtures.json(SOL_TX)));
        assertThat(asUsdc.rejected()).extracting(TransferRejected::getReason, TransferRejected::getDenom, TransferRejected::getAmount)
                .containsExactly(tuple(RejectionReason.OTHER_DENOM, "lamports", new BigDecimal("1000000")));
    }

    @Test
    void shouldRejectAFailedTransferWithTheErrJson() {
        JsonNode response = SolanaFixtures.json(SOL_TX);
        ((ObjectNode) response.path("result").path("meta")).set("err",
                SolanaFixtures.parse("{\"InstructionError\":[0,{\"Custom\":1}]}"));

        ParsedTx tx = found(parser(SOL_TO, SolanaTxParser.LAMPORTS).parseResponse(response));

        assertThat(tx.observed()).isEmpty();
        assertThat(tx.rejected()).extracting(TransferRejected::getReason, TransferRejected::getMessageIndex,
                        TransferRejected::getSender, TransferRejected::getAmount)
                .containsExactly(tuple(RejectionReason.FAILED_TRANSACTION, 0, SOL_FROM, new BigDecimal("1000000")));
        assertThat(tx.rejected().get(0).getDetail()).contains("{\"InstructionError\":[0,{\"Custom\":1}]}");
    }

    void shouldReadTheBatchOfTwoTransfersAndAFailedVote() {
        List<Outcome> outcomes = parser(AHY6, SolanaTxParser.LAMPORTS).parseResponses(SolanaFixtures.json(BATCH));

        assertThat(outcomes).hasSize(3).allSatisfy(o -> assertThat(o).isInstanceOf(Found.class));
        ParsedTx in = ((Found) outcomes.get(0)).tx();
        assertThat(in.slot()).isEqualTo(5632752L);
        assertThat(in.blockTime()).isEqualTo(Instant.ofEpochSecond(1588062639L));
        assertThat(in.rejected()).isEmpty();
        assertThat(in.observed()).extracting(TransferObserved::getTxHash, TransferObserved::getMessageIndex,
                        TransferObserved::getSender, TransferObserved::getAmount, TransferObserved::getMemo)
                .containsExactly(tuple("4aQuuc4XFP7SQrZF4z3TsFyqdRHQBF37yxK8t1jQLL97JSwGadEvUFSM4GK6DtacWzid7VT7VTaqbfJfbzzsboYt",
                        0, HBYC, new BigDecimal("1230000"), null));

        ParsedTx out = ((Found) outcomes.get(1)).tx();
        assertThat(out.observed()).isEmpty();
        assertThat(out.rejected()).extracting(TransferRejected::getReason, TransferRejected::getRecipient, TransferRejected::getAmount)
                .containsExactly(tuple(RejectionReason.OUTGOING, HBYC, new BigDecimal("120000")));

        assertThat(((Found) outcomes.get(2)).tx().events()).as("the failed vote does not involve the wallet").isZero();

        ParsedTx vote = ((Found) parser(VOTER, SolanaTxParser.LAMPORTS).parseResponses(SolanaFixtures.json(BATCH)).get(2)).tx();
        assertThat(vote.signature()).isEqualTo("29ku1FzyNHgx5BZ811uj82EEnZNG6JbPuCQJvy5zuXnBfy2zgAdUubpfwEz2CfojFzxuzghms6qq9afzrzSnavdD");
        assertThat(vote.slot()).isEqualTo(52838310L);
        assertThat(vote.observed()).isEmpty();
        assertThat(vote.rejected()).extracting(TransferRejected::getReason, TransferRejected::getMessageIndex)
                .containsExactly(tuple(RejectionReason.FAILED_TRANSACTION, -1));
        assertThat(vote.rejected().get(0).getDetail()).contains("{\"InstructionError\":[0,{\"Custom\":0}]}");
    }

    void shouldClassifyRpc429AsRetriableRateLimit() {
        Outcome o = parser(AHY6, SolanaTxParser.LAMPORTS).parseResponse(SolanaFixtures.json(ERROR_429));
        assertThat(o).isInstanceOfSatisfying(RpcFailed.class, f -> {
            SolanaRpcError e = f.error();
            assertThat(e.code()).isEqualTo(429L);
            assertThat(e.message()).isEqualTo("Too many requests for a specific RPC call");
            assertThat(e.id()).isEqualTo("5274851a-7166-40fd-b487-305524308864");
            assertThat(e.kind()).isEqualTo(SolanaRpcError.Kind.RATE_LIMITED);
            assertThat(e.retriable()).isTrue();
            assertThat(e.toException("fixture", "getTransaction").retriable()).isTrue();
        });
    }

    void shouldClassifyNodeUnhealthyAsRetriable() {
        Outcome o = parser(AHY6, SolanaTxParser.LAMPORTS).parseResponse(SolanaFixtures.json(ERROR_32005));
        assertThat(o).isInstanceOfSatisfying(RpcFailed.class, f -> {
            assertThat(f.error()).isEqualTo(new SolanaRpcError(-32005L, "Node is unhealthy", "{}", "1"));
            assertThat(f.error().kind()).isEqualTo(SolanaRpcError.Kind.NODE_BEHIND);
            assertThat(f.error().retriable()).isTrue();
        });
    }

    @Test
    void shouldClassifyErrorFixturesAndTreatOtherCodesAsFatal() {
        shouldClassifyRpc429AsRetriableRateLimit();
        shouldClassifyNodeUnhealthyAsRetriable();
        Outcome unsupported = parser(AHY6, SolanaTxParser.LAMPORTS).parseResponse(SolanaFixtures.parse(
                "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32015,\"message\":\"Transaction version (0) is not supported\"},\"id\":1}"));
        assertThat(unsupported).isInstanceOfSatisfying(RpcFailed.class, f -> {
            assertThat(f.error().retriable()).isFalse();
            assertThat(f.error().operatorMessage()).contains("maxSupportedTransactionVersion");
        });
        Outcome invalid = parser(AHY6, SolanaTxParser.LAMPORTS).parseResponse(SolanaFixtures.parse(
                "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32602,\"message\":\"Invalid params\"},\"id\":1}"));
        assertThat(invalid).isInstanceOfSatisfying(RpcFailed.class, f -> assertThat(f.error().retriable()).isFalse());
    }

    @Test
    void shouldReportANullResultAsNotAvailableYet() {
        Outcome o = parser(AHY6, SolanaTxParser.LAMPORTS).parseResponse(SolanaFixtures.parse(
                "{\"jsonrpc\":\"2.0\",\"result\":null,\"id\":3}"));

        assertThat(o).isEqualTo(new NotAvailable("3"));
        assertThat(((NotAvailable) o).retriable()).isTrue();
    }

    @Test
    void shouldObserveATransferFoundOnlyAmongInnerInstructions() {
        ParsedTx tx = found(parser(INNER_WALLET, USDC).parseResponse(SolanaFixtures.parse(INNER_ONLY)));

        assertThat(tx.rejected()).isEmpty();
        assertThat(tx.observed()).extracting(TransferObserved::getMessageIndex, TransferObserved::getSender,
                        TransferObserved::getRecipient, TransferObserved::getDenom, TransferObserved::getAmount,
                        TransferObserved::getMemo)
                .as("flattened: 0 compute budget, 1 swap program, 2 its first inner, 3 the inner transfer")
                .containsExactly(tuple(3, INNER_POOL_AUTHORITY, INNER_WALLET_ATA, USDC, new BigDecimal("2500000"), null));
        assertThat(tx.observed().get(0).getBlockTime()).isEqualTo(Instant.ofEpochSecond(1710000000L));
        assertThat(tx.observed().get(0).getBlockHeight()).isEqualTo(250000000L);
    }

    @Test
    void shouldRefuseAContradictoryMintAndAMissingBlockTime() {
        JsonNode response = SolanaFixtures.json(USDC_TX);
        transferInfo(response).put("mint", "So11111111111111111111111111111111111111112");
        assertThatThrownBy(() -> parser(USDC_WALLET, USDC).parseResponse(response))
                .isInstanceOfSatisfying(MalformedPayloadException.class,
                        e -> assertThat(e.jsonPath()).isEqualTo("$.result.transaction.message.instructions[1].parsed.info.mint"));

        JsonNode noTime = SolanaFixtures.json(SOL_TX);
        ((ObjectNode) noTime.path("result")).putNull("blockTime");
        assertThatThrownBy(() -> parser(SOL_TO, SolanaTxParser.LAMPORTS).parseResponse(noTime))
                .isInstanceOfSatisfying(MalformedPayloadException.class, e -> {
                    assertThat(e.txRef()).isEqualTo(SOL_SIG);
                    assertThat(e.jsonPath()).isEqualTo("$.result.blockTime");
                });
    }

    @Test
    void shouldParseABareResultObject() {
        ParsedTx tx = parser(SOL_TO, SolanaTxParser.LAMPORTS).parseResult(SolanaFixtures.json(SOL_TX).path("result"));

        assertThat(tx.observed()).extracting(TransferObserved::getAmount).containsExactly(new BigDecimal("1000000"));
    }

    static final String INNER_WALLET = "Wa11etWa11etWa11etWa11etWa11etWa11etWa11et1";
    static final String INNER_WALLET_ATA = "Wa11etAtaWa11etAtaWa11etAtaWa11etAtaWa11et1";
    static final String INNER_POOL_VAULT = "Poo1Vau1tPoo1Vau1tPoo1Vau1tPoo1Vau1tPoo1Va1";
    static final String INNER_POOL_AUTHORITY = "Poo1AuthPoo1AuthPoo1AuthPoo1AuthPoo1AuthPo1";

    /**
     * Hand-built after the fixtures' shape: a swap program (not parsed by the node) whose inner instructions pay the
     * wallet's USDC token account with a plain spl-token {@code transfer} (no mint, amount as a string); the
     * balances carry a float {@code uiAmount} that must be ignored.
     */
    static final String INNER_ONLY = """
            {"jsonrpc":"2.0","id":1,"result":{"blockTime":1710000000,"slot":250000000,
             "meta":{"err":null,"fee":5000,"status":{"Ok":null},"logMessages":[],"rewards":[],
              "preBalances":[100000000,2039280,2039280,0,1,1,1],"postBalances":[99995000,2039280,2039280,0,1,1,1],
              "innerInstructions":[{"index":1,"instructions":[
                {"parsed":{"info":{"account":"%3$s"},"type":"getAccountDataSize"},"program":"spl-token","programId":"TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA"},
                {"parsed":{"info":{"amount":"2500000","authority":"%4$s","destination":"%2$s","source":"%3$s"},"type":"transfer"},
                 "program":"spl-token","programId":"TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA"}]}],
              "preTokenBalances":[
                {"accountIndex":1,"mint":"%5$s","owner":"%1$s","programId":"TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA",
                 "uiTokenAmount":{"amount":"0","decimals":6,"uiAmount":null,"uiAmountString":"0"}},
                {"accountIndex":2,"mint":"%5$s","owner":"%4$s","programId":"TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA",
                 "uiTokenAmount":{"amount":"9000000","decimals":6,"uiAmount":9.0,"uiAmountString":"9"}}],
              "postTokenBalances":[
                {"accountIndex":1,"mint":"%5$s","owner":"%1$s","programId":"TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA",
                 "uiTokenAmount":{"amount":"2500000","decimals":6,"uiAmount":2.4999999,"uiAmountString":"2.5"}},
                {"accountIndex":2,"mint":"%5$s","owner":"%4$s","programId":"TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA",
                 "uiTokenAmount":{"amount":"6500000","decimals":6,"uiAmount":6.5,"uiAmountString":"6.5"}}]},
             "transaction":{"signatures":["InnerOnlySignature1111111111111111111111111111111111111111111111111111111111111111111"],
              "message":{"addressTableLookups":null,"recentBlockhash":"ERKtoPEssoWULPiUVGNLGMkR75EKkhN2VGbNgcQRGtXo",
               "accountKeys":[
                {"pubkey":"Keeper1111111111111111111111111111111111111","signer":true,"source":"transaction","writable":true},
                {"pubkey":"%2$s","signer":false,"source":"transaction","writable":true},
                {"pubkey":"%3$s","signer":false,"source":"transaction","writable":true},
                {"pubkey":"%4$s","signer":false,"source":"transaction","writable":false},
                {"pubkey":"ComputeBudget111111111111111111111111111111","signer":false,"source":"transaction","writable":false},
                {"pubkey":"SwapProgram11111111111111111111111111111111","signer":false,"source":"transaction","writable":false},
                {"pubkey":"TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA","signer":false,"source":"transaction","writable":false}],
               "instructions":[
                {"accounts":[],"data":"3DdGGhkhJbjm","programId":"ComputeBudget111111111111111111111111111111"},
                {"accounts":["%2$s","%3$s","%4$s"],"data":"5tzFkiKscXHK5ZXCGbXZxdw7gTjjD1mBwuoFbhUvuAi9","programId":"SwapProgram11111111111111111111111111111111"}]}}}}
            """.formatted(INNER_WALLET, INNER_WALLET_ATA, INNER_POOL_VAULT, INNER_POOL_AUTHORITY, USDC);

    private static ParsedTx found(Outcome o) {
        assertThat(o).isInstanceOf(Found.class);
        return ((Found) o).tx();
    }

    private static ObjectNode transferInfo(JsonNode response) {
        return (ObjectNode) response.path("result").path("transaction").path("message").path("instructions").get(1)
                .path("parsed").path("info");
    }
}
