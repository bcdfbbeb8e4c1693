package dev.starfall.ingestor.source.fcd;

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
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starfall.ingestor.Fixtures;
import dev.starfall.ingestor.source.Coin;
import dev.starfall.ingestor.source.Failures;
import dev.starfall.ingestor.source.MalformedPayloadException;
import dev.starfall.ingestor.source.SourceException;
import dev.starfall.ingestor.source.WatchTarget;
import dev.starfall.ingestor.source.fcd.FcdTxParser.ParsedTx;
import dev.starfall.schemas.avro.RejectionReason;
import dev.starfall.schemas.avro.TransferObserved;
import dev.starfall.schemas.avro.TransferRejected;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

class FcdTxParserTest {

    static final String MULTI_DENOM = "fcd-v1-txs-item_bank-send-multidenom_columbus3.json";
    static final String FAILED = "fcd-v1-txs-item_failed-send-code10-with-memo_columbus3.json";
    static final String DELEGATE = "fcd-v1-txs-item_delegate-with-reward-transfer-event_columbus3.json";
    static final String ERROR_400 = "fcd-v1-txs_error-400-invalid-limit.json";
    static final String ERROR_500 = "fcd-v1-txs_error-500-account-without-txs.json";

    static final String T849 = "terra1t849fxw7e8ney35mxemh4h3ayea4zf77dslwna";
    static final String RF9X = "terra1rf9xakxf97a49qa5svsf7yypjswzkutqfclur8";
    static final String DVGH = "terra1dvghtnsqr6eusxxhqcmuhwmpw26rze8kgap823";
    static final String F5SL = "terra1f5slu5vhxtxfdh6zg66rpg627d3r7lpsfaq55c";

    static final Instant NOW = Instant.parse("2024-01-01T00:00:00Z");
    static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    static FcdTxParser parser(String wallet, String denom) {
        return new FcdTxParser(new WatchTarget("terra-classic", "columbus-3", wallet, denom), "fixture", CLOCK);
    }

    /** Every file of the fixture directory has an expectation here; a new file fails until it gets one. */
    @TestFactory
    Stream<DynamicTest> shouldReplayEveryTerraFcdFixture() throws IOException {
        Map<String, Runnable> checks = Map.of(
                MULTI_DENOM, this::shouldCountEventDenomAndRejectOtherDenomOfMultiDenomSend,
                FAILED, this::shouldRejectFailedSendWithCodeAndRawLog,
                DELEGATE, this::shouldNotCountDelegateRewardTransferToWallet,
                ERROR_400, this::shouldClassifyFcdInvalidLimitErrorAsFatal,
                ERROR_500, this::shouldClassifyFcdServerErrorAsRetriable);
        List<Path> files;
        try (Stream<Path> listing = Files.list(Fixtures.terraFcd())) {
            files = listing.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        }
        assertThat(files).as("fixture files").isNotEmpty();
        return files.stream().map(p -> DynamicTest.dynamicTest(p.getFileName().toString(), () -> {
            Runnable check = checks.get(p.getFileName().toString());
            assertThat(check).as("an expectation for fixture " + p.getFileName()).isNotNull();
            check.run();
        }));
    }

