package dev.starfall.ingestor.source.http;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TokenBucketTest {

    final FakeTime time = new FakeTime();

    @Test
    void shouldLetABurstThroughThenPaceAtTheRate() {
        TokenBucket bucket = new TokenBucket(2.0, 3, time);

        assertThat(bucket.reserve()).isZero();
        assertThat(bucket.reserve()).isZero();
        assertThat(bucket.reserve()).isZero();
        assertThat(bucket.reserve()).isEqualTo(Duration.ofMillis(500));
        assertThat(bucket.reserve()).as("reservations queue up").isEqualTo(Duration.ofMillis(1000));
    }

    @Test
    void shouldRefillWithTimeButNotBeyondTheBurst() {
        TokenBucket bucket = new TokenBucket(10.0, 2, time);
        bucket.reserve();
        bucket.reserve();
        assertThat(bucket.tryAcquire()).isFalse();

        time.advance(Duration.ofMillis(100));
        assertThat(bucket.tryAcquire()).isTrue();
        assertThat(bucket.tryAcquire()).isFalse();

        time.advance(Duration.ofHours(1));
        assertThat(bucket.available()).isEqualTo(2.0);
    }

    @Test
    void shouldPayBackDebtBeforeGrantingAgain() {
        TokenBucket bucket = new TokenBucket(1.0, 1, time);
        bucket.reserve();
        assertThat(bucket.reserve()).isEqualTo(Duration.ofSeconds(1));
        time.advance(Duration.ofSeconds(1));
        assertThat(bucket.tryAcquire()).as("the reserved token is spent").isFalse();
        time.advance(Duration.ofSeconds(1));
        assertThat(bucket.tryAcquire()).isTrue();
    }

    @Test
    void shouldChangeTheRateWhileRunning() {
        TokenBucket bucket = new TokenBucket(1.0, 5, time);
        bucket.setRate(100.0, 1);
        assertThat(bucket.reserve()).isZero();
        assertThat(bucket.reserve()).isEqualTo(Duration.ofMillis(10));
    }

    @Test
    void shouldRefuseNonsense() {
        assertThatThrownBy(() -> new TokenBucket(0, 1, time)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new TokenBucket(1, 0, time)).isInstanceOf(IllegalArgumentException.class);
    }
}
