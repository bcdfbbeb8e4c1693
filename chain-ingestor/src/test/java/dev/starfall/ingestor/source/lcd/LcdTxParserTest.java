package dev.starfall.ingestor.source.lcd;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starfall.ingestor.source.MalformedPayloadException;
import dev.starfall.ingestor.source.SourceException;
import dev.starfall.ingestor.source.WatchTarget;
import dev.starfall.ingestor.source.lcd.LcdTxParser.Page;
import dev.starfall.ingestor.source.lcd.LcdTxParser.Pagination;
import dev.starfall.ingestor.source.lcd.LcdTxParser.ParsedTx;
import dev.starfall.schemas.avro.RejectionReason;
import dev.starfall.schemas.avro.TransferObserved;
import dev.starfall.schemas.avro.TransferRejected;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

class LcdTxParserTest {

    static final String SDK045 = "lcd-txs-by-events_sdk045_msgsend_base64-events_stratos-testnet.json";
    static final String SDK047 = "lcd-txs-by-events_sdk047_msgsend_total-pagination-null_stratos.json";
    static final String CELESTIA = "lcd-tx-response-element_msgsend-with-memo_celestia.json";
    static final String EMPTY = "lcd-txs-by-events_empty-result_terra-columbus5.json";
    static final String CODE13 = "lcd-txs_error-query-cannot-be-empty_code13.json";
    static final String CODE12 = "lcd-legacy-txs_error-not-implemented_code12.json";

    // stratos testnet, SDK 0.45
    static final String ST_PVYJ = "st1pvyjzlhwrpgklu0044at4t6qh7m23k3kr2gsjh";
    static final String ST_SQZS = "st1sqzsk8mplv5248gx6dddzzxweqvew8rtst96fx";
    static final String ST_FEE_COLLECTOR = "st17xpfvakm2amg962yls6f84z3kell8c5lv5hj2q";
    // stratos mainnet, SDK 0.47
    static final String ST_EDP9 = "st1edp9gkppxzjvcg9nwheh6tp9rsgafatckfdl6m";
    static final String ST_19TG = "st19tgvkz4d4uqv68ahn90vc4mhuh63g2l7u4ad6l";
    // celestia
    static final String TIA_FROM = "celestia1002cc5zkqvlvennxy5a5jrkywa052gdhdrqrlz";
    static final String TIA_TO = "celestia1fd3mclxp4e2fh0wpau3eg55x2fsm7yjxzg29j2";
    static final String TIA_FEE_COLLECTOR = "celestia17xpfvakm2amg962yls6f84z3kell8c5lpnjs3s";

    static final String HASH045 = "AB0EF3761603145EDC1B4121C91B51001249186E1362E7148C82E7DB12F7BDF0";
    static final String HASH047 = "34E401829F23098FEA1F7B398CD9842A6010249F7720BAF1916A14077C97B3E7";
    static final String HASH_TIA = "F28DA9717018E07460E19882E5EE31B82E62C9734F23CF48FFED0CD11704C8D7";

    static final Instant NOW = Instant.parse("2024-06-01T00:00:00Z");
    static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    static LcdTxParser parser(String wallet, String denom) {
        return new LcdTxParser(new WatchTarget("cosmos", "stratos-1", wallet, denom), "fixture", CLOCK);
    }

    /** Every file of the fixture directory has an expectation here; a new file fails until it gets one. */
    @TestFactory
    Stream<DynamicTest> shouldReplayEveryCosmosLcdFixture() throws IOException {
        Map<String, Runnable> checks = Map.of(
                SDK045, this::shouldObserveSdk045MsgSendToTheWallet,
                SDK047, this::shouldKeepAnSdk047AmountBeyondLongExactly,
                CELESTIA, this::shouldObserveASingleTxResponseWithItsMemo,
                EMPTY, this::shouldReadTheEmptyResultAsAValidEmptyPage,
                CODE13, this::shouldClassifyQueryCannotBeEmptyAsFatalDialectError,
                CODE12, this::shouldClassifyNotImplementedAsFatalLegacyEndpoint);
        List<Path> files;
        try (Stream<Path> listing = Files.list(LcdFixtures.dir())) {
            files = listing.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        }
        assertThat(files).as("fixture files").hasSizeGreaterThanOrEqualTo(checks.size());
        return files.stream().map(p -> DynamicTest.dynamicTest(p.getFileName().toString(), () -> {
            Runnable check = checks.get(p.getFileName().toString());
            assertThat(check).as("an expectation for fixture " + p.getFileName()).isNotNull();
            check.run();
        }));
    }