    @Test
    void shouldCountEventDenomAndRejectOtherDenomOfMultiDenomSend() {
        ParsedTx tx = parser(T849, "ukrw").parse(Fixtures.json(MULTI_DENOM));

        assertThat(tx.txHash()).isEqualTo("06011507E4F3EF150C92F2DDB217499F2020801B7323C9C3ADDE1138916B0F98");
        assertThat(tx.height()).isEqualTo(45478L);
        assertThat(tx.blockTime()).isEqualTo(Instant.parse("2019-12-17T04:03:56Z"));
        assertThat(tx.id()).isEmpty();
        assertThat(tx.observed()).hasSize(1);
        TransferObserved t = tx.observed().get(0);
        assertThat(t.getChain()).isEqualTo("terra-classic");
        assertThat(t.getChainId()).isEqualTo("columbus-3");
        assertThat(t.getMessageIndex()).isZero();
        assertThat(t.getSender()).isEqualTo(RF9X);
        assertThat(t.getRecipient()).isEqualTo(T849);
        assertThat(t.getDenom()).isEqualTo("ukrw");
        assertThat(t.getAmount()).isEqualTo(new BigDecimal("480000000000"));
        assertThat(t.getAmount().scale()).isZero();
        assertThat(t.getMemo()).isNull();
        assertThat(t.getBlockHeight()).isEqualTo(45478L);
        assertThat(t.getSourceEndpoint()).isEqualTo("fixture");
        assertThat(t.getObservedAt()).isEqualTo(NOW);

        assertThat(tx.rejected()).extracting(TransferRejected::getReason, TransferRejected::getMessageIndex,
                        TransferRejected::getSender, TransferRejected::getDenom, TransferRejected::getAmount)
                .containsExactly(tuple(RejectionReason.OTHER_DENOM, 0, RF9X, "uluna", new BigDecimal("1771645906")));
    }

    @Test
    void shouldRejectBothCoinsWhenNeitherIsTheEventDenom() {
        ParsedTx tx = parser(T849, "uusd").parse(Fixtures.json(MULTI_DENOM));

        assertThat(tx.observed()).isEmpty();
        assertThat(tx.rejected()).extracting(TransferRejected::getReason, TransferRejected::getDenom, TransferRejected::getAmount)
                .containsExactly(tuple(RejectionReason.OTHER_DENOM, "ukrw", new BigDecimal("480000000000")),
                        tuple(RejectionReason.OTHER_DENOM, "uluna", new BigDecimal("1771645906")));
    }

    @Test
    void shouldRejectSendFromTheWalletAsOutgoing() {
        ParsedTx tx = parser(RF9X, "ukrw").parse(Fixtures.json(MULTI_DENOM));

        assertThat(tx.observed()).isEmpty();
        assertThat(tx.rejected()).extracting(TransferRejected::getReason, TransferRejected::getRecipient, TransferRejected::getAmount)
                .containsExactly(tuple(RejectionReason.OUTGOING, T849, new BigDecimal("480000000000")),
                        tuple(RejectionReason.OUTGOING, T849, new BigDecimal("1771645906")));
    }

    @Test
    void shouldRejectFailedSendWithCodeAndRawLog() {
        ParsedTx tx = parser(T849, "ukrw").parse(Fixtures.json(FAILED));

        assertThat(tx.observed()).isEmpty();
        assertThat(tx.rejected()).hasSize(1);
        TransferRejected r = tx.rejected().get(0);
        assertThat(r.getReason()).isEqualTo(RejectionReason.FAILED_TRANSACTION);
        assertThat(r.getTxHash()).isEqualTo("41B98DB9DE01BD0464718D1DAACD56C741C61A16ADD19FEDEBF7F6F1AAF57141");
        assertThat(r.getMessageIndex()).isZero();
        assertThat(r.getSender()).isEqualTo(T849);
        assertThat(r.getRecipient()).isEqualTo(DVGH);
        assertThat(r.getDenom()).isEqualTo("ukrw");
        assertThat(r.getAmount()).isEqualTo(new BigDecimal("430000000000"));
        assertThat(r.getMemo()).isEqualTo("3642766313");
        assertThat(r.getBlockHeight()).isEqualTo(138132L);
        assertThat(r.getBlockTime()).isEqualTo(Instant.parse("2019-12-24T03:29:45Z"));
        assertThat(r.getDetail()).contains("code 10").contains("insufficient account funds");
    }

    @Test
    void shouldRejectFailedSendToTheWalletAsFailedNotObserved() {
        ParsedTx tx = parser(DVGH, "ukrw").parse(Fixtures.json(FAILED));

        assertThat(tx.observed()).isEmpty();
        assertThat(tx.rejected()).extracting(TransferRejected::getReason, TransferRejected::getRecipient)
                .containsExactly(tuple(RejectionReason.FAILED_TRANSACTION, DVGH));
    }

