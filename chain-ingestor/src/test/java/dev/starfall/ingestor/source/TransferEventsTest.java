package dev.starfall.ingestor.source;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;

import dev.starfall.schemas.TransferIds;
import dev.starfall.schemas.avro.RejectionReason;
import dev.starfall.schemas.avro.TransferObserved;
import dev.starfall.schemas.avro.TransferRejected;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

class TransferEventsTest {

    static final WatchTarget TARGET = new WatchTarget("terra-classic", "columbus-5", "terra1wallet", "uusd");
    static final Instant BLOCK = Instant.parse("2021-11-08T05:59:54Z");
    static final Instant NOW = Instant.parse("2021-11-08T06:00:01Z");

    final TransferEvents events = new TransferEvents(TARGET, "columbus-5", "https://fcd.example", "ABC", 5_100_000L, BLOCK, "123", NOW);

    @Test
    void shouldObserveTheEventDenomSentToTheWalletWithTheTransactionsIdentity() {
        events.transfer(2, "terra1sender", "terra1wallet", "uusd", new BigInteger("8000000"), true, false, "$.amount");

        assertThat(events.rejected()).isEmpty();
        TransferObserved t = events.observed().get(0);
        assertThat(TransferIds.of(t)).isEqualTo("terra-classic:ABC:2");
        assertThat(t.getChainId()).isEqualTo("columbus-5");
        assertThat(t.getBlockHeight()).isEqualTo(5_100_000L);
        assertThat(t.getBlockTime()).isEqualTo(BLOCK);
        assertThat(t.getSender()).isEqualTo("terra1sender");
        assertThat(t.getAmount()).isEqualTo(new BigDecimal("8000000"));
        assertThat(t.getAmount().scale()).isZero();
        assertThat(t.getMemo()).isEqualTo("123");
        assertThat(t.getSourceEndpoint()).isEqualTo("https://fcd.example");
        assertThat(t.getObservedAt()).isEqualTo(NOW);
    }

    @Test
    void shouldRejectOutgoingOutOfRangeAndOtherDenomsWithTheirReasons() {
        BigInteger huge = Coin.MAX_AMOUNT.add(BigInteger.ONE);
        events.transfer(0, "terra1wallet", "terra1shop", "uusd", BigInteger.TEN, false, true, "$.a");
        events.transfer(1, "terra1wallet", "terra1wallet", "uusd", huge, true, true, "$.b");
        events.transfer(2, "terra1sender", "terra1wallet", "uusd", huge, true, false, "$.c");
        events.transfer(3, "terra1sender", "terra1wallet", "uluna", BigInteger.TWO, true, false, "$.d");
        events.rejectTransaction(RejectionReason.FAILED_TRANSACTION, "transaction failed: code 5");

        assertThat(events.observed()).isEmpty();
        assertThat(events.rejected()).extracting(TransferRejected::getMessageIndex, TransferRejected::getReason,
                        TransferRejected::getDenom, TransferRejected::getAmount, TransferRejected::getDetail)
                .containsExactly(
                        tuple(0, RejectionReason.OUTGOING, "uusd", BigDecimal.TEN, "sent by the wallet to terra1shop"),
                        tuple(1, RejectionReason.OUTGOING, "uusd", null, "self-transfer by the wallet"),
                        tuple(2, RejectionReason.AMOUNT_OUT_OF_RANGE, "uusd", null, "amount " + huge + " at $.c exceeds 2^256-1"),
                        tuple(3, RejectionReason.OTHER_DENOM, "uluna", new BigDecimal("2"), "denom uluna is not the event denom uusd"),
                        tuple(-1, RejectionReason.FAILED_TRANSACTION, null, null, "transaction failed: code 5"));
        assertThat(events.rejected()).allSatisfy(r -> {
            assertThat(r.getTxHash()).isEqualTo("ABC");
            assertThat(r.getMemo()).isEqualTo("123");
        });
        assertThat(events.isEmpty()).isFalse();
    }

    @Test
    void shouldKeepAmountsUpTo2To256Minus1() {
        assertThat(TransferEvents.inRangeOrNull(Coin.MAX_AMOUNT)).isEqualTo(Coin.MAX_AMOUNT);
        assertThat(TransferEvents.inRangeOrNull(Coin.MAX_AMOUNT.add(BigInteger.ONE))).isNull();
        assertThat(TransferEvents.inRangeOrNull(null)).isNull();
        assertThat(events.isEmpty()).isTrue();
    }
}
