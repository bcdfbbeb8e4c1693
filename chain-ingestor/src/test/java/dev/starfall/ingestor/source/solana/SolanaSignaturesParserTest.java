package dev.starfall.ingestor.source.solana;

import java.time.Instant;
import java.util.Map;
import java.util.stream.Stream;

import dev.starfall.ingestor.source.MalformedPayloadException;
import dev.starfall.ingestor.source.SourceException;
import dev.starfall.ingestor.source.solana.SolanaSignaturesParser.Page;
import dev.starfall.ingestor.source.solana.SolanaSignaturesParser.Signature;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

class SolanaSignaturesParserTest {

    static final String PAGE1 = "getSignaturesForAddress_limit5_page1-no-before.json";
    static final String PAGE2 = "getSignaturesForAddress_limit5_page2-before-4qpq.json";
    static final String END = "getSignaturesForAddress_limit5_page6-before-4J37-empty-end.json";

    static final String SPAM50 = "\uD83E\uDD73Visit the site to use your whitelist right now";
    static final String SPAM56 = "\uD83E\uDD73 Visit the site to use your whitelist right now. \u2705";

    final SolanaSignaturesParser parser = new SolanaSignaturesParser("fixture");

    /** Every getSignaturesForAddress file has an expectation here; the other files are replayed by SolanaTxParserTest. */
    @TestFactory
    Stream<DynamicTest> shouldReplayEveryGetSignaturesForAddressFixture() {
        Map<String, Runnable> checks = Map.of(
                PAGE1, this::shouldReadTheFirstPageWithStatusTimesAndPlainMemos,
                PAGE2, this::shouldContinueStrictlyBelowTheCursorOfTheFirstPage,
                END, this::shouldReadTheEmptyResultAsTheEndOfHistory);
        var files = SolanaFixtures.files().stream().filter(n -> n.startsWith(SolanaFixtures.SIGNATURES_PREFIX)).toList();
        assertThat(files).as("signature fixture files").hasSizeGreaterThanOrEqualTo(checks.size());
        return files.stream().map(name -> DynamicTest.dynamicTest(name, () -> {
            Runnable check = checks.get(name);
            assertThat(check).as("an expectation for fixture " + name).isNotNull();
            check.run();
        }));
    }

    @Test
    void shouldReadTheFirstPageWithStatusTimesAndPlainMemos() {
        Page page = parser.parse(SolanaFixtures.json(PAGE1));

        assertThat(page.end()).isFalse();
        assertThat(page.signatures()).extracting(Signature::slot, Signature::memo)
                .containsExactly(tuple(241535258L, null), tuple(233188432L, SPAM50), tuple(230624789L, SPAM50),
                        tuple(228232544L, SPAM56), tuple(227250056L, SPAM56));
        Signature first = page.signatures().get(0);
        assertThat(first.signature()).isEqualTo("5R1hm2BUEm6ks5kDCaUpMfAyvRGuZxSCTuANyPBHkLKs6hhmZ8aAgboB6jRC1jKRqwRTyYUNpFJbPvt7ygXEeQMk");
        assertThat(first.blockTime()).isEqualTo(Instant.ofEpochSecond(1705133465L));
        assertThat(first.err()).isNull();
        assertThat(first.failed()).isFalse();
        assertThat(first.confirmationStatus()).isEqualTo("finalized");
        assertThat(first.finalized()).isTrue();
        assertThat(first.rawMemo()).isNull();
        assertThat(page.signatures().get(1).rawMemo()).isEqualTo("[50] " + SPAM50);
        assertThat(page.signatures().get(3).rawMemo()).isEqualTo("[56] " + SPAM56);
        assertThat(page.oldest()).hasValue("4qpq3ozPaS48wjv1JrXFQYiTGJfQ94iu1pDFLJXxWUDGJfMoD22wsu59qfAGkjDKKmjkNo36uPa724NUp67wqMDS");
    }