    @Test
    void shouldNotCountDelegateRewardTransferToWallet() {
        ParsedTx tx = parser(F5SL, "uluna").parse(Fixtures.json(DELEGATE));

        assertThat(tx.observed()).isEmpty();
        assertThat(tx.rejected()).extracting(TransferRejected::getReason, TransferRejected::getMessageIndex,
                        TransferRejected::getRecipient, TransferRejected::getDenom, TransferRejected::getAmount)
                .containsExactly(
                        tuple(RejectionReason.NOT_A_TRANSFER, 0, F5SL, "ukrw", new BigDecimal("75152537")),
                        tuple(RejectionReason.NOT_A_TRANSFER, 0, F5SL, "uluna", new BigDecimal("86293")),
                        tuple(RejectionReason.NOT_A_TRANSFER, 0, F5SL, "umnt", new BigDecimal("6306")),
                        tuple(RejectionReason.NOT_A_TRANSFER, 0, F5SL, "usdr", new BigDecimal("15")));
        assertThat(tx.rejected().get(0).getDetail()).contains("staking/MsgDelegate");
    }

    void shouldClassifyFcdInvalidLimitErrorAsFatal() {
        String body = Fixtures.read(ERROR_400);
        assertThat(Failures.parseErrorBody(body)).hasValue(new Failures.ApiError("INVALID_REQUEST_ERROR",
                "child \"limit\" fails because [\"limit\" must be one of [10, 100]]", "400"));

        SourceException e = Failures.http("fixture", "GET /v1/txs", 400, body, null);
        assertThat(e.retriable()).isFalse();
        assertThat(e.httpStatus()).isEqualTo(400);
        assertThat(e.errorType()).isEqualTo("INVALID_REQUEST_ERROR");
        assertThat(Failures.isRetriable(new RuntimeException("wrapped", e))).isFalse();
    }

    void shouldClassifyFcdServerErrorAsRetriable() {
        String body = Fixtures.read(ERROR_500);
        assertThat(Failures.parseErrorBody(body)).hasValue(new Failures.ApiError("API_ERROR", "syntax error at or near \")\"", "42601"));

        SourceException e = Failures.http("fixture", "GET /v1/txs", 500, body, null);
        assertThat(e.retriable()).isTrue();
        assertThat(e.errorType()).isEqualTo("API_ERROR");
        assertThat(e.getMessage()).contains("42601");
        assertThat(Failures.isRetriable(new RuntimeException("wrapped", e))).isTrue();
    }

    @Test
    void shouldClassifyErrorFixtures() {
        shouldClassifyFcdInvalidLimitErrorAsFatal();
        shouldClassifyFcdServerErrorAsRetriable();
    }

    @Test
    void shouldKeepAmountsBeyondLongExactly() {
        ObjectNode item = (ObjectNode) Fixtures.json(MULTI_DENOM);
        String huge = "123456789012345678901234567890123456789";
        amountNode(item, 0).put("amount", huge);

        ParsedTx tx = parser(T849, "ukrw").parse(item);

        assertThat(tx.observed()).singleElement()
                .satisfies(t -> assertThat(t.getAmount()).isEqualTo(new BigDecimal(new BigInteger(huge))));
    }

    @Test
    void shouldRejectAmountAboveUint256AsOutOfRange() {
        ObjectNode item = (ObjectNode) Fixtures.json(MULTI_DENOM);
        amountNode(item, 0).put("amount", BigInteger.ONE.shiftLeft(256).toString());

        ParsedTx tx = parser(T849, "ukrw").parse(item);

        assertThat(tx.observed()).isEmpty();
        assertThat(tx.rejected()).extracting(TransferRejected::getReason, TransferRejected::getAmount)
                .containsExactly(tuple(RejectionReason.AMOUNT_OUT_OF_RANGE, null), tuple(RejectionReason.OTHER_DENOM, new BigDecimal("1771645906")));
    }

