package dev.starfall.ingestor.source.http;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class CircuitBreakerTest {

    final FakeTime time = new FakeTime();
    final CircuitBreaker breaker = new CircuitBreaker(new CircuitBreaker.Config(3, Duration.ofSeconds(10)), time);

    @Test
    void shouldOpenAfterConsecutiveFailuresOnly() {
        breaker.onFailure();
        breaker.onFailure();
        breaker.onSuccess();
        breaker.onFailure();
        breaker.onFailure();
        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.CLOSED);
        assertThat(breaker.tryAcquire()).isTrue();

        breaker.onFailure();

        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.OPEN);
        assertThat(breaker.tryAcquire()).isFalse();
        assertThat(breaker.remainingOpen()).isEqualTo(Duration.ofSeconds(10));
        assertThat(breaker.timesOpened()).isEqualTo(1);
    }

    @Test
    void shouldLetOneProbeThroughWhenHalfOpenAndCloseOnItsSuccess() {
        openIt();
        time.advance(Duration.ofSeconds(10));

        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.HALF_OPEN);
        assertThat(breaker.tryAcquire()).isTrue();
        assertThat(breaker.tryAcquire()).as("only one probe").isFalse();
        assertThat(breaker.wouldAllow()).isFalse();

        breaker.onSuccess();

        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.CLOSED);
        assertThat(breaker.tryAcquire()).isTrue();
    }

    @Test
    void shouldOpenAgainWhenTheProbeFails() {
        openIt();
        time.advance(Duration.ofSeconds(11));
        assertThat(breaker.tryAcquire()).isTrue();

        breaker.onFailure();

        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.OPEN);
        assertThat(breaker.remainingOpen()).isEqualTo(Duration.ofSeconds(10));
        assertThat(breaker.timesOpened()).isEqualTo(2);
    }

    @Test
    void shouldFreeTheProbeOnANeutralAnswer() {
        openIt();
        time.advance(Duration.ofSeconds(10));
        assertThat(breaker.tryAcquire()).isTrue();

        breaker.onNeutral();

        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.HALF_OPEN);
        assertThat(breaker.tryAcquire()).isTrue();
    }

    private void openIt() {
        for (int i = 0; i < 3; i++) {
            breaker.onFailure();
        }
        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.OPEN);
    }
}
