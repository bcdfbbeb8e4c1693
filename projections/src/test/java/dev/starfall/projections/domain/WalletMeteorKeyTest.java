package dev.starfall.projections.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.apache.kafka.common.utils.Bytes;
import org.junit.jupiter.api.Test;

class WalletMeteorKeyTest {

    @Test
    void shouldDecodeWhatItEncodes() {
        for (WalletMeteorKey key : List.of(new WalletMeteorKey("terra1abc", 7), new WalletMeteorKey("", 0),
                new WalletMeteorKey("wället", Integer.MAX_VALUE))) {
            assertThat(WalletMeteorKey.decode(key.encode())).isEqualTo(key);
        }
    }

    @Test
    void shouldStartEveryKeyOfAWalletWithItsPrefixAndNoKeyOfAWalletItPrefixes() {
        byte[] prefix = WalletMeteorKey.walletPrefix("w1");
        assertThat(startsWith(new WalletMeteorKey("w1", 3).encode(), prefix)).isTrue();
        assertThat(startsWith(new WalletMeteorKey("w10", 3).encode(), prefix)).as("a longer wallet has another length").isFalse();
        assertThat(startsWith(new WalletMeteorKey("w", 0x3100).encode(), prefix)).as("nor a shorter one whose shower spells the rest")
                .isFalse();
    }

    @Test
    void shouldOrderAWalletsKeysByShowerAsBytes() {
        List<Integer> showers = List.of(300, 1, 44, 70_000, 2);
        List<Bytes> keys = new ArrayList<>();
        showers.forEach(s -> keys.add(Bytes.wrap(new WalletMeteorKey("terra1x", s).encode())));
        keys.sort(null); // RocksDB's bytewise order
        assertThat(keys).extracting(k -> WalletMeteorKey.decode(k.get()).shower()).containsExactly(1, 2, 44, 300, 70_000);
    }

    @Test
    void shouldRefuseAWalletLongerThanAKeyHoldsAndAKeyOfAnotherLayout() {
        String huge = "x".repeat(WalletMeteorKey.MAX_WALLET_BYTES + 1);
        assertThatThrownBy(() -> new WalletMeteorKey(huge, 1).encode()).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("longer than a key holds");
        assertThatThrownBy(() -> WalletMeteorKey.decode(new byte[] {0, 9, 'a', 0, 0, 0, 1})).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a wallet meteor key");
    }

    private static boolean startsWith(byte[] bytes, byte[] prefix) {
        return bytes.length >= prefix.length && Arrays.equals(bytes, 0, prefix.length, prefix, 0, prefix.length);
    }
}