    @Test
    void shouldObserveSdk045MsgSendToTheWallet() {
        Page page = parser(ST_SQZS, "wei").parsePage(LcdFixtures.json(SDK045));

        assertThat(page.total()).isNull();
        assertThat(page.pagination()).isEqualTo(new Pagination(null, "1"));
        assertThat(page.totalCount()).hasValue(1);
        assertThat(page.txs()).hasSize(1);
        ParsedTx tx = page.txs().get(0);
        assertThat(tx.txHash()).isEqualTo(HASH045);
        assertThat(tx.height()).isEqualTo(611L);
        assertThat(tx.blockTime()).isEqualTo(Instant.parse("2023-01-11T01:20:11Z"));
        assertThat(tx.rejected()).as("the fee transfer goes to the fee collector, not the wallet").isEmpty();
        assertThat(tx.observed()).hasSize(1);
        TransferObserved t = tx.observed().get(0);
        assertThat(t.getChain()).isEqualTo("cosmos");
        assertThat(t.getChainId()).isEqualTo("stratos-1");
        assertThat(t.getTxHash()).isEqualTo(HASH045);
        assertThat(t.getMessageIndex()).isZero();
        assertThat(t.getBlockHeight()).isEqualTo(611L);
        assertThat(t.getBlockTime()).isEqualTo(Instant.parse("2023-01-11T01:20:11Z"));
        assertThat(t.getSender()).isEqualTo(ST_PVYJ);
        assertThat(t.getRecipient()).isEqualTo(ST_SQZS);
        assertThat(t.getDenom()).isEqualTo("wei");
        assertThat(t.getAmount().toBigIntegerExact()).isEqualTo(BigInteger.valueOf(1_000_000_000L));
        assertThat(t.getAmount().scale()).isZero();
        assertThat(t.getMemo()).as("empty memo is no memo").isNull();
        assertThat(t.getSourceEndpoint()).isEqualTo("fixture");
        assertThat(t.getObservedAt()).isEqualTo(NOW);
    }

    @Test
    void shouldDecodeBase64EventsAndRejectTheFeeTransferToTheFeeCollector() {
        // SDK 0.45: the fee transfer exists only in tx_response.events, whose keys and values are base64
        ParsedTx tx = parser(ST_FEE_COLLECTOR, "wei").parsePage(LcdFixtures.json(SDK045)).txs().get(0);

        assertThat(tx.observed()).isEmpty();
        assertThat(tx.rejected()).extracting(TransferRejected::getReason, TransferRejected::getMessageIndex,
                        TransferRejected::getSender, TransferRejected::getRecipient, TransferRejected::getDenom,
                        TransferRejected::getAmount)
                .containsExactly(tuple(RejectionReason.NOT_A_TRANSFER, -1, ST_PVYJ, ST_FEE_COLLECTOR, "wei",
                        new BigDecimal("200000000000000")));
        assertThat(tx.rejected().get(0).getDetail()).contains("transaction-level transfer");
    }

    @Test
    void shouldRejectTheSendersMsgSendAsOutgoingWithoutDoubleCountingLogEvents() {
        ParsedTx tx = parser(ST_PVYJ, "wei").parsePage(LcdFixtures.json(SDK045)).txs().get(0);

        assertThat(tx.observed()).isEmpty();
        assertThat(tx.rejected()).extracting(TransferRejected::getReason, TransferRejected::getMessageIndex,
                        TransferRejected::getRecipient, TransferRejected::getAmount)
                .containsExactly(tuple(RejectionReason.OUTGOING, 0, ST_SQZS, new BigDecimal("1000000000")));
    }

