package dev.starfall.projections;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;

import dev.starfall.projections.domain.ShowerWallet;
import org.junit.jupiter.api.Test;

class WrittenKeysTest {

    @Test
    void shouldFindEveryKeyAddedAndFewOthersAtAPartitionsSize() {
        WrittenKeys keys = new WrittenKeys();
        int added = 550_000;
        for (int i = 0; i < added; i++) {
            keys.add(key(i));
        }
        for (int i = 0; i < added; i++) {
            assertThat(keys.mightContain(key(i))).as("key %d", i).isTrue();
        }
        int taken = 0;
        int unseen = 200_000;
        for (int i = added; i < added + unseen; i++) {
            if (keys.mightContain(key(i))) {
                taken++;
            }
        }
        // about one in 350 expected (2.8 per thousand): bound at twice that
        assertThat(taken).isLessThan(unseen * 56 / 10_000);
    }

    @Test
    void shouldFindNothingWhenEmptyAndTellKeysApartByEveryByte() {
        WrittenKeys keys = new WrittenKeys(1 << 16);
        assertThat(keys.mightContain(key(1))).isFalse();
        byte[] a = "terra1abc".getBytes(StandardCharsets.UTF_8);
        byte[] b = "terra1abd".getBytes(StandardCharsets.UTF_8);
        assertThat(WrittenKeys.hash(a)).isNotEqualTo(WrittenKeys.hash(b));
        keys.add(a);
        assertThat(keys.mightContain(a)).isTrue();
        assertThat(keys.mightContain(b)).isFalse();
    }

    @Test
    void shouldRefuseASizeThatIsNotAPowerOfTwo() {
        assertThatThrownBy(() -> new WrittenKeys(1000)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new WrittenKeys(32)).isInstanceOf(IllegalArgumentException.class);
    }

    /** Keys as the contributions store's: a shower and a wallet address. */
    private static byte[] key(int i) {
        return new ShowerWallet(1 + i % 44, "terra1" + Integer.toString(i * 7919, 36) + "x" + i).encode();
    }
}
