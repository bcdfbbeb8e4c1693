package dev.starfall.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import dev.starfall.projections.query.MeteorView;
import dev.starfall.projections.query.WalletStanding;
import io.vertx.core.Future;
import org.junit.jupiter.api.Test;

class CavePartsTest {

    private static final String SELF = "127.0.0.1:8080";
    private static final String PEER = "127.0.0.1:8082";
    private static final String WALLET = "terra1wallet";
    private static final Duration TTL = Duration.ofMillis(250);

    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final CaveParts parts = new CaveParts(SELF, TTL, 100, now::get);

    /** A read that counts its calls and answers the current {@code next} value. */
    private static final class Read implements Supplier<Future<Answer>> {
        final AtomicInteger calls = new AtomicInteger();
        Answer next;

        Read(Answer first) {
            next = first;
        }

        @Override
        public Future<Answer> get() {
            calls.incrementAndGet();
            return Future.succeededFuture(next);
        }
    }

    private static Answer meteors(int... showers) {
        List<MeteorView> list = new java.util.ArrayList<>();
        for (int s : showers) {
            list.add(new MeteorView(s, 1, "gold", "8000000"));
        }
        return Answer.part(new ClosedMeteors(list), SELF, Answer.SHORT);
    }

    private static Answer standing(String amount) {
        return Answer.part(new WalletStanding(44, WALLET, amount, 1, 0, 0, 3, true, "gold"), SELF, Answer.SHORT);
    }

    private static ShowerCounts counts(String status, long transfers) {
        return new ShowerCounts(status, 10, 8, "1000", transfers);
    }

    private UnclosedShowers unclosed(long sinceNanos, Integer... showers) {
        return new UnclosedShowers(List.of(showers), sinceNanos);
    }

    private void advance(Duration d) {
        now.addAndGet(d.toNanos());
    }

    private static List<MeteorView> shown(Future<Answer> f) {
        return f.result().value(ClosedMeteors.class).orElseThrow().meteors();
    }

    @Test
    void closedMeteorsAreReadAtEveryRenewalUntilTheUnclosedShowersSettled() {
        UnclosedShowers list = unclosed(now.get(), 44);
        Read read = new Read(meteors(42));
        parts.meteors(WALLET, list, read);
        // the cave store may not hold shower 43's meteor yet: read again, as at every renewal today
        read.next = meteors(42, 43);
        assertThat(shown(parts.meteors(WALLET, list, read))).extracting(MeteorView::shower).containsExactly(42, 43);
        assertThat(read.calls).hasValue(2);

        advance(CaveParts.SETTLE.plus(TTL));
        parts.meteors(WALLET, list, read);
        advance(Duration.ofSeconds(1));
        assertThat(shown(parts.meteors(WALLET, list, read))).extracting(MeteorView::shower).containsExactly(42, 43);
        assertThat(read.calls).as("kept once read a settle time after the list was seen").hasValue(3);
    }

    @Test
    void closedMeteorsAppearOnceAShowerClosesAndAreNeverKeptPastTheirLongestLife() {
        UnclosedShowers before = unclosed(now.get(), 43, 44);
        advance(CaveParts.SETTLE.plus(TTL));
        Read read = new Read(meteors(42));
        parts.meteors(WALLET, before, read);
        parts.meteors(WALLET, before, read);
        assertThat(read.calls).hasValue(1);

        // shower 43 closes: the list changes, so the meteors are read again (and again, until it settled)
        UnclosedShowers after = unclosed(now.get(), 44);
        read.next = meteors(42, 43);
        assertThat(shown(parts.meteors(WALLET, after, read))).extracting(MeteorView::shower).containsExactly(42, 43);
        assertThat(read.calls).hasValue(2);

        advance(CaveParts.SETTLE.plus(TTL));
        parts.meteors(WALLET, after, read);
        parts.meteors(WALLET, after, read);
        assertThat(read.calls).hasValue(3);
        advance(CaveParts.MAX_LIFE);
        parts.meteors(WALLET, after, read);
        assertThat(read.calls).as("read again past the longest life").hasValue(4);
    }