    @Test
    void shouldKeepAnSdk047AmountBeyondLongExactly() {
        Page page = parser(ST_19TG, "wei").parsePage(LcdFixtures.json(SDK047));

        assertThat(page.total()).isEqualTo("1");
        assertThat(page.pagination()).isNull();
        assertThat(page.totalCount()).hasValue(1);
        ParsedTx tx = page.txs().get(0);
        assertThat(tx.txHash()).isEqualTo(HASH047);
        assertThat(tx.height()).isEqualTo(557L);
        assertThat(tx.blockTime()).isEqualTo(Instant.parse("2024-03-07T22:01:52Z"));
        assertThat(tx.rejected()).isEmpty();
        assertThat(tx.observed()).singleElement().satisfies(t -> {
            assertThat(t.getAmount().toBigIntegerExact()).isEqualTo(new BigInteger("10000000000000000000"));
            assertThat(t.getAmount().toBigIntegerExact()).isGreaterThan(BigInteger.valueOf(Long.MAX_VALUE));
            assertThat(t.getSender()).isEqualTo(ST_EDP9);
            assertThat(t.getRecipient()).isEqualTo(ST_19TG);
            assertThat(t.getDenom()).isEqualTo("wei");
            assertThat(t.getMessageIndex()).isZero();
            assertThat(t.getMemo()).isNull();
        });
    }

    @Test
    void shouldRejectTheFeeTransferInPlainSdk047Events() {
        ParsedTx tx = parser(ST_FEE_COLLECTOR, "wei").parsePage(LcdFixtures.json(SDK047)).txs().get(0);

        assertThat(tx.observed()).isEmpty();
        assertThat(tx.rejected()).extracting(TransferRejected::getReason, TransferRejected::getMessageIndex,
                        TransferRejected::getSender, TransferRejected::getAmount)
                .containsExactly(tuple(RejectionReason.NOT_A_TRANSFER, -1, ST_EDP9, new BigDecimal("442524000000000")));
    }

    @Test
    void shouldObserveASingleTxResponseWithItsMemo() {
        JsonNode body = LcdFixtures.json(CELESTIA);
        ParsedTx tx = parser(TIA_TO, "utia").parse(body, null);

        assertThat(tx.txHash()).isEqualTo(HASH_TIA);
        assertThat(tx.height()).isEqualTo(2523L);
        assertThat(tx.blockTime()).isEqualTo(Instant.parse("2023-10-31T22:26:00Z"));
        assertThat(tx.rejected()).isEmpty();
        assertThat(tx.observed()).extracting(TransferObserved::getMessageIndex, TransferObserved::getSender,
                        TransferObserved::getRecipient, TransferObserved::getDenom, TransferObserved::getAmount,
                        TransferObserved::getMemo)
                .containsExactly(tuple(0, TIA_FROM, TIA_TO, "utia", new BigDecimal("3000000"), "104051904"));
        assertThat(parser(TIA_TO, "utia").parseSingle(body)).isEqualTo(tx);
        ObjectNode envelope = dev.starfall.ingestor.Fixtures.JSON.createObjectNode();
        envelope.set("tx", body.get("tx"));
        envelope.set("tx_response", body);
        assertThat(parser(TIA_TO, "utia").parseSingle(envelope)).isEqualTo(tx);
    }

