package dev.starfall.bench.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import dev.starfall.bench.Stats;
import dev.starfall.bench.Target;
import dev.starfall.bench.Target.Verdict;
import org.junit.jupiter.api.Test;

class PipelineTargetsTest {

    private static Stats of(double... values) {
        return Stats.of(java.util.Arrays.stream(values).boxed().toList());
    }

    @Test
    void shouldJudgeTheIngestByItsMedianRateAndTheEmbeddedDefaultByItsLargestPeak() {
        List<Target> slow = IngestBench.targets(of(15_582, 15_729, 16_008), of(65.8), of(1_331, 1_335, 1_359));
        assertThat(slow.get(0).verdict()).isEqualTo(Verdict.NOT_MET);
        assertThat(slow.get(0).measured()).isEqualTo("15,729 transfers/s (ingest phase 65.8 s)");
        assertThat(slow.get(1).verdict()).isEqualTo(Verdict.MET);

        List<Target> fast = IngestBench.targets(of(60_000, 66_667, 90_000), of(15.0), of(1_000, 1_536));
        assertThat(fast.get(0).verdict()).isEqualTo(Verdict.MET);
        assertThat(fast.get(1).verdict()).as("one round at 1.5 GiB is not under it").isEqualTo(Verdict.NOT_MET);
    }

    @Test
    void shouldAddTheEmbeddedDefaultsExtraJvmOptionsAfterItsOwn() {
        assertThat(IngestBench.embeddedJvm(null)).isEqualTo(IngestBench.EMBEDDED_JVM);
        assertThat(IngestBench.embeddedJvm("  ")).isEqualTo(IngestBench.EMBEDDED_JVM);
        List<String> jvm = IngestBench.embeddedJvm(" -XX:FreqInlineSize=100\t -Dx=y ");
        assertThat(jvm).startsWith(IngestBench.EMBEDDED_JVM.toArray(String[]::new)).endsWith("-XX:FreqInlineSize=100", "-Dx=y")
                .hasSize(IngestBench.EMBEDDED_JVM.size() + 2);
    }

    private static RestartBench.History history(long events, double restart, double fresh, double mib) {
        return new RestartBench.History(events, of(restart), of(fresh), (long) (mib * 1024 * 1024));
    }

    @Test
    void shouldJudgeTheRestartWithLocalStateAtEveryHistoryOnlyWhen10MRan() {
        List<Target> all = RestartBench.targets(List.of(history(100_000, 3.74, 5.56, 25), history(1_000_000, 4.95, 10.41, 221),
                history(10_000_000, 3.52, 46.97, 1_548)));
        assertThat(all.get(0).verdict()).isEqualTo(Verdict.MET);
        assertThat(all.get(0).measured()).isEqualTo("3.74 s at 100 k, 4.95 s at 1 M, 3.52 s at 10 M");

        assertThat(RestartBench.targets(List.of(history(1_000_000, 5.0, 10, 221), history(10_000_000, 3.5, 47, 1_548))).get(0).verdict())
                .as("5 s at 1 M is not under it").isEqualTo(Verdict.NOT_MET);
        Target without10M = RestartBench.targets(List.of(history(100_000, 3.7, 5.6, 25), history(1_000_000, 4.9, 10.4, 221))).get(0);
        assertThat(without10M.verdict()).isEqualTo(Verdict.NOT_JUDGED);
        assertThat(without10M.why()).isEqualTo("10 M not run");
    }

    @Test
    void shouldJudgeTheFreshRestoreByTheBytesItRestoresAnEvent() {
        // one record a transfer: the changelogs grow one for one with the events
        Target history = RestartBench.targets(List.of(history(100_000, 3.7, 5.56, 25), history(1_000_000, 4.9, 10.41, 221),
                history(10_000_000, 3.5, 46.97, 1_548))).get(1);
        assertThat(history.verdict()).isEqualTo(Verdict.NOT_MET);
        assertThat(history.measured()).isEqualTo("5.56 s at 100 k, 10.41 s at 1 M, 46.97 s at 10 M; changelogs 262, 232, 162 bytes an event (x0.62)");

        // state that stops growing with the events: ten times the events, twice the bytes
        Target state = RestartBench.targets(List.of(history(1_000_000, 4.9, 10, 200), history(10_000_000, 3.5, 14, 400))).get(1);
        assertThat(state.verdict()).isEqualTo(Verdict.MET);

        Target one = RestartBench.targets(List.of(history(1_000_000, 4.9, 10, 200))).get(1);
        assertThat(one.verdict()).isEqualTo(Verdict.NOT_JUDGED);
        assertThat(RestartBench.targets(List.of())).isEmpty();
    }

    @Test
    void shouldJudgeFreshnessByTheMedianOfTheWindowsP99() {
        assertThat(FreshnessBench.target(of(1.2, 1.44, 2.5), 1.0).verdict()).isEqualTo(Verdict.MET);
        assertThat(FreshnessBench.target(of(1.2, 2.0, 2.5), 1.0).verdict()).isEqualTo(Verdict.NOT_MET);
        assertThat(FreshnessBench.target(of(1.2, 1.44, 2.5), 1.0).measured()).isEqualTo("p99 1.44 s (windows 1.20 to 2.50 s; poll interval 1.0 s)");
    }
}
