package dev.starfall.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class BenchTest {

    @Test
    void shouldTakeRoundsOfAtLeastOne() {
        assertThat(Bench.atLeastOne("1", "--rounds")).isEqualTo(1);
        assertThat(Bench.atLeastOne("3", "--rounds")).isEqualTo(3);
    }

    /** Zero rounds would measure nothing: every figure is min / median / max over the rounds (Stats refuses none). */
    @Test
    void shouldRefuseRoundsThatMeasureNothing() {
        for (String bad : new String[] {"0", "-2", "three", ""}) {
            assertThatThrownBy(() -> Bench.atLeastOne(bad, "--rounds")).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("--rounds must be a whole number of at least 1, got '" + bad + "'");
        }
    }
}