    @Test
    void shouldRejectAnotherDenomAndTheBase64FeeTransferOfTheCelestiaTx() {
        ParsedTx other = parser(TIA_TO, "uusd").parse(LcdFixtures.json(CELESTIA), null);
        assertThat(other.observed()).isEmpty();
        assertThat(other.rejected()).extracting(TransferRejected::getReason, TransferRejected::getDenom, TransferRejected::getAmount,
                        TransferRejected::getMemo)
                .containsExactly(tuple(RejectionReason.OTHER_DENOM, "utia", new BigDecimal("3000000"), "104051904"));

        ParsedTx fee = parser(TIA_FEE_COLLECTOR, "utia").parse(LcdFixtures.json(CELESTIA), null);
        assertThat(fee.rejected()).extracting(TransferRejected::getReason, TransferRejected::getMessageIndex,
                        TransferRejected::getSender, TransferRejected::getAmount)
                .containsExactly(tuple(RejectionReason.NOT_A_TRANSFER, -1, TIA_FROM, new BigDecimal("21757")));
    }

    void shouldReadTheEmptyResultAsAValidEmptyPage() {
        Page page = parser(ST_SQZS, "wei").parsePage(LcdFixtures.json(EMPTY));

        assertThat(page.txs()).isEmpty();
        assertThat(page.total()).isNull();
        assertThat(page.pagination()).isEqualTo(new Pagination(null, "0"));
        assertThat(page.totalCount()).hasValue(0);
        assertThat(LcdError.from(LcdFixtures.json(EMPTY))).isEmpty();
    }

    void shouldClassifyQueryCannotBeEmptyAsFatalDialectError() {
        JsonNode body = LcdFixtures.json(CODE13);
        assertThat(LcdError.from(body)).hasValueSatisfying(e -> {
            assertThat(e).isEqualTo(new LcdError(13, "query cannot be empty"));
            assertThat(e.kind()).isEqualTo(LcdError.Kind.WRONG_QUERY_DIALECT);
            assertThat(e.retriable()).isFalse();
            assertThat(e.httpStatus()).isEqualTo(500);
            assertThat(e.operatorMessage()).contains("query=").contains("events=").contains("0.50");
        });
        assertThatThrownBy(() -> parser(ST_SQZS, "wei").parsePage(body))
                .isInstanceOfSatisfying(SourceException.class, e -> {
                    assertThat(e).isNotInstanceOf(MalformedPayloadException.class);
                    assertThat(e.retriable()).isFalse();
                    assertThat(e.httpStatus()).isEqualTo(500);
                    assertThat(e.errorType()).isEqualTo("grpc-13");
                    assertThat(e.getMessage()).contains("query=");
                });
    }

    void shouldClassifyNotImplementedAsFatalLegacyEndpoint() {
        JsonNode body = LcdFixtures.json(CODE12);
        assertThat(LcdError.from(body)).hasValueSatisfying(e -> {
            assertThat(e).isEqualTo(new LcdError(12, "Not Implemented"));
            assertThat(e.kind()).isEqualTo(LcdError.Kind.LEGACY_ENDPOINT);
            assertThat(e.retriable()).isFalse();
            assertThat(e.httpStatus()).isEqualTo(501);
            assertThat(e.operatorMessage()).contains("/cosmos/tx/v1beta1/txs").contains("legacy");
        });
        assertThatThrownBy(() -> parser(ST_SQZS, "wei").parsePage(body))
                .isInstanceOfSatisfying(SourceException.class, e -> assertThat(e.retriable()).isFalse());
    }

    @Test
    void shouldClassifyErrorFixtures() {
        shouldReadTheEmptyResultAsAValidEmptyPage();
        shouldClassifyQueryCannotBeEmptyAsFatalDialectError();
        shouldClassifyNotImplementedAsFatalLegacyEndpoint();
    }

    @Test
    void shouldTreatTransientGrpcCodesAsRetriable() {
        assertThat(new LcdError(14, "connection refused").retriable()).isTrue();
        assertThat(new LcdError(13, "internal error").retriable()).isTrue();
        assertThat(new LcdError(8, "grpc: received message larger than max (7340032 vs. 4194304)").kind())
                .isEqualTo(LcdError.Kind.RESPONSE_TOO_LARGE);
        assertThat(new LcdError(3, "page should be within [1, 3] range, given 4").retriable()).isFalse();
    }

