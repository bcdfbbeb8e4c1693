package dev.starfall.bench.reads;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class WarmUpTest {

    /** The pairs a warm-up runs when its pairs keep the compilers busy as given, in turn. */
    private static List<Double> run(WarmUp w, double... compilerCores) {
        List<Double> ran = new ArrayList<>();
        for (double c : compilerCores) {
            ran.add(c);
            if (!w.again(ran.size(), c)) {
                break;
            }
        }
        return ran;
    }

    @Test
    void shouldStopAtTheFirstPairWhoseCompilersWereQuiet() {
        // the counting shower of the forty-second round: 14 %, 8 %, then about 1 % from there on
        assertThat(run(WarmUp.DEFAULT, 0.143, 0.076, 0.013, 0.013, 0.013)).containsExactly(0.143, 0.076, 0.013);
        assertThat(run(WarmUp.DEFAULT, 0.009, 0.2)).containsExactly(0.009);
    }

    @Test
    void shouldCountTheQuietBoundAsBusy() {
        assertThat(run(new WarmUp(0.02, 6), 0.02, 0.019)).containsExactly(0.02, 0.019);
    }

    @Test
    void shouldStopAtMostPairsWhateverTheCompilersDo() {
        assertThat(run(new WarmUp(0.02, 3), 0.5, 0.4, 0.3, 0.2, 0.01)).containsExactly(0.5, 0.4, 0.3);
        assertThat(run(new WarmUp(0.02, 1), 0.5, 0.01)).containsExactly(0.5);
    }

    @Test
    void shouldRefuseARuleThatCouldNeverEndOrNeverRun() {
        assertThatThrownBy(() -> new WarmUp(0, 6)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new WarmUp(Double.NaN, 6)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new WarmUp(0.02, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldSayItsRule() {
        assertThat(WarmUp.DEFAULT.describe()).isEqualTo("repeated until the server's JIT compiler threads were busy under 2 % of its core "
                + "over the pair, at most 6 pairs");
    }
}
