package dev.starfall.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import org.junit.jupiter.api.Test;

class AnswerCacheTest {

    private final AtomicLong now = new AtomicLong();
    private final AnswerCache cache = new AnswerCache(Duration.ofMillis(250), 100, now::get);
    private final AtomicInteger loads = new AtomicInteger();

    private Future<Answer> load(String body, String cacheControl) {
        loads.incrementAndGet();
        return Future.succeededFuture(Answer.ok(body.getBytes(), "me", false, cacheControl));
    }

    @Test
    void shouldReuseAnAnswerUntilItsTtlPasses() {
        cache.get("k", () -> load("a", Answer.SHORT));
        cache.get("k", () -> load("b", Answer.SHORT));
        now.addAndGet(Duration.ofMillis(300).toNanos());
        Answer renewed = cache.get("k", () -> load("c", Answer.SHORT)).result();

        assertThat(loads).hasValue(2);
        assertThat(renewed.body().toString()).isEqualTo("c");
    }

    @Test
    void shouldShareOneLoadBetweenConcurrentMisses() {
        Promise<Answer> slow = Promise.promise();
        Future<Answer> first = cache.get("k", () -> {
            loads.incrementAndGet();
            return slow.future();
        });
        Future<Answer> second = cache.get("k", () -> load("other", Answer.SHORT));
        slow.complete(Answer.ok("x".getBytes(), "me", false, Answer.SHORT));

        assertThat(loads).hasValue(1);
        assertThat(second.result()).isSameAs(first.result());
    }

    @Test
    void shouldAllowALoaderToUseTheCacheItself() {
        Answer outer = cache.get("outer", () -> cache.get("inner", () -> load("i", Answer.SHORT))
                .map(inner -> Answer.ok(("o+" + inner.body()).getBytes(), "me", false, Answer.SHORT))).result();

        assertThat(outer.body().toString()).isEqualTo("o+i");
    }

    @Test
    void shouldEvictTheLeastRecentlyUsedHalfWhenFullAndKeepTheHotAnswers() {
        cache.get("hot", () -> load("board", Answer.SHORT));
        for (int i = 0; i < 150; i++) { // a rush: each wallet's final answer read once, while the hot answer is read all along
            now.addAndGet(Duration.ofMillis(1).toNanos());
            String wallet = "wallet" + i;
            cache.get(wallet, () -> load(wallet, Answer.IMMUTABLE));
            if (i % 20 == 0) {
                assertThat(cache.fresh("hot")).as("hot at %d", i).isNotNull();
            }
        }
        int loaded = loads.get();

        assertThat(cache.size()).isLessThanOrEqualTo(100);
        assertThat(cache.evictions()).isPositive();
        assertThat(cache.fresh("hot")).as("the hot answer survived every eviction").isNotNull();
        assertThat(cache.fresh("wallet149")).as("the newest").isNotNull();
        cache.get("wallet0", () -> load("again", Answer.IMMUTABLE));
        assertThat(loads.get()).as("the oldest was evicted, and loaded again").isEqualTo(loaded + 1);
        assertThat(loaded).isEqualTo(151);
    }

    @Test
    void shouldKeepImmutableAnswersAndDropServerErrors() {
        cache.get("closed", () -> load("final", Answer.IMMUTABLE));
        cache.get("broken", () -> {
            loads.incrementAndGet();
            return Future.succeededFuture(Answer.error(503, "unavailable", "rebalancing", "me"));
        });
        now.addAndGet(Duration.ofDays(1).toNanos());
        cache.get("closed", () -> load("again", Answer.IMMUTABLE));
        cache.get("broken", () -> load("ok", Answer.SHORT));

        assertThat(loads).hasValue(3);
    }

    @Test
    void shouldServeTheLastAnswerWhileItsRenewalRunsAndTheRenewedOneAfter() {
        cache.getRenewingBehind("k", () -> load("a", Answer.SHORT));
        now.addAndGet(Duration.ofMillis(300).toNanos());
        Promise<Answer> renewal = Promise.promise();

        Future<Answer> during = cache.getRenewingBehind("k", () -> {
            loads.incrementAndGet();
            return renewal.future();
        });
        Future<Answer> alsoDuring = cache.getRenewingBehind("k", () -> load("never", Answer.SHORT));

        assertThat(during.isComplete()).as("not held for the renewal").isTrue();
        assertThat(during.result().body().toString()).isEqualTo("a");
        assertThat(alsoDuring.result().body().toString()).isEqualTo("a");
        assertThat(loads).as("one renewal").hasValue(2);
        assertThat(cache.staleHits()).isEqualTo(2);

        renewal.complete(Answer.ok("b".getBytes(), "me", false, Answer.SHORT));
        Future<Answer> after = cache.getRenewingBehind("k", () -> load("never", Answer.SHORT));

        assertThat(after.result().body().toString()).isEqualTo("b");
        assertThat(loads).hasValue(2);
        assertThat(cache.hits()).isEqualTo(1);
    }