    @Test
    void shouldRejectAmountAboveUint256AsOutOfRange() {
        JsonNode page = LcdFixtures.json(SDK047);
        BigInteger tooBig = BigInteger.ONE.shiftLeft(256);
        coin(page.path("txs").get(0), 0).put("amount", tooBig.toString());

        ParsedTx tx = parser(ST_19TG, "wei").parsePage(page).txs().get(0);

        assertThat(tx.observed()).isEmpty();
        assertThat(tx.rejected()).extracting(TransferRejected::getReason, TransferRejected::getAmount)
                .containsExactly(tuple(RejectionReason.AMOUNT_OUT_OF_RANGE, null));
        assertThat(tx.rejected().get(0).getDetail()).contains(tooBig.toString()).contains("$.txs[0].body.messages[0].amount[0].amount");
    }

    @Test
    void shouldAcceptTheLargestUint256Amount() {
        JsonNode page = LcdFixtures.json(SDK047);
        BigInteger max = BigInteger.ONE.shiftLeft(256).subtract(BigInteger.ONE);
        coin(page.path("txs").get(0), 0).put("amount", max.toString());

        assertThat(parser(ST_19TG, "wei").parsePage(page).txs().get(0).observed()).singleElement()
                .satisfies(t -> assertThat(t.getAmount().toBigIntegerExact()).isEqualTo(max));
    }

    @Test
    void shouldRejectAFailedSendWithCodeCodespaceAndRawLog() {
        ObjectNode resp = (ObjectNode) LcdFixtures.json(CELESTIA);
        resp.put("code", 5).put("codespace", "sdk")
                .put("raw_log", "failed to execute message; message index: 0: 100utia is smaller than 3000000utia: insufficient funds");
        resp.set("logs", resp.arrayNode());

        ParsedTx tx = parser(TIA_TO, "utia").parse(resp, null);

        assertThat(tx.observed()).isEmpty();
        assertThat(tx.rejected()).extracting(TransferRejected::getReason, TransferRejected::getMessageIndex,
                        TransferRejected::getSender, TransferRejected::getRecipient, TransferRejected::getAmount,
                        TransferRejected::getMemo)
                .containsExactly(tuple(RejectionReason.FAILED_TRANSACTION, 0, TIA_FROM, TIA_TO, new BigDecimal("3000000"), "104051904"));
        assertThat(tx.rejected().get(0).getDetail()).contains("code 5").contains("codespace sdk").contains("insufficient funds");
    }

    @Test
    void shouldRejectAFailedTxOnceWhenOnlyItsEventsNameTheWallet() {
        ObjectNode resp = (ObjectNode) LcdFixtures.json(CELESTIA);
        resp.put("code", 11).put("codespace", "sdk").put("raw_log", "out of gas");

        assertThat(parser(TIA_FEE_COLLECTOR, "utia").parse(resp, null).rejected())
                .extracting(TransferRejected::getReason, TransferRejected::getMessageIndex)
                .containsExactly(tuple(RejectionReason.FAILED_TRANSACTION, -1));
        assertThat(parser("celestia1nobodynobodynobodynobodynobodynobody0", "utia").parse(resp, null).events()).isZero();
    }

    @Test
    void shouldNotCountTransfersOfOtherMessageTypesFromSdk047Logs() {
        JsonNode page = LcdFixtures.json(SDK047);
        ((ObjectNode) page.path("txs").get(0).path("body").path("messages").get(0))
                .put("@type", "/cosmos.distribution.v1beta1.MsgWithdrawDelegatorReward");

        ParsedTx tx = parser(ST_19TG, "wei").parsePage(page).txs().get(0);

        assertThat(tx.observed()).isEmpty();
        assertThat(tx.rejected()).extracting(TransferRejected::getReason, TransferRejected::getMessageIndex,
                        TransferRejected::getSender, TransferRejected::getAmount)
                .containsExactly(tuple(RejectionReason.NOT_A_TRANSFER, 0, ST_EDP9, new BigDecimal("10000000000000000000")));
        assertThat(tx.rejected().get(0).getDetail()).contains("MsgWithdrawDelegatorReward");
    }

