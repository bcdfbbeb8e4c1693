package dev.starfall.projections.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.api.Test;

/** Fixed vectors computed independently (Python hmac/hashlib) from the algorithm in EGGS.md. */
class EggDrawTest {

    static final byte[] SEED = HexFormat.of().parseHex("5eed".repeat(16));
    static final String COMMITMENT = "f9fa5c699354e46a448f75765ae99bf06741d541ab6c337c0f3722850adbb136";

    private static List<EggDraw.Candidate> five() {
        List<EggDraw.Candidate> c = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            c.add(new EggDraw.Candidate("w" + i, i, BigInteger.valueOf((6 - i) * 10_000_000L)));
        }
        return c;
    }

    private static List<String> wallets(List<EggDraw.Winner> winners) {
        return winners.stream().map(w -> w.candidate().wallet()).toList();
    }

    @Test
    void shouldHashTheRoundMessageWithHmacSha256() {
        assertThat(HexFormat.of().formatHex(EggDraw.roundHash(SEED, 7, "rare", 0)))
                .isEqualTo("7f8a9da334a0eb3cc05e8e28ea9d29dafd071f29cf957321b7540c49a5273726");
    }

    @Test
    void shouldReproduceTheFixedVectors() {
        assertThat(wallets(EggDraw.draw(SEED, 7, "rare", five(), 2))).containsExactly("w2", "w1");
        assertThat(wallets(EggDraw.draw(SEED, 7, "rare", five(), 4))).containsExactly("w2", "w1", "w3", "w4");
        assertThat(EggDraw.draw(SEED, 7, "rare", five(), 4)).extracting(EggDraw.Winner::round).containsExactly(0, 1, 2, 3);
    }

    @Test
    void shouldGiveEveryWalletAnEggWhenTheTierHasNoMoreWalletsThanEggs() {
        assertThat(wallets(EggDraw.draw(SEED, 7, "rare", five(), 5))).containsExactly("w1", "w2", "w3", "w4", "w5");
        assertThat(wallets(EggDraw.draw(SEED, 7, "rare", five(), 101))).hasSize(5);
        assertThat(EggDraw.draw(SEED, 7, "rare", List.of(), 10)).isEmpty();
        assertThat(EggDraw.draw(SEED, 7, "rare", five(), 0)).isEmpty();
    }

    @Test
    void shouldDrawWithoutReplacementAndDependOnSeedShowerAndTier() {
        Random random = new Random(7);
        for (int i = 0; i < 200; i++) {
            List<EggDraw.Candidate> c = new ArrayList<>();
            int n = 1 + random.nextInt(40);
            for (int k = 0; k < n; k++) {
                c.add(new EggDraw.Candidate("w" + k, k + 1, BigInteger.valueOf(8_000_000L + random.nextInt(1_000_000_000))));
            }
            int eggs = random.nextInt(n + 3);
            List<EggDraw.Winner> winners = EggDraw.draw(SEED, 1 + random.nextInt(44), "common", c, eggs);
            Set<String> distinct = new HashSet<>(wallets(winners));
            assertThat(winners).hasSize(Math.min(eggs, n));
            assertThat(distinct).hasSize(winners.size());
        }
        assertThat(wallets(EggDraw.draw(SEED, 8, "rare", five(), 2))).isNotEqualTo(wallets(EggDraw.draw(SEED, 7, "rare", five(), 2)))
                .as("another shower draws independently (for this seed)");
    }

    @Test
    void shouldFavourLargerContributions() {
        // w1 weighs 1000x w2: over many seeds it wins the single egg far more often
        List<EggDraw.Candidate> c = List.of(new EggDraw.Candidate("big", 1, BigInteger.valueOf(8_000_000_000L)),
                new EggDraw.Candidate("small", 2, BigInteger.valueOf(8_000_000L)));
        int big = 0;
        for (int i = 0; i < 200; i++) {
            if (EggDraw.draw(BigInteger.valueOf(i).toByteArray(), 1, "legendary", c, 1).get(0).candidate().wallet().equals("big")) {
                big++;
            }
        }
        assertThat(big).isGreaterThan(190);
    }

    @Test
    void shouldAcceptOnlyTheCommittedSeed() {
        assertThat(EggSeed.check("5eed".repeat(16), COMMITMENT).accepted()).isTrue();
        assertThat(EggSeed.check("5EED".repeat(16), COMMITMENT).seed()).isEqualTo(SEED);
        assertThat(EggSeed.check("5eed".repeat(15), COMMITMENT).rejection().name()).isEqualTo("COMMITMENT_MISMATCH");
        assertThat(EggSeed.check("xyz", COMMITMENT).rejection().name()).isEqualTo("MALFORMED_SEED");
        assertThat(EggSeed.check("abc", COMMITMENT).rejection().name()).isEqualTo("MALFORMED_SEED");
        assertThat(EggSeed.check("5eed".repeat(16), null).rejection().name()).isEqualTo("NO_COMMITMENT");
    }
}
