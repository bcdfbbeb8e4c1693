package dev.starfall.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import dev.starfall.projections.CaveVersions;
import dev.starfall.projections.query.MeteorView;
import dev.starfall.projections.query.WalletStanding;
import io.vertx.core.Future;
import org.junit.jupiter.api.Test;

class CavePartsTest {

    private static final String SELF = "127.0.0.1:8080";
    private static final String PEER = "127.0.0.1:8082";
    private static final String WALLET = "terra1wallet";

    private final CaveVersions versions = new CaveVersions(6);
    private final CaveParts parts = new CaveParts(SELF, 100, versions);

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

    /** Closed meteors as read here from cave partition {@code partition} at its current version. */
    private Answer readHere(int partition, int... showers) {
        List<MeteorView> list = new java.util.ArrayList<>();
        for (int s : showers) {
            list.add(new MeteorView(s, 1, "gold", "8000000"));
        }
        return Answer.part(new ClosedMeteors(list, partition, versions.version(partition)), SELF, Answer.SHORT);
    }

    private static List<Integer> showersOf(Future<Answer> a) {
        return a.result().value(ClosedMeteors.class).orElseThrow().meteors().stream().map(MeteorView::shower).toList();
    }

    private static Answer standing(String amount) {
        return Answer.part(new WalletStanding(44, WALLET, amount, 1, 0, 0, 3, true, "gold"), SELF, Answer.SHORT);
    }

    private static ShowerCounts counts(String status, long transfers) {
        return new ShowerCounts(status, 10, 8, "1000", transfers);
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
    void aStandbysOrAPeersStandingOrAFailedReadIsNeverKept() {
        Answer live = standing("9000000");
        Read standby = new Read(new Answer(200, live.body(), SELF, true, "no-store", null, live.etag(), live.value()));
        Read peer = new Read(new Answer(200, live.body(), PEER, false, Answer.SHORT, null, live.etag(), null));
        Read unavailable = new Read(Answer.error(503, "unavailable", "rebalancing", SELF));
        Read unused = new Read(standing("1"));
        for (Read read : List.of(standby, peer, unavailable)) {
            parts.standing(44, WALLET, counts("OPEN", 5), read, unused);
            parts.standing(44, WALLET, counts("OPEN", 5), read, unused);
            assertThat(read.calls).hasValue(2);
        }
        assertThat(parts.size()).isZero();
        assertThat(unused.calls).hasValue(0);
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
    void partsKeepTheirValuesAndEncodeAsBefore() {
        Answer m = meteors(42);
        assertThat(m.body().toString()).isEqualTo("[{\"shower\":42,\"rank\":1,\"tier\":\"gold\",\"contribution\":\"8000000\"}]");
        Answer u = Answer.part(new UnclosedShowers(List.of(43, 44)), SELF, Answer.SHORT);
        assertThat(u.body().toString()).isEqualTo("[43,44]");
        assertThat(u.value(ClosedMeteors.class)).isEmpty();
        Answer peer = new Answer(200, m.body(), PEER, false, Answer.SHORT, null, m.etag(), null);
        assertThat(peer.value(ClosedMeteors.class)).isEmpty();
        assertThat(ShowerCounts.from(Answer.ok(Json.encode(Map.of("shower", 44, "status", "OPEN", "wallets", 10, "eligibleWallets", 8,
                "raised", "1000", "transfers", 5)), PEER, false, Answer.SHORT))).isEqualTo(counts("OPEN", 5));
    }

    @Test
    void closedMeteorsReadHereAreKeptUntilTheirCavePartitionChanges() {
        Read fresh = new Read(readHere(3, 41));
        assertThat(showersOf(parts.closedMeteors(WALLET, fresh))).containsExactly(41);
        assertThat(showersOf(parts.closedMeteors(WALLET, fresh))).containsExactly(41);
        assertThat(fresh.calls).as("nothing changed the partition").hasValue(1);

        versions.changed(4);
        parts.closedMeteors(WALLET, fresh);
        assertThat(fresh.calls).as("another partition changed").hasValue(1);

        versions.changed(3);
        fresh.next = readHere(3, 41, 42);
        assertThat(showersOf(parts.closedMeteors(WALLET, fresh))).containsExactly(41, 42);
        assertThat(showersOf(parts.closedMeteors(WALLET, fresh))).containsExactly(41, 42);
        assertThat(fresh.calls).hasValue(2);

        versions.changedAll();
        parts.closedMeteors(WALLET, fresh);
        assertThat(fresh.calls).as("a state change of the Streams client").hasValue(3);
    }

    @Test
    void aReadOverlappingAWriteIsNotKeptPastIt() {
        // the version is noted before the read; a write during the read moves it, so the next renewal reads again
        Answer during = readHere(3, 41);
        versions.changed(3);
        Read fresh = new Read(during);
        parts.closedMeteors(WALLET, fresh);
        fresh.next = readHere(3, 41, 42);
        assertThat(showersOf(parts.closedMeteors(WALLET, fresh))).containsExactly(41, 42);
        assertThat(fresh.calls).hasValue(2);
    }

    @Test
    void closedMeteorsOfAPeerAStandbyAnUntrackedReadOrAFailureAreNeverKept() {
        Answer here = readHere(3, 41);
        Read standby = new Read(new Answer(200, here.body(), SELF, true, "no-store", null, here.etag(), here.value()));
        Read peer = new Read(new Answer(200, here.body(), PEER, false, Answer.SHORT, null, here.etag(), null));
        Read untracked = new Read(meteors(41));
        Read unavailable = new Read(Answer.error(503, "unavailable", "rebalancing", SELF));
        for (Read read : List.of(standby, peer, untracked, unavailable)) {
            parts.closedMeteors(WALLET, read);
            parts.closedMeteors(WALLET, read);
            assertThat(read.calls).hasValue(2);
        }
        assertThat(parts.size()).isZero();
        assertThat(new CaveVersions(6).unchangedSince(7, CaveVersions.UNTRACKED)).isFalse();
        assertThat(CaveVersions.untracked().version(0)).isEqualTo(CaveVersions.UNTRACKED);
    }

    @Test
    void aCaveIsCombinedAgainOnlyWhenOneOfItsPartAnswersIsANewOne() {
        Answer closed = readHere(3, 41);
        Answer live = standing("9000000");
        AtomicInteger combined = new AtomicInteger();
        Supplier<Answer> combine = () -> Answer.ok(Json.encode(Map.of("n", combined.incrementAndGet())), SELF, false, Answer.SHORT);

        Answer first = parts.cave(WALLET, closed, List.of(live), combine);
        assertThat(parts.cave(WALLET, closed, List.of(live), combine)).isSameAs(first);
        assertThat(combined).hasValue(1);

        // an equal but new part (a peer's, or a new read) is combined again
        Answer readAgain = standing("9000000");
        assertThat(parts.cave(WALLET, closed, List.of(readAgain), combine)).isNotSameAs(first);
        assertThat(parts.cave(WALLET, readHere(3, 41), List.of(readAgain), combine).body().toString()).isEqualTo("{\"n\":3}");
        assertThat(parts.cave(WALLET, closed, List.of(), combine).body().toString()).isEqualTo("{\"n\":4}");
        assertThat(parts.cave("terra1other", closed, List.of(), combine).body().toString()).isEqualTo("{\"n\":5}");

        Supplier<Answer> failing = () -> Answer.error(503, "unavailable", "rebalancing", SELF);
        parts.cave("terra1third", closed, List.of(), failing);
        assertThat(parts.cave("terra1third", closed, List.of(), combine).status()).as("a failed cave is not kept").isEqualTo(200);
    }
}
