package dev.starfall.ingestor.source.http;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EndpointPoolTest {

    final FakeTime time = new FakeTime();
    final SplittableRandom random = new SplittableRandom(42);
    final EndpointPool.Settings settings = new EndpointPool.Settings(100, 100, new CircuitBreaker.Config(2, Duration.ofSeconds(30)));

    EndpointPool pool(int weightA, int weightB) {
        return new EndpointPool(List.of(new EndpointPool.EndpointConfig("a", "http://a.example", weightA),
                new EndpointPool.EndpointConfig("b", "http://b.example", weightB)), settings, time);
    }

    Map<String, Integer> draw(EndpointPool pool, int n) {
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < n; i++) {
            EndpointPool.Pick pick = pool.pick(random, null);
            counts.merge(pick.endpoint().name(), 1, Integer::sum);
            pick.endpoint().breaker().onSuccess();
        }
        return counts;
    }

    @Test
    void shouldSplitTrafficByWeight() {
        EndpointPool pool = pool(1, 1);

        Map<String, Integer> counts = draw(pool, 10_000);

        assertThat(counts.get("a")).isBetween(4_700, 5_300);
        assertThat(counts.get("b")).isBetween(4_700, 5_300);
    }

    @Test
    void shouldMoveTheSplitWhileRunning() {
        EndpointPool pool = pool(1, 1);
        draw(pool, 100);

        pool.setWeights(Map.of("a", 9, "b", 1));
        Map<String, Integer> counts = draw(pool, 10_000);

        assertThat(counts.get("a")).isBetween(8_700, 9_300);
        pool.setWeights(Map.of("a", 0, "b", 5));
        assertThat(draw(pool, 1_000)).containsOnlyKeys("b");
        assertThat(pool.weights()).containsEntry("a", 0).containsEntry("b", 5);
    }

    @Test
    void shouldRefuseWeightsThatLeaveNoTrafficOrNameUnknownEndpoints() {
        EndpointPool pool = pool(1, 1);

        assertThatThrownBy(() -> pool.setWeights(Map.of("a", 0, "b", 0))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> pool.setWeights(Map.of("a", 1))).hasMessageContaining("no weight for endpoint b");
        assertThatThrownBy(() -> pool.setWeights(Map.of("a", 1, "b", 1, "c", 1))).hasMessageContaining("unknown endpoints");
        assertThatThrownBy(() -> pool.setWeights(Map.of("a", -1, "b", 1))).isInstanceOf(IllegalArgumentException.class);
        assertThat(pool.weights()).containsEntry("a", 1).containsEntry("b", 1);
    }

    @Test
    void shouldFailOverAwayFromTheEndpointThatJustFailed() {
        EndpointPool pool = pool(1, 0);
        Endpoint a = pool.endpoints().get(0);

        EndpointPool.Pick retry = pool.pick(random, a);

        assertThat(retry.endpoint().name()).as("the weight-0 spare takes the retry").isEqualTo("b");
        assertThat(pool.snapshot().failovers()).isEqualTo(1);
        assertThat(pool.snapshot().endpoints().get(0).failoversAway()).isEqualTo(1);
    }

    @Test
    void shouldRouteAroundAnOpenBreakerAndComeBackAfterAProbe() {
        EndpointPool pool = pool(1, 1);
        Endpoint a = pool.endpoints().get(0);
        a.breaker().onFailure();
        a.breaker().onFailure();
        assertThat(a.breaker().state()).isEqualTo(CircuitBreaker.State.OPEN);

        assertThat(draw(pool, 200)).containsOnlyKeys("b");

        time.advance(Duration.ofSeconds(30));
        Map<String, Integer> after = draw(pool, 200);
        assertThat(after.get("a")).isPositive();
        assertThat(a.breaker().state()).isEqualTo(CircuitBreaker.State.CLOSED);
        assertThat(pool.snapshot().endpoints().get(0).breaker()).isEqualTo(CircuitBreaker.State.CLOSED);
        assertThat(pool.snapshot().endpoints().get(0).breakerOpened()).isEqualTo(1);
    }

    @Test
    void shouldSayHowLongToWaitWhenEveryBreakerIsOpen() {
        EndpointPool pool = pool(1, 1);
        for (Endpoint e : pool.endpoints()) {
            e.breaker().onFailure();
            e.breaker().onFailure();
            time.advance(Duration.ofSeconds(5));
        }

        EndpointPool.Pick pick = pool.pick(random, null);

        assertThat(pick.found()).isFalse();
        assertThat(pick.waitForBreaker()).as("a opened first, 10 s ago").isEqualTo(Duration.ofSeconds(20));
    }

    @Test
    void shouldPreferAnEndpointThatIsNotCoolingDownAfterRetryAfter() {
        EndpointPool pool = pool(1, 1);
        pool.endpoints().get(0).coolDown(Duration.ofSeconds(5));

        assertThat(draw(pool, 100)).containsOnlyKeys("b");
        assertThat(pool.endpoints().get(0).reserve()).isEqualTo(Duration.ofSeconds(5));

        time.advance(Duration.ofSeconds(5));
        assertThat(draw(pool, 100)).containsKeys("a", "b");
    }

    @Test
    void shouldTakeWeightChangesFromAnotherThread() throws Exception {
        EndpointPool pool = pool(1, 1);
        ExecutorService executor = Executors.newSingleThreadExecutor();
        try {
            Future<?> change = executor.submit(() -> pool.setWeights(Map.of("a", 0, "b", 1)));
            change.get(10, TimeUnit.SECONDS);
        } finally {
            executor.shutdownNow();
        }
        assertThat(draw(pool, 100)).containsOnlyKeys("b");
    }
}
