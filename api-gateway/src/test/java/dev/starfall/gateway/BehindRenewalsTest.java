package dev.starfall.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Renewals behind on a real Vert.x: gathered per window, read by one worker task, each outcome its own. */
class BehindRenewalsTest {

    private final Vertx vertx = Vertx.vertx();
    private final BehindRenewals renewals = new BehindRenewals(vertx, Duration.ofMillis(50));
    private final Set<String> readers = ConcurrentHashMap.newKeySet();

    @AfterEach
    void close() {
        vertx.close().await();
    }

    private Answer read(String body) {
        readers.add(Thread.currentThread().getName());
        return Answer.ok(body.getBytes(), "me", false, Answer.SHORT);
    }

    /** Submits on an event loop, as the gateway does, and waits for every outcome; each on the thread that completed it. */
    private List<Outcome> submitAll(Context loop, List<Callable<Answer>> reads) throws Exception {
        CompletableFuture<List<Outcome>> done = new CompletableFuture<>();
        loop.runOnContext(v -> {
            List<Future<Answer>> futures = new ArrayList<>();
            for (Callable<Answer> r : reads) {
                futures.add(renewals.submit(r));
            }
            List<Outcome> outcomes = new ArrayList<>();
            Future.join(futures).onComplete(all -> {
                for (Future<Answer> f : futures) {
                    outcomes.add(new Outcome(f.succeeded() ? f.result().body().toString() : null,
                            f.failed() ? f.cause().getMessage() : null, Thread.currentThread().getName()));
                }
                done.complete(outcomes);
            });
        });
        return done.get(10, TimeUnit.SECONDS);
    }

    private record Outcome(String body, String failure, String thread) {
    }

    @Test
    void shouldReadTheRenewalsOfOneWindowInOneWorkerTaskAndDeliverThemOnTheEventLoop() throws Exception {
        Context loop = vertx.getOrCreateContext();
        List<Outcome> outcomes = submitAll(loop, List.of(() -> read("a"), () -> read("b"), () -> read("c")));

        assertThat(outcomes).extracting(Outcome::body).containsExactly("a", "b", "c");
        assertThat(readers).as("one worker thread read all three").hasSize(1);
        assertThat(readers.iterator().next()).contains("worker");
        assertThat(outcomes).extracting(Outcome::thread).allMatch(t -> t.contains("eventloop"));
        assertThat(renewals.batches()).isEqualTo(1);
        assertThat(renewals.reads()).isEqualTo(3);
        assertThat(renewals.waitedNanos()).as("gathered for the whole window").isGreaterThanOrEqualTo(Duration.ofMillis(50).toNanos());
    }

    @Test
    void shouldFailOnlyTheRenewalWhoseReadThrew() throws Exception {
        List<Outcome> outcomes = submitAll(vertx.getOrCreateContext(), List.of(() -> read("a"), () -> {
            throw new IllegalStateException("store closed");
        }, () -> read("c")));

        assertThat(outcomes).extracting(Outcome::body).containsExactly("a", null, "c");
        assertThat(outcomes).extracting(Outcome::failure).containsExactly(null, "store closed", null);
        assertThat(renewals.batches()).isEqualTo(1);
    }

    @Test
    void shouldOpenANewBatchForRenewalsAfterTheWindow() throws Exception {
        Context loop = vertx.getOrCreateContext();
        submitAll(loop, List.of(() -> read("a")));
        List<Outcome> later = submitAll(loop, List.of(() -> read("b"), () -> read("c")));

        assertThat(later).extracting(Outcome::body).containsExactly("b", "c");
        assertThat(renewals.batches()).isEqualTo(2);
        assertThat(renewals.reads()).isEqualTo(3);
    }

    @Test
    void shouldRefuseAWindowBelowATimersResolution() {
        assertThatThrownBy(() -> new BehindRenewals(vertx, Duration.ofNanos(500_000)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 1 ms");
    }
}
