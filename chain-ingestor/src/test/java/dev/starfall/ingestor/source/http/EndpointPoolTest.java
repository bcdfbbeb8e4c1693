package dev.starfall.ingestor.source.http;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
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
    void shouldChangeOneEndpointsWeightWhileRunning() {
        EndpointPool pool = pool(1, 1);
        draw(pool, 100);

        pool.setWeight("a", 0);
        assertThat(draw(pool, 1_000)).containsOnlyKeys("b");
        pool.setWeight("a", 3);
        Map<String, Integer> counts = draw(pool, 10_000);

        assertThat(counts.get("a")).isBetween(7_200, 7_800);
        assertThat(pool.weights()).containsExactly(Map.entry("a", 3), Map.entry("b", 1));
        assertThat(pool.snapshot().endpoints()).extracting(Endpoint.Snapshot::weight).containsExactly(3, 1);
    }

    @Test
    void shouldRefuseASingleWeightThatLeavesNoTrafficOrNamesNoEndpoint() {
        EndpointPool pool = pool(1, 0);

        assertThatThrownBy(() -> pool.setWeight("a", 0)).hasMessageContaining("positive weight");
        assertThatThrownBy(() -> pool.setWeight("c", 1)).hasMessageContaining("unknown endpoint c");
        assertThatThrownBy(() -> pool.setWeight("b", -1)).hasMessageContaining("non-negative");
        assertThat(pool.weights()).containsEntry("a", 1).containsEntry("b", 0);
    }

    @Test
    void shouldLoseNoWeightChangeMadeConcurrently() throws Exception {
        List<String> names = List.of("a", "b", "c", "d", "e", "f");
        EndpointPool pool = new EndpointPool(names.stream().map(n -> new EndpointPool.EndpointConfig(n, "http://" + n + ".example", 1))
                .toList(), settings, time);
        ExecutorService executor = Executors.newFixedThreadPool(names.size());
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<?>> changes = new ArrayList<>();
            for (int t = 0; t < names.size(); t++) {
                String name = names.get(t);
                int last = 100 + t;
                changes.add(executor.submit(() -> {
                    start.await();
                    for (int i = 1; i <= 2_000; i++) {
                        pool.setWeight(name, i % 7 + 1);
                        pool.pick(new SplittableRandom(i), null).endpoint().breaker().onSuccess();
                    }
                    pool.setWeight(name, last);
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> change : changes) {
                change.get(30, TimeUnit.SECONDS);
            }
        } finally {
            executor.shutdownNow();
        }

        assertThat(pool.weights()).containsExactly(Map.entry("a", 100), Map.entry("b", 101), Map.entry("c", 102),
                Map.entry("d", 103), Map.entry("e", 104), Map.entry("f", 105));
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
