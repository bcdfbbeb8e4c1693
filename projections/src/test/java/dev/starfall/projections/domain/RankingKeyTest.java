package dev.starfall.projections.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

class RankingKeyTest {

    /** The ranking order of domain.md: amount descending, earlier reached-at first, then address. */
    private static final Comparator<RankingKey> RANKING = Comparator.comparingInt(RankingKey::shower)
            .thenComparing(RankingKey::amount, Comparator.reverseOrder())
            .thenComparingLong(RankingKey::reachedAt)
            .thenComparing(RankingKey::wallet);

    @Test
    void shouldSortBytesInRankingOrder() {
        Random random = new Random(42);
        List<RankingKey> keys = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            BigInteger amount = switch (random.nextInt(4)) {
                case 0 -> BigInteger.valueOf(random.nextInt(5) * 8_000_000L);
                case 1 -> new BigInteger(random.nextInt(300) + 1, random);
                case 2 -> BigInteger.ZERO;
                default -> BigInteger.valueOf(random.nextLong() & Long.MAX_VALUE);
            };
            keys.add(new RankingKey(random.nextInt(3) + 1, amount, 1_636_000_000_000L + random.nextInt(5), "terra1" + random.nextInt(50)));
        }
        List<RankingKey> byBytes = new ArrayList<>(keys);
        byBytes.sort((a, b) -> Arrays.compareUnsigned(a.encode(), b.encode()));
        List<RankingKey> byRule = new ArrayList<>(keys);
        byRule.sort(RANKING);

        assertThat(byBytes).isEqualTo(byRule);
    }

    @Test
    void shouldRoundTripAmountsBeyondUint256() {
        RankingKey big = new RankingKey(44, BigInteger.ONE.shiftLeft(300).subtract(BigInteger.ONE), 0, "w");
        RankingKey zero = new RankingKey(1, BigInteger.ZERO, -5, "terra1abc");

        assertThat(RankingKey.decode(big.encode())).isEqualTo(big);
        assertThat(RankingKey.decode(zero.encode())).isEqualTo(zero);
    }

    @Test
    void shouldPrefixEveryKeyWithItsShower() {
        byte[] key = new RankingKey(7, BigInteger.TEN, 1, "w").encode();

        assertThat(Arrays.copyOf(key, 4)).isEqualTo(RankingKey.showerPrefix(7));
    }
}
