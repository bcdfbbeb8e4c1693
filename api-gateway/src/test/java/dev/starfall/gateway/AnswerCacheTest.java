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
}
