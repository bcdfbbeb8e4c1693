package dev.starfall.bench.pipeline;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.starfall.bench.BenchContext;
import dev.starfall.bench.Child;
import dev.starfall.schemas.Topics;

/** Runs {@link BaselineMain} in its own JVM over the transfers topic and reads its rate. */
final class Baseline {

    /** The result line, whole: the child's stdout reaches its log file in buffer-sized pieces, so a line can be read half written. */
    static final Pattern LINE = Pattern.compile("BASELINE (\\d+) ([0-9.]+)\\R");

    /** Records per second and peak RSS of one baseline run. */
    record Result(double recordsPerSecond, double rssMiB) {
    }

    /**
     * JVM options of the baseline: the JVM's own JIT settings, as in every earlier round, so the
     * reference the ratios divide by stays the same while the pipeline's options change: a plain
     * aggregate over 1 M records is over in about 25 s, much of it JIT warm-up, which the image's
     * thresholds ({@link BenchContext#JIT}) change.
     */
    static final List<String> JVM = List.of("-Xmx1g", "-XX:+UseParallelGC");

    private Baseline() {
    }

    static double recordsPerSecond(BenchContext ctx, String name, String bootstrap, long records, Path stateDir) throws Exception {
        return run(ctx, name, bootstrap, records, stateDir).recordsPerSecond();
    }

    /** The plain aggregate over the first {@code records} of the transfers topic, under application id {@code name}. */
    static Result run(BenchContext ctx, String name, String bootstrap, long records, Path stateDir) throws Exception {
        try (Child baseline = Child.start(name, ctx.logs(), Optional.empty(), JVM, BaselineMain.class.getName(),
                List.of(bootstrap, Topics.TRANSFERS_OBSERVED.name(), Long.toString(records), stateDir.toString(), "bench-" + name),
                Map.of())) {
            baseline.awaitLog("BASELINE", Duration.ofMinutes(30));
            Matcher m = LINE.matcher(baseline.logText());
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (!m.find()) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("baseline did not finish: " + baseline.log());
                }
                Thread.sleep(50);
                m = LINE.matcher(baseline.logText());
            }
            return new Result(Long.parseLong(m.group(1)) / Double.parseDouble(m.group(2)), baseline.peakRssKiB() / 1024.0);
        }
    }
}
