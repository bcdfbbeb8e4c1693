package dev.starfall.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

class TargetTest {

    private static final Section READS = new Section("1. Gateway reads", "reads body\n",
            List.of(Target.judged("cached at least 0.85", "0.918", true), Target.judged("leaderboard 100,000 req/s", "39,208 req/s", false)));
    private static final Section RESTART = new Section("3. Restart to ready", "restart body\n",
            List.of(Target.notJudged("(a) under 5 s at 10 M", "4.95 s at 1 M", "10 M not run")));

    @Test
    void shouldListEverySectionsVerdictsUnderItsNumber() {
        String table = Target.table(List.of(READS, RESTART), false);

        assertThat(table).startsWith("## Targets\n\n");
        assertThat(table).contains("| section | target | this run | met |\n|---|---|---|---|\n"
                + "| 1 | cached at least 0.85 | 0.918 | yes |\n"
                + "| 1 | leaderboard 100,000 req/s | 39,208 req/s | **no** |\n"
                + "| 3 | (a) under 5 s at 10 M | 4.95 s at 1 M | not judged: 10 M not run |\n");
    }

    @Test
    void shouldJudgeNothingInAQuickRun() {
        String table = Target.table(List.of(READS), true);

        assertThat(table).contains("quick run").contains("| 1 | cached at least 0.85 | 0.918 | not judged (quick run) |\n")
                .doesNotContain("| yes |").doesNotContain("**no**");
    }

    @Test
    void shouldSaySoWhenNoSectionHasATarget() {
        Section failed = new Section("ingest", "Failed: `java.lang.IllegalStateException`.\n");

        assertThat(Target.table(List.of(failed), false)).isEqualTo("## Targets\n\nNo benchmark of this run has a target, or none finished.\n\n");
        assertThat(Target.table(List.of(), false)).contains("No benchmark");
    }

    @Test
    void shouldPutTheTargetsBetweenTheHeaderAndTheSections() {
        String report = Bench.report("# Benchmark report\n\n", List.of(READS, RESTART), false);

        assertThat(report).startsWith("# Benchmark report\n\n## Targets\n\n");
        assertThat(report.indexOf("| 3 | (a)")).isLessThan(report.indexOf("## 1. Gateway reads\n\nreads body\n"));
        assertThat(report.indexOf("## 1. Gateway reads")).isLessThan(report.indexOf("## 3. Restart to ready\n\nrestart body\n"));
    }

    @Test
    void shouldTakeTheSectionNumberFromItsTitle() {
        assertThat(new Section("3. Restart to ready (and 6. memory of a serving instance)", "").number()).isEqualTo("3");
        assertThat(new Section("ingest", "").number()).isEqualTo("ingest");
        assertThat(new Section("v2. Something", "").number()).isEqualTo("v2. Something");
    }
}