    @Test
    void shouldContinueStrictlyBelowTheCursorOfTheFirstPage() {
        Page first = parser.parse(SolanaFixtures.json(PAGE1));
        Page second = parser.parse(SolanaFixtures.json(PAGE2));

        assertThat(second.signatures()).hasSize(5);
        long lastSlotOfFirst = first.signatures().get(4).slot();
        assertThat(second.signatures()).allSatisfy(s -> assertThat(s.slot()).isLessThan(lastSlotOfFirst));
        assertThat(second.signatures()).extracting(Signature::signature).doesNotContain(first.oldest().orElseThrow());
        assertThat(second.signatures().get(0).memo()).isEqualTo(SPAM56);
        assertThat(second.signatures().get(1).memo()).isNull();
        assertThat(second.signatures().get(4).blockTime()).isEqualTo(Instant.ofEpochSecond(1653492753L));
        assertThat(second.oldest()).hasValue("2vjYNpYyJfAU432CrmwndW56BvyanDX5n1CqfM2oXak2K9bDncfH4zayFSUD1UhDqpwbShPbziA2grCqGrKxf8Rw");
    }

    @Test
    void shouldReadTheEmptyResultAsTheEndOfHistory() {
        Page page = parser.parse(SolanaFixtures.json(END));

        assertThat(page.end()).isTrue();
        assertThat(page.signatures()).isEmpty();
        assertThat(page.oldest()).isEmpty();
    }

    @Test
    void shouldKeepErrAndNullBlockTimeAndMissingStatus() {
        Page page = parser.parse(SolanaFixtures.parse("""
                {"jsonrpc":"2.0","id":1,"result":[{"signature":"sigA","slot":7,"blockTime":null,
                 "err":{"InstructionError":[0,{"Custom":1}]},"memo":null}]}"""));

        Signature s = page.signatures().get(0);
        assertThat(s.blockTime()).isNull();
        assertThat(s.failed()).isTrue();
        assertThat(s.err()).isEqualTo("{\"InstructionError\":[0,{\"Custom\":1}]}");
        assertThat(s.confirmationStatus()).isNull();
        assertThat(s.finalized()).isFalse();
    }

    @Test
    void shouldStripEveryMemoPrefixByItsByteLength() {
        assertThat(SolanaSignaturesParser.plainMemo("[50] " + SPAM50)).isEqualTo(SPAM50);
        assertThat(SolanaSignaturesParser.plainMemo("[5] hello; [9] 104051904")).isEqualTo("hello; 104051904");
        assertThat(SolanaSignaturesParser.plainMemo("[7] a; b; c")).isEqualTo("a; b; c");
        assertThat(SolanaSignaturesParser.plainMemo("[20] (unparseable)")).isEqualTo("(unparseable)");
        assertThat(SolanaSignaturesParser.plainMemo("no prefix")).isEqualTo("no prefix");
        assertThat(SolanaSignaturesParser.plainMemo("")).isEmpty();
        assertThat(SolanaSignaturesParser.plainMemo(null)).isNull();
    }

    @Test
    void shouldThrowTheRpcErrorsWithTheirVerdict() {
        assertThatThrownBy(() -> parser.parse(SolanaFixtures.json("error_429_too-many-requests_public-rpc.json")))
                .isInstanceOfSatisfying(SourceException.class, e -> {
                    assertThat(e.retriable()).isTrue();
                    assertThat(e.errorType()).isEqualTo("jsonrpc429");
                });
        assertThatThrownBy(() -> parser.parse(SolanaFixtures.json("error_-32005_node-unhealthy.json")))
                .isInstanceOfSatisfying(SourceException.class, e -> assertThat(e.retriable()).isTrue());
        assertThatThrownBy(() -> parser.parse(SolanaFixtures.parse(
                "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32602,\"message\":\"Invalid param: WrongSize\"},\"id\":1}")))
                .isInstanceOfSatisfying(SourceException.class, e -> assertThat(e.retriable()).isFalse());
    }

    @Test
    void shouldNameThePathOfAMalformedEntry() {
        assertThatThrownBy(() -> parser.parse(SolanaFixtures.parse(
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":[{\"signature\":\"sigA\",\"slot\":\"7\"}]}")))
                .isInstanceOfSatisfying(MalformedPayloadException.class, e -> {
                    assertThat(e.txRef()).isEqualTo("sigA");
                    assertThat(e.jsonPath()).isEqualTo("$.result[0].slot");
                });
        assertThatThrownBy(() -> parser.parse(SolanaFixtures.parse("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":null}")))
                .isInstanceOfSatisfying(MalformedPayloadException.class, e -> assertThat(e.jsonPath()).isEqualTo("$.result"));
    }
}