    @Test
    void shouldRenewBehindByTheRenewalAndLoadForAWaitingRequestByTheLoader() {
        AtomicInteger renewals = new AtomicInteger();
        cache.getRenewingBehind("k", () -> load("a", Answer.SHORT), () -> {
            renewals.incrementAndGet();
            return load("never", Answer.SHORT);
        });
        now.addAndGet(Duration.ofMillis(300).toNanos());
        Future<Answer> behind = cache.getRenewingBehind("k", () -> load("never", Answer.SHORT), () -> {
            renewals.incrementAndGet();
            return load("b", Answer.SHORT);
        });
        now.addAndGet(Duration.ofMillis(600).toNanos());
        Future<Answer> waited = cache.getRenewingBehind("k", () -> load("c", Answer.SHORT), () -> {
            renewals.incrementAndGet();
            return load("never", Answer.SHORT);
        });

        assertThat(behind.result().body().toString()).as("served behind: the last answer").isEqualTo("a");
        assertThat(waited.result().body().toString()).as("two lives past: loaded for the request").isEqualTo("c");
        assertThat(renewals).as("only the renewal behind").hasValue(1);
        assertThat(loads).hasValue(3);
    }

    @Test
    void shouldHoldRequestsLikeGetOnceTheAnswerIsAWholeLifePastItsOwn() {
        cache.getRenewingBehind("k", () -> load("a", Answer.SHORT));
        now.addAndGet(Duration.ofMillis(500).toNanos());
        Promise<Answer> renewal = Promise.promise();

        Future<Answer> late = cache.getRenewingBehind("k", () -> {
            loads.incrementAndGet();
            return renewal.future();
        });

        assertThat(late.isComplete()).as("read two lives ago: too old to serve").isFalse();
        renewal.complete(Answer.ok("b".getBytes(), "me", false, Answer.SHORT));
        assertThat(late.result().body().toString()).isEqualTo("b");
        assertThat(cache.staleHits()).isZero();
    }

    @Test
    void shouldDropTheLastAnswerWhenItsRenewalFails() {
        cache.getRenewingBehind("k", () -> load("a", Answer.SHORT));
        now.addAndGet(Duration.ofMillis(300).toNanos());

        Future<Answer> during = cache.getRenewingBehind("k", () -> {
            loads.incrementAndGet();
            return Future.succeededFuture(Answer.error(503, "unavailable", "rebalancing", "me"));
        });
        Future<Answer> next = cache.getRenewingBehind("k", () -> load("c", Answer.SHORT));

        assertThat(during.result().body().toString()).isEqualTo("a");
        assertThat(next.result().body().toString()).as("loaded again, not the failed renewal nor the old answer").isEqualTo("c");
        assertThat(loads).hasValue(3);
    }

    @Test
    void shouldKeepARenewalThatTurnsImmutable() {
        cache.getRenewingBehind("k", () -> load("open", Answer.SHORT));
        now.addAndGet(Duration.ofMillis(300).toNanos());
        cache.getRenewingBehind("k", () -> load("closed", Answer.IMMUTABLE));
        now.addAndGet(Duration.ofDays(1).toNanos());

        Future<Answer> later = cache.getRenewingBehind("k", () -> load("never", Answer.SHORT));

        assertThat(later.result().body().toString()).isEqualTo("closed");
        assertThat(loads).hasValue(2);
    }

    @Test
    void shouldGiveAKeptAnswerOnlyWhileItIsFreshAndLoadedWithoutLoadingAnything() {
        Promise<Answer> slow = Promise.promise();
        cache.get("loading", () -> slow.future());
        cache.get("k", () -> load("a", Answer.SHORT));
        cache.get("gone", () -> Future.succeededFuture(Answer.error(503, "unavailable", "rebalancing", "me")));

        assertThat(cache.fresh("k").body().toString()).isEqualTo("a");
        assertThat(cache.fresh("absent")).isNull();
        assertThat(cache.fresh("loading")).as("still loading").isNull();
        assertThat(cache.fresh("gone")).as("a 5xx is not kept").isNull();
        assertThat(cache.hits()).isEqualTo(1);

        now.addAndGet(Duration.ofMillis(250).toNanos());
        assertThat(cache.fresh("k")).as("its life is over: renewed by get, not here").isNull();
        assertThat(loads).hasValue(1);
    }
}