    @Test
    void meteorsThatAreNotAnAnswerOfTheActiveCopyAreNotKept() {
        UnclosedShowers list = unclosed(now.get(), 44);
        advance(CaveParts.SETTLE.plus(TTL));
        Answer stale = meteors(42);
        Read read = new Read(new Answer(200, stale.body(), SELF, true, "no-store", null, stale.etag(), stale.value()));
        parts.meteors(WALLET, list, read);
        read.next = Answer.error(503, "unavailable", "rebalancing", SELF);
        parts.meteors(WALLET, list, read);
        parts.meteors(WALLET, list, read);
        assertThat(read.calls).hasValue(3);
    }

    @Test
    void aLiveStandingIsKeptWhileTheShowerCountsNothingNewAndReadAgainWhenItDoes() {
        Read fresh = new Read(standing("9000000"));
        Read cached = new Read(standing("1"));
        parts.standing(44, WALLET, counts("OPEN", 5), fresh, cached);
        Future<Answer> again = parts.standing(44, WALLET, counts("CLOSING", 5), fresh, cached);
        assertThat(again.result().value(WalletStanding.class).orElseThrow().amount()).isEqualTo("9000000");
        assertThat(fresh.calls).as("closing changes no ranking").hasValue(1);

        fresh.next = standing("12000000");
        Future<Answer> moved = parts.standing(44, WALLET, counts("CLOSING", 6), fresh, cached);
        assertThat(moved.result().value(WalletStanding.class).orElseThrow().amount()).isEqualTo("12000000");
        assertThat(fresh.calls).hasValue(2);
        assertThat(cached.calls).hasValue(0);
    }

    @Test
    void noContributionIsKeptLikeAStandingButAPeersAnswerIsReadEveryTime() {
        Read none = new Read(Answer.error(404, "not_found", "no contribution", SELF));
        Read unused = new Read(standing("1"));
        parts.standing(44, WALLET, counts("OPEN", 5), none, unused);
        assertThat(parts.standing(44, WALLET, counts("OPEN", 5), none, unused).result().status()).isEqualTo(404);
        assertThat(none.calls).hasValue(1);

        Read peer = new Read(Answer.error(404, "not_found", "no contribution", PEER));
        parts.standing(43, WALLET, counts("OPEN", 5), peer, unused);
        parts.standing(43, WALLET, counts("OPEN", 5), peer, unused);
        assertThat(peer.calls).hasValue(2);
    }

    @Test
    void withoutTheShowersCountsTheCachedStandingIsUsed() {
        Read fresh = new Read(standing("9000000"));
        Read cached = new Read(standing("7000000"));
        Future<Answer> s = parts.standing(44, WALLET, null, fresh, cached);
        assertThat(s.result().value(WalletStanding.class).orElseThrow().amount()).isEqualTo("7000000");
        assertThat(fresh.calls).hasValue(0);
    }

    @Test
    void theUnclosedShowersKeepTheTimeTheirListWasFirstSeen() {
        UnclosedShowers first = unclosed(100, 43, 44);
        assertThat(unclosed(200, 43, 44).after(first).sinceNanos()).isEqualTo(100);
        assertThat(unclosed(200, 44).after(first).sinceNanos()).isEqualTo(200);
        assertThat(unclosed(300, 44).after(null).sinceNanos()).isEqualTo(300);
    }

    @Test
    void partsKeepTheirValuesAndEncodeAsBefore() {
        Answer m = meteors(42);
        assertThat(m.body().toString()).isEqualTo("[{\"shower\":42,\"rank\":1,\"tier\":\"gold\",\"contribution\":\"8000000\"}]");
        Answer u = Answer.part(unclosed(1, 43, 44), SELF, Answer.SHORT);
        assertThat(u.body().toString()).isEqualTo("[43,44]");
        assertThat(u.value(ClosedMeteors.class)).isEmpty();
        Answer peer = new Answer(200, m.body(), PEER, false, Answer.SHORT, null, m.etag(), null);
        assertThat(peer.value(ClosedMeteors.class)).isEmpty();
        assertThat(ShowerCounts.from(Answer.ok(Json.encode(Map.of("shower", 44, "status", "OPEN", "wallets", 10, "eligibleWallets", 8,
                "raised", "1000", "transfers", 5)), PEER, false, Answer.SHORT))).isEqualTo(counts("OPEN", 5));
    }
}
