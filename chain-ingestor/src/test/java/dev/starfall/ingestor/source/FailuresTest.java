package dev.starfall.ingestor.source;

import java.io.IOException;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;

import dev.starfall.ingestor.source.lcd.LcdError;
import dev.starfall.ingestor.source.solana.SolanaRpcError;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Retriable versus fatal, decided by {@link Failures} for every API's errors. */
class FailuresTest {

    static final List<Long> RPC_CODES = List.of(429L, -32005L, -32603L, -32004L, -32014L, -32016L, -32015L, -32602L, -32601L,
            -32600L, -32700L, -32007L, -32009L, -32001L, 0L, 500L);

    @Test
    void shouldRetryRateLimitsServerErrorsAndTimeoutsButNotOtherClientErrors() {
        assertThat(IntStream.rangeClosed(400, 599).filter(Failures::isRetriableStatus).boxed().toList())
                .containsExactlyElementsOf(IntStream.rangeClosed(400, 599)
                        .filter(s -> s == 408 || s == 425 || s == 429 || (s >= 500 && s != 501)).boxed().toList());
        assertThat(Failures.isRetriableStatus(200)).isFalse();
        assertThat(Failures.io("src", "GET /x", new HttpTimeoutException("slow")).retriable()).isTrue();
        assertThat(Failures.io("src", "GET /x", new IOException("reset")).getMessage()).contains("failed");
        assertThat(Failures.discontinuity("src", "GET /x", "rows repeat").retriable()).isTrue();
        assertThat(Failures.unparseable("src", "GET /x", "$.txs", "not an array", null).retriable()).isFalse();
        assertThat(Failures.exhausted("src", "GET /x", 6, Failures.http("src", "GET /x", 503, "", null)))
                .satisfies(e -> {
                    assertThat(e.retriable()).as("worth a later walk").isTrue();
                    assertThat(e.httpStatus()).isEqualTo(503);
                });
    }

    @Test
    void shouldWalkTheCauseChain() {
        SourceException fatal = Failures.http("src", "GET /x", 404, "", null);
        SourceException retriable = Failures.http("src", "GET /x", 429, "", null);

        assertThat(Failures.isRetriable(new IllegalStateException("outer", new RuntimeException("mid", retriable)))).isTrue();
        assertThat(Failures.isRetriable(new IllegalStateException("outer", fatal))).isFalse();
        assertThat(Failures.isRetriable(new RuntimeException(new java.io.UncheckedIOException(new IOException("x"))))).isTrue();
        assertThat(Failures.isRetriable(new IllegalArgumentException("a bug"))).isFalse();
    }

    @Test
    void shouldRetryOnlyTheJsonRpcCodesThatMayAnswerDifferentlyLater() {
        assertThat(RPC_CODES.stream().filter(Failures::isRetriableRpcCode).toList())
                .containsExactlyInAnyOrder(429L, -32005L, -32603L, -32004L, -32014L, -32016L);
    }

    @Test
    void shouldClassifyAJsonRpcErrorByItsCodeOrItsHttpStatus() {
        SourceException limited = Failures.rpcError("src", "getTransaction", 200, 429, "too many", Duration.ofSeconds(3));
        assertThat(limited.retriable()).isTrue();
        assertThat(limited.httpStatus()).as("counted as a rate limit").isEqualTo(429);
        assertThat(limited.errorType()).isEqualTo("jsonrpc429");
        assertThat(limited.retryAfter()).hasValue(Duration.ofSeconds(3));
        assertThat(limited.getMessage()).contains("too many").contains("HTTP 200");

        SourceException invalid = Failures.rpcError("src", "getTransaction", 200, -32602, "invalid params", Duration.ofSeconds(3));
        assertThat(invalid.retriable()).isFalse();
        assertThat(invalid.retryAfter()).as("no wait for a fatal answer").isEmpty();
        assertThat(invalid.httpStatus()).isEqualTo(200);

        assertThat(Failures.rpcError("src", "getTransaction", 503, -32602, "behind a failing proxy", null).retriable())
                .as("a retriable HTTP status wins").isTrue();
        assertThat(Failures.rpcError("src", "getSlot", 0, -32005, "unhealthy", null).getMessage()).doesNotContain("HTTP");
    }

    @Test
    void shouldGiveSolanaRpcErrorsFailuresVerdictAndAnOperatorMessageThatAgrees() {
        Set<SolanaRpcError.Kind> retrying = EnumSet.of(SolanaRpcError.Kind.RATE_LIMITED, SolanaRpcError.Kind.NODE_BEHIND,
                SolanaRpcError.Kind.INTERNAL_ERROR, SolanaRpcError.Kind.NOT_YET_AVAILABLE);
        for (long code : RPC_CODES) {
            SolanaRpcError error = new SolanaRpcError(code, "said", null, "1");
            assertThat(error.retriable()).as("code %d", code).isEqualTo(Failures.isRetriableRpcCode(code));
            assertThat(retrying.contains(error.kind())).as("kind of code %d", code).isEqualTo(error.retriable());
            assertThat(error.operatorMessage().contains("retrying")).as("message of code %d", code).isEqualTo(error.retriable());
            SourceException e = error.toException("src", "getTransaction", 200);
            assertThat(e.retriable()).isEqualTo(error.retriable());
            assertThat(e.errorType()).isEqualTo("jsonrpc" + code);
            assertThat(e.getMessage()).contains(error.operatorMessage());
        }
    }

    @Test
    void shouldRetryOnlyTransientGrpcCodesAndNeverAMisconfiguration() {
        assertThat(IntStream.rangeClosed(0, 16).filter(c -> Failures.isRetriableGrpc(c, false)).boxed().toList())
                .containsExactly(4, 8, 10, 13, 14);
        assertThat(IntStream.rangeClosed(0, 16).filter(c -> Failures.isRetriableGrpc(c, true)).boxed().toList()).isEmpty();
        SourceException e = Failures.grpcError("src", "GET /txs", 14, 503, false, "unavailable");
        assertThat(e.retriable()).isTrue();
        assertThat(e.httpStatus()).isEqualTo(503);
        assertThat(e.errorType()).isEqualTo("grpc-14");
    }

    @Test
    void shouldGiveLcdErrorsFailuresVerdict() {
        Set<LcdError.Kind> retrying = EnumSet.of(LcdError.Kind.RESPONSE_TOO_LARGE, LcdError.Kind.UNAVAILABLE);
        for (int code = 1; code <= 16; code++) {
            for (String message : List.of("failed", "query cannot be empty", "grpc: received message larger than max")) {
                LcdError error = new LcdError(code, message);
                assertThat(error.retriable()).as("code %d: %s", code, message)
                        .isEqualTo(Failures.isRetriableGrpc(code, error.kind() == LcdError.Kind.WRONG_QUERY_DIALECT))
                        .isEqualTo(retrying.contains(error.kind()));
                assertThat(error.toException("src", "GET /txs").retriable()).isEqualTo(error.retriable());
            }
        }
        assertThat(new LcdError(13, "query cannot be empty").retriable()).as("a code 13 the node will always answer").isFalse();
        assertThat(new LcdError(13, "internal").retriable()).isTrue();
    }
}
