package dev.starfall.bench.reads;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.starfall.bench.Stats;
import dev.starfall.bench.Target;
import org.junit.jupiter.api.Test;

class ReadsTargetsTest {

    private static Stats of(double... values) {
        return Stats.of(java.util.Arrays.stream(values).boxed().toList());
    }

    @Test
    void shouldMeetTheCachedTargetOnlyWhenEveryEndpointsMedianReachesIt() {
        Map<String, Stats> ratios = new LinkedHashMap<>();
        ratios.put("leaderboard top 100", of(0.963, 1.047, 1.049));
        ratios.put("cave", of(0.60, 0.85, 0.978));
        List<Target> met = ReadsBench.targets(ratios, Optional.empty(), Optional.empty());

        assertThat(met).hasSize(1);
        assertThat(met.get(0).verdict()).isEqualTo(Target.Verdict.MET);
        assertThat(met.get(0).measured()).isEqualTo("leaderboard top 100 1.047, cave 0.850");

        ratios.put("shower summary", of(0.644, 0.849, 0.997));
        assertThat(ReadsBench.targets(ratios, Optional.empty(), Optional.empty()).get(0).verdict()).isEqualTo(Target.Verdict.NOT_MET);
    }

    @Test
    void shouldMeetTheLeaderboardTargetOnlyWithBothItsRateAndItsP99() {
        Map<String, Stats> none = Map.of();

        assertThat(ReadsBench.targets(none, Optional.of(of(100_000)), Optional.of(of(3.77))).get(0).verdict()).isEqualTo(Target.Verdict.MET);
        assertThat(ReadsBench.targets(none, Optional.of(of(99_999)), Optional.of(of(1.0))).get(0).verdict()).isEqualTo(Target.Verdict.NOT_MET);
        assertThat(ReadsBench.targets(none, Optional.of(of(120_000)), Optional.of(of(3.78))).get(0).verdict()).isEqualTo(Target.Verdict.NOT_MET);
        assertThat(ReadsBench.targets(none, Optional.of(of(39_000, 39_208, 61_401)), Optional.of(of(5.04))).get(0).measured())
                .startsWith("39,208 req/s, p99 5.04 ms");
    }

    @Test
    void shouldGiveNoVerdictForWhatWasNotMeasured() {
        assertThat(ReadsBench.targets(Map.of(), Optional.empty(), Optional.empty())).isEmpty();
    }
}