    @Test
    void shouldAcceptTheLargestUint256Amount() {
        ObjectNode item = (ObjectNode) Fixtures.json(MULTI_DENOM);
        BigInteger max = BigInteger.ONE.shiftLeft(256).subtract(BigInteger.ONE);
        amountNode(item, 0).put("amount", max.toString());

        assertThat(parser(T849, "ukrw").parse(item).observed()).singleElement()
                .satisfies(t -> assertThat(t.getAmount().toBigIntegerExact()).isEqualTo(max));
    }

    @Test
    void shouldNameSourceTxAndPathOfAMalformedAmount() {
        ObjectNode item = (ObjectNode) Fixtures.json(MULTI_DENOM);
        amountNode(item, 1).put("amount", "17.5");

        assertThatThrownBy(() -> parser(T849, "ukrw").parse(item))
                .isInstanceOfSatisfying(MalformedPayloadException.class, e -> {
                    assertThat(e.source()).isEqualTo("fixture");
                    assertThat(e.txRef()).isEqualTo("06011507E4F3EF150C92F2DDB217499F2020801B7323C9C3ADDE1138916B0F98");
                    assertThat(e.jsonPath()).isEqualTo("$.tx.value.msg[0].value.amount[1].amount");
                    assertThat(e.retriable()).isFalse();
                });
    }

    @Test
    void shouldRefuseASendWhoseCoinsRepeatADenom() {
        ObjectNode item = (ObjectNode) Fixtures.json(MULTI_DENOM);
        amountNode(item, 1).put("denom", "ukrw");

        assertThatThrownBy(() -> parser(T849, "ukrw").parse(item))
                .isInstanceOfSatisfying(MalformedPayloadException.class, e -> {
                    assertThat(e.jsonPath()).isEqualTo("$.tx.value.msg[0].value.amount[1].denom");
                    assertThat(e.getMessage()).contains("appears twice in one message");
                });
    }

    @Test
    void shouldNameThePathOfAMissingField() {
        ObjectNode item = (ObjectNode) Fixtures.json(MULTI_DENOM);
        item.remove("timestamp");

        assertThatThrownBy(() -> parser(T849, "ukrw").parse(item))
                .isInstanceOfSatisfying(MalformedPayloadException.class, e -> assertThat(e.jsonPath()).isEqualTo("$.timestamp"));
    }

    @Test
    void shouldRejectANumericAmountWrittenAsFloatingPoint() {
        ObjectNode item = (ObjectNode) Fixtures.json(MULTI_DENOM);
        amountNode(item, 0).put("amount", 4.8e11);

        assertThatThrownBy(() -> parser(T849, "ukrw").parse(item))
                .isInstanceOfSatisfying(MalformedPayloadException.class,
                        e -> assertThat(e.jsonPath()).isEqualTo("$.tx.value.msg[0].value.amount[0].amount"));
    }

    @Test
    void shouldParseCommaJoinedCoinLists() {
        assertThat(Coin.parseList("480000000000ukrw,1771645906uluna"))
                .containsExactly(Coin.of(480_000_000_000L, "ukrw"), Coin.of(1_771_645_906L, "uluna"));
        assertThat(Coin.parseList("10ibc/27394FB092D2ECCD56123C74F36E4C1F926001CEADA9CA97EA622B25F41E5EB2"))
                .extracting(Coin::denom).containsExactly("ibc/27394FB092D2ECCD56123C74F36E4C1F926001CEADA9CA97EA622B25F41E5EB2");
        assertThat(Coin.parseList("")).isEmpty();
        assertThatThrownBy(() -> Coin.parseList("12.5uusd")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldIgnoreMessagesThatDoNotInvolveTheWallet() {
        ParsedTx tx = parser("terra1nobodynobodynobodynobodynobodynobody", "ukrw").parse(Fixtures.json(MULTI_DENOM));

        assertThat(tx.events()).isZero();
    }

    private static ObjectNode amountNode(JsonNode item, int coin) {
        return (ObjectNode) item.path("tx").path("value").path("msg").get(0).path("value").path("amount").get(coin);
    }
}
