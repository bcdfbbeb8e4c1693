package dev.starfall.projections.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;

import dev.starfall.projections.RankedContributionsStore;
import dev.starfall.projections.domain.RankingKey;
import dev.starfall.projections.domain.ShowerTotals;
import org.junit.jupiter.api.Test;

class RankSnapshotTest {

    private static final BigInteger UST = BigInteger.valueOf(1_000_000);

    /** {@code n} distinct ranking keys of shower 3 in ranking order (the order of their bytes), with ties on amount. */
    private static List<byte[]> ranking(int n, long seed) {
        Random random = new Random(seed);
        List<byte[]> keys = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            BigInteger amount = UST.multiply(BigInteger.valueOf(1 + random.nextInt(40)));
            keys.add(new RankingKey(3, amount, 1_640_000_000_000L + random.nextInt(1000), "terra1wallet" + i).encode());
        }
        keys.sort(Arrays::compareUnsigned);
        return keys;
    }

    private static long keysBefore(List<byte[]> keys, byte[] key) {
        return keys.stream().filter(k -> Arrays.compareUnsigned(k, key) < 0).count();
    }

    @Test
    void shouldGiveEachKeyItsPositionAndDecodeTheKeyAtEachRank() {
        List<byte[]> keys = ranking(500, 1);
        RankSnapshot s = RankSnapshot.of(keys.iterator(), 7);

        assertThat(s.size()).isEqualTo(500);
        assertThat(s.builtAtNanos()).isEqualTo(7);
        assertThat(s.bytes()).isEqualTo(keys.stream().mapToLong(k -> k.length).sum() + 4L * 500);
        for (int i = 0; i < keys.size(); i++) {
            assertThat(s.rankOf(keys.get(i))).as("rank of key %d", i).isEqualTo(i + 1L);
            assertThat(s.at(i + 1L)).isEqualTo(RankingKey.decode(keys.get(i)));
        }
    }

    @Test
    void shouldRankAKeyThatIsNotInItAfterEveryKeyThatSortsBeforeIt() {
        List<byte[]> keys = ranking(300, 2);
        RankSnapshot s = RankSnapshot.of(keys.iterator(), 0);
        Random random = new Random(3);
        for (int i = 0; i < 200; i++) {
            // a wallet that topped up since the scan, or one new to the shower: its key is not in the snapshot
            byte[] key = new RankingKey(3, UST.multiply(BigInteger.valueOf(random.nextInt(60))).add(BigInteger.valueOf(random.nextInt(5))),
                    1_640_000_000_000L + random.nextInt(2000), "terra1other" + i).encode();
            assertThat(s.rankOf(key)).isEqualTo(keysBefore(keys, key) + 1);
        }
        byte[] richest = new RankingKey(3, UST.multiply(BigInteger.valueOf(1000)), 0, "terra1whale").encode();
        byte[] poorest = new RankingKey(3, BigInteger.ONE, Long.MAX_VALUE, "terra1dust").encode();
        assertThat(s.rankOf(richest)).isEqualTo(1);
        assertThat(s.rankOf(poorest)).isEqualTo(301);
    }

    @Test
    void shouldLeaveAWalletsOwnOlderKeyOutOfItsRankAfterATopUp() {
        byte[] a = new RankingKey(1, UST.multiply(BigInteger.valueOf(30)), 10, "terra1a").encode();
        byte[] b = new RankingKey(1, UST.multiply(BigInteger.valueOf(20)), 10, "terra1b").encode();
        byte[] c = new RankingKey(1, UST.multiply(BigInteger.valueOf(10)), 10, "terra1c").encode();
        RankSnapshot s = RankSnapshot.of(List.of(a, b, c).iterator(), 0);

        // c tops up to 25 UST: its new key sorts between a and b, its old one (still in the snapshot) after both
        byte[] cAfter = new RankingKey(1, UST.multiply(BigInteger.valueOf(25)), 20, "terra1c").encode();
        assertThat(s.rankOf(cAfter)).isEqualTo(2);
    }

    @Test
    void shouldBeEmptyForAShowerWithoutWallets() {
        RankSnapshot s = RankSnapshot.of(Collections.emptyIterator(), 0);

        assertThat(s.size()).isZero();
        assertThat(s.rankOf(new RankingKey(1, UST, 0, "terra1a").encode())).isEqualTo(1);
        assertThatThrownBy(() -> s.at(1)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void shouldRefuseKeysOutOfRankingOrderOrRepeated() {
        List<byte[]> keys = ranking(3, 4);
        List<byte[]> swapped = List.of(keys.get(1), keys.get(0), keys.get(2));
        List<byte[]> repeated = List.of(keys.get(0), keys.get(1), keys.get(1));

        assertThatThrownBy(() -> RankSnapshot.of(swapped.iterator(), 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("rank 2");
        assertThatThrownBy(() -> RankSnapshot.of(repeated.iterator(), 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("rank 3");
    }

    @Test
    void shouldBeCurrentOnlyWhileTheShowerCountsTheSameTransfers() {
        ShowerTotals counts = new ShowerTotals(2, 2, UST.multiply(BigInteger.valueOf(40)), 3, 0);
        RankSnapshot unknown = RankSnapshot.of(ranking(2, 5).iterator(), 0);
        RankSnapshot known = unknown.counted(counts);

        assertThat(unknown.current(counts)).as("a transfer was counted during its scan").isFalse();
        assertThat(known.counts()).isEqualTo(counts);
        assertThat(known.current(counts)).isTrue();
        assertThat(known.current(counts.withDuplicate())).as("a duplicate changes no ranking").isTrue();
        assertThat(known.current(counts.withLate())).as("a late transfer changes no ranking").isTrue();
        assertThat(known.current(counts.asClosed())).as("closing changes no ranking").isTrue();
        assertThat(known.current(new ShowerTotals(2, 2, UST.multiply(BigInteger.valueOf(41)), 4, 0))).isFalse();
        assertThat(known.current(null)).isFalse();
    }

    @Test
    void shouldApplyMovesAsAScanOfTheMovedRankingWouldReadIt() {
        Random random = new Random(11);
        List<byte[]> start = ranking(300, 4);
        TreeSet<byte[]> now = new TreeSet<>(Arrays::compareUnsigned);
        now.addAll(start);
        Map<String, byte[]> byWallet = new HashMap<>();
        start.forEach(k -> byWallet.put(RankingKey.decode(k).wallet(), k));
        RankSnapshot s = RankSnapshot.of(start.iterator(), 0);
        int wallets = 300;
        for (int batch = 0; batch < 60; batch++) {
            List<byte[]> removed = new ArrayList<>();
            List<byte[]> added = new ArrayList<>();
            for (int m = random.nextInt(25); m > 0; m--) {
                // a top-up (the same wallet, a larger amount: an earlier key) or a wallet new to the shower
                String wallet = random.nextInt(4) == 0 ? "terra1wallet" + wallets++ : "terra1wallet" + random.nextInt(wallets);
                byte[] before = byWallet.get(wallet);
                BigInteger amount = (before == null ? BigInteger.ZERO : RankingKey.decode(before).amount())
                        .add(UST.multiply(BigInteger.valueOf(random.nextInt(3)))).add(BigInteger.valueOf(1 + random.nextInt(1000)));
                byte[] after = new RankingKey(3, amount, 1_640_000_000_000L + batch, wallet).encode();
                removed.add(before);
                added.add(after);
                if (before != null) {
                    now.remove(before);
                }
                now.add(after);
                byWallet.put(wallet, after);
            }
            s = s.moved(new RankedContributionsStore.Moves(removed, added, null), batch + 1);

            RankSnapshot scanned = RankSnapshot.of(now.iterator(), 0);
            assertThat(s).as("batch %d", batch).isNotNull();
            assertThat(s.size()).isEqualTo(now.size());
            assertThat(s.bytes()).isEqualTo(scanned.bytes());
            assertThat(s.builtAtNanos()).isEqualTo(batch + 1);
            long rank = 0;
            for (byte[] key : now) {
                rank++;
                assertThat(s.rankOf(key)).isEqualTo(rank);
                assertThat(s.at(rank)).isEqualTo(RankingKey.decode(key));
            }
        }
    }

    @Test
    void shouldRefuseMovesThatDoNotFitItsRanking() {
        List<byte[]> keys = ranking(20, 5);
        RankSnapshot s = RankSnapshot.of(keys.iterator(), 0);
        byte[] absent = new RankingKey(3, UST.multiply(BigInteger.valueOf(1000)), 1L, "terra1absent").encode();
        List<byte[]> none = new ArrayList<>();
        none.add(null);

        assertThat(s.moved(new RankedContributionsStore.Moves(List.of(absent), none, null), 1)).as("removes what it does not hold").isNull();
        assertThat(s.moved(new RankedContributionsStore.Moves(none, List.of(keys.get(3)), null), 1)).as("adds what it holds").isNull();
        assertThat(s.moved(new RankedContributionsStore.Moves(List.of(keys.get(3), keys.get(3)), List.of(absent, absent), null), 1))
                .as("removes one entry twice").isNull();
        RankSnapshot cancelled = s.moved(new RankedContributionsStore.Moves(Arrays.asList(null, absent), Arrays.asList(absent, null), null), 1);
        assertThat(cancelled.size()).as("added, then removed").isEqualTo(20);
        assertThat(cancelled.rankOf(keys.get(19))).isEqualTo(20);
    }
}