    @Test
    void shouldAttributeSdk050EventsByMsgIndexAttribute() {
        JsonNode page = sdk050Shape();

        ParsedTx send = parser(ST_19TG, "wei").parsePage(page).txs().get(0);
        assertThat(send.observed()).extracting(TransferObserved::getAmount)
                .containsExactly(new BigDecimal("10000000000000000000"));
        assertThat(send.rejected()).isEmpty();

        ParsedTx fee = parser(ST_FEE_COLLECTOR, "wei").parsePage(page).txs().get(0);
        assertThat(fee.rejected()).extracting(TransferRejected::getReason, TransferRejected::getMessageIndex, TransferRejected::getAmount)
                .containsExactly(tuple(RejectionReason.NOT_A_TRANSFER, -1, new BigDecimal("442524000000000")));

        ((ObjectNode) page.path("txs").get(0).path("body").path("messages").get(0)).put("@type", "/cosmwasm.wasm.v1.MsgExecuteContract");
        ParsedTx other = parser(ST_19TG, "wei").parsePage(page).txs().get(0);
        assertThat(other.rejected()).extracting(TransferRejected::getReason, TransferRejected::getMessageIndex, TransferRejected::getAmount)
                .containsExactly(tuple(RejectionReason.NOT_A_TRANSFER, 0, new BigDecimal("10000000000000000000")));
    }

    @Test
    void shouldUseThePositionInBodyMessagesAsMessageIndex() {
        JsonNode page = LcdFixtures.json(SDK047);
        ArrayNode messages = (ArrayNode) page.path("txs").get(0).path("body").path("messages");
        ObjectNode second = messages.get(0).deepCopy();
        ((ObjectNode) second.path("amount").get(0)).put("denom", "ustos").put("amount", "7");
        messages.add(second);

        ParsedTx tx = parser(ST_19TG, "wei").parsePage(page).txs().get(0);

        assertThat(tx.observed()).extracting(TransferObserved::getMessageIndex).containsExactly(0);
        assertThat(tx.rejected()).extracting(TransferRejected::getReason, TransferRejected::getMessageIndex,
                        TransferRejected::getDenom, TransferRejected::getAmount)
                .containsExactly(tuple(RejectionReason.OTHER_DENOM, 1, "ustos", new BigDecimal("7")));
    }

    @Test
    void shouldObserveALegacyAminoMsgSend() {
        JsonNode page = LcdFixtures.json(SDK045);
        ArrayNode messages = (ArrayNode) page.path("txs").get(0).path("body").path("messages");
        ObjectNode proto = (ObjectNode) messages.get(0);
        ObjectNode amino = messages.objectNode();
        amino.put("type", "cosmos-sdk/MsgSend");
        ObjectNode value = proto.deepCopy();
        value.remove("@type");
        amino.set("value", value);
        messages.set(0, amino);

        ParsedTx tx = parser(ST_SQZS, "wei").parsePage(page).txs().get(0);

        assertThat(tx.observed()).extracting(TransferObserved::getSender, TransferObserved::getAmount)
                .containsExactly(tuple(ST_PVYJ, new BigDecimal("1000000000")));
    }

    @Test
    void shouldNameSourceTxAndPathOfAMalformedAmount() {
        JsonNode page = LcdFixtures.json(SDK045);
        coin(page.path("txs").get(0), 0).put("amount", "1000000000.5");

        assertThatThrownBy(() -> parser(ST_SQZS, "wei").parsePage(page))
                .isInstanceOfSatisfying(MalformedPayloadException.class, e -> {
                    assertThat(e.source()).isEqualTo("fixture");
                    assertThat(e.txRef()).isEqualTo(HASH045);
                    assertThat(e.jsonPath()).isEqualTo("$.txs[0].body.messages[0].amount[0].amount");
                    assertThat(e.retriable()).isFalse();
                });
    }

