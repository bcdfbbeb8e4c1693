package dev.starfall.ingestor.source;

import java.io.IOException;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RetrierTest {

    private final List<Duration> sleeps = new ArrayList<>();
    private final RetryPolicy policy = new RetryPolicy(4, Duration.ofMillis(100), Duration.ofMillis(250), 2.0, Duration.ofSeconds(2));
    private final Retrier retrier = new Retrier(policy, sleeps::add, new SplittableRandom(7));

    @Test
    void shouldRetryRetriableFailuresWithGrowingJitteredDelays() throws InterruptedException {
        AtomicInteger calls = new AtomicInteger();

        String result = retrier.call("src", "GET /x", () -> {
            int n = calls.incrementAndGet();
            if (n == 1) {
                throw Failures.http("src", "GET /x", 429, "{\"type\":\"RATE_LIMIT_ERROR\"}", null);
            }
            if (n == 2) {
                throw new HttpTimeoutException("request timed out");
            }
            if (n == 3) {
                throw Failures.http("src", "GET /x", 503, "", null);
            }
            return "ok";
        }, (retry, delay, cause) -> { });

        assertThat(result).isEqualTo("ok");
        assertThat(calls).hasValue(4);
        assertThat(sleeps).hasSize(3);
        assertThat(sleeps.get(0)).isBetween(Duration.ofMillis(50), Duration.ofMillis(100));
        assertThat(sleeps.get(1)).isBetween(Duration.ofMillis(100), Duration.ofMillis(200));
        assertThat(sleeps.get(2)).isBetween(Duration.ofMillis(125), Duration.ofMillis(250));
    }

    @Test
    void shouldHonourRetryAfterUpToItsCap() throws InterruptedException {
        AtomicInteger calls = new AtomicInteger();

        retrier.call("src", "GET /x", () -> {
            if (calls.incrementAndGet() == 1) {
                throw Failures.http("src", "GET /x", 429, "", Duration.ofSeconds(30));
            }
            return "ok";
        }, (retry, delay, cause) -> { });

        assertThat(sleeps).containsExactly(Duration.ofSeconds(2));
    }

    @Test
    void shouldThrowFatalFailuresAtOnce() {
        AtomicInteger calls = new AtomicInteger();

        assertThatThrownBy(() -> retrier.call("src", "GET /x", () -> {
            calls.incrementAndGet();
            throw Failures.http("src", "GET /x", 400, "{\"type\":\"INVALID_REQUEST_ERROR\",\"message\":\"bad\",\"code\":400}", null);
        }, (retry, delay, cause) -> { }))
                .isInstanceOfSatisfying(SourceException.class, e -> assertThat(e.retriable()).isFalse());
        assertThat(calls).hasValue(1);
        assertThat(sleeps).isEmpty();
    }

    @Test
    void shouldGiveUpAfterMaxAttemptsWithARetriableFailure() {
        AtomicInteger calls = new AtomicInteger();

        assertThatThrownBy(() -> retrier.call("src", "GET /x", () -> {
            calls.incrementAndGet();
            throw new IOException("connection refused");
        }, (retry, delay, cause) -> { }))
                .isInstanceOfSatisfying(SourceException.class, e -> {
                    assertThat(e.retriable()).isTrue();
                    assertThat(e.getMessage()).contains("after 4 attempts");
                });
        assertThat(calls).hasValue(4);
        assertThat(sleeps).hasSize(3);
    }

    @Test
    void shouldClassifyStatusesInOnePlace() {
        assertThat(Failures.isRetriableStatus(429)).isTrue();
        assertThat(Failures.isRetriableStatus(500)).isTrue();
        assertThat(Failures.isRetriableStatus(503)).isTrue();
        assertThat(Failures.isRetriableStatus(408)).isTrue();
        assertThat(Failures.isRetriableStatus(400)).isFalse();
        assertThat(Failures.isRetriableStatus(403)).isFalse();
        assertThat(Failures.isRetriableStatus(404)).isFalse();
        assertThat(Failures.isRetriableStatus(501)).isFalse();
        assertThat(Failures.isRetriable(new IOException("reset"))).isTrue();
        assertThat(Failures.isRetriable(new IllegalArgumentException("bug"))).isFalse();
    }
}
