package dev.starfall.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

class ClientRateLimiterTest {

    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final ClientRateLimiter limiter = new ClientRateLimiter(10, 5, 1000, now::get);

    @Test
    void shouldAllowABurstThenRejectWithRetryAfter() {
        for (int i = 0; i < 5; i++) {
            assertThat(limiter.tryAcquire("1.2.3.4").allowed()).isTrue();
        }
        ClientRateLimiter.Decision rejected = limiter.tryAcquire("1.2.3.4");

        assertThat(rejected.allowed()).isFalse();
        assertThat(rejected.retryAfterSeconds()).isEqualTo(1);
        assertThat(limiter.tryAcquire("5.6.7.8").allowed()).as("other clients have their own bucket").isTrue();
    }

    @Test
    void shouldRefillAtTheSustainedRate() {
        for (int i = 0; i < 5; i++) {
            limiter.tryAcquire("c");
        }
        now.addAndGet(100_000_000L); // 0.1 s at 10/s = one token

        assertThat(limiter.tryAcquire("c").allowed()).isTrue();
        assertThat(limiter.tryAcquire("c").allowed()).isFalse();
    }

    @Test
    void shouldNotOverflowAfterAVeryLongIdleAndEvictIdleClients() {
        limiter.tryAcquire("c");
        now.addAndGet(Long.MAX_VALUE / 2);

        assertThat(limiter.tryAcquire("c").allowed()).isTrue();
        now.addAndGet(10_000_000_000L);
        limiter.evictIdle();
        assertThat(limiter.clients()).isZero();
    }

    @Test
    void shouldAllowEverythingWhenDisabled() {
        ClientRateLimiter off = new ClientRateLimiter(0, 1, 10, now::get);

        for (int i = 0; i < 100; i++) {
            assertThat(off.tryAcquire("c").allowed()).isTrue();
        }
    }
}
