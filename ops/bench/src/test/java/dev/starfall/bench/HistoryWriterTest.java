package dev.starfall.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

class HistoryWriterTest {

    @Test
    void shouldGiveEachTransactionADistinctHashInNoOrderOfItsSequence() {
        List<String> hashes = new ArrayList<>();
        for (long sequence = 0; sequence < 100_000; sequence++) {
            hashes.add(HistoryWriter.txHash(sequence));
        }
        assertThat(hashes).allMatch(h -> h.matches("[0-9A-F]{64}"));
        Set<String> distinct = new HashSet<>(hashes);
        assertThat(distinct).hasSize(hashes.size());
        assertThat(HistoryWriter.txHash(41)).isEqualTo(hashes.get(41));
        // a chain's hashes are random: about half of consecutive transactions' hashes sort backwards
        long backwards = 0;
        for (int i = 1; i < hashes.size(); i++) {
            if (hashes.get(i).compareTo(hashes.get(i - 1)) < 0) {
                backwards++;
            }
        }
        assertThat(backwards).isBetween(45_000L, 55_000L);
    }
}