    @Test
    void shouldRefuseASendWhoseCoinsRepeatADenom() {
        JsonNode page = LcdFixtures.json(SDK045);
        ObjectNode first = coin(page.path("txs").get(0), 0);
        ((com.fasterxml.jackson.databind.node.ArrayNode) page.path("txs").get(0).path("body").path("messages").get(0).path("amount"))
                .add(first.deepCopy().put("amount", "5"));

        assertThatThrownBy(() -> parser(ST_SQZS, "wei").parsePage(page))
                .isInstanceOfSatisfying(MalformedPayloadException.class, e -> {
                    assertThat(e.txRef()).isEqualTo(HASH045);
                    assertThat(e.jsonPath()).isEqualTo("$.txs[0].body.messages[0].amount[1].denom");
                    assertThat(e.getMessage()).contains("appears twice in one message");
                });
    }

    @Test
    void shouldRejectANumericAmountInsteadOfAString() {
        JsonNode page = LcdFixtures.json(SDK045);
        coin(page.path("txs").get(0), 0).put("amount", 1.0e9);

        assertThatThrownBy(() -> parser(ST_SQZS, "wei").parsePage(page))
                .isInstanceOfSatisfying(MalformedPayloadException.class,
                        e -> assertThat(e.jsonPath()).isEqualTo("$.txs[0].body.messages[0].amount[0].amount"));
    }

    @Test
    void shouldNameThePathOfAMissingTimestampAndOfBrokenBase64() {
        JsonNode page = LcdFixtures.json(SDK045);
        ((ObjectNode) page.path("tx_responses").get(0)).remove("timestamp");
        assertThatThrownBy(() -> parser(ST_SQZS, "wei").parsePage(page))
                .isInstanceOfSatisfying(MalformedPayloadException.class,
                        e -> assertThat(e.jsonPath()).isEqualTo("$.tx_responses[0].timestamp"));

        JsonNode page2 = LcdFixtures.json(SDK045);
        ((ObjectNode) page2.path("tx_responses").get(0).path("events").get(2).path("attributes").get(0)).put("value", "%%%");
        assertThatThrownBy(() -> parser(ST_SQZS, "wei").parsePage(page2))
                .isInstanceOfSatisfying(MalformedPayloadException.class,
                        e -> assertThat(e.jsonPath()).isEqualTo("$.tx_responses[0].events[2].attributes[0].value"));
    }

    @Test
    void shouldRefuseTxsThatDoNotPairWithTxResponses() {
        JsonNode page = LcdFixtures.json(SDK045);
        ((ArrayNode) page.path("txs")).removeAll();

        assertThatThrownBy(() -> parser(ST_SQZS, "wei").parsePage(page))
                .isInstanceOfSatisfying(MalformedPayloadException.class, e -> assertThat(e.jsonPath()).isEqualTo("$.txs"));
    }

    @Test
    void shouldIgnoreTransactionsThatDoNotInvolveTheWallet() {
        assertThat(parser("st1nobodynobodynobodynobodynobodynobody0", "wei").parsePage(LcdFixtures.json(SDK045)).txs().get(0).events())
                .isZero();
    }

    /** The 0.47 fixture reshaped as SDK 0.50 answers: no logs; message events carry a msg_index attribute. */
    private static JsonNode sdk050Shape() {
        JsonNode page = LcdFixtures.json(SDK047);
        ObjectNode resp = (ObjectNode) page.path("tx_responses").get(0);
        resp.set("logs", resp.arrayNode());
        ArrayNode events = (ArrayNode) resp.path("events");
        for (int e = 7; e < events.size(); e++) {
            ObjectNode attr = ((ArrayNode) events.get(e).path("attributes")).addObject();
            attr.put("key", "msg_index").put("value", "0").put("index", true);
        }
        return page;
    }

    private static ObjectNode coin(JsonNode tx, int index) {
        return (ObjectNode) tx.path("body").path("messages").get(0).path("amount").get(index);
    }
}
