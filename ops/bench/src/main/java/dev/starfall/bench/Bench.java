package dev.starfall.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The benchmark suite: {@code ops/bench/run [names...] [--quick] [--rounds N] [--out FILE]}. Runs
 * each named benchmark (all by default), each against real services in child JVMs, and writes one
 * Markdown report with the machine and every figure as min / median / max of repeated runs, beside
 * a ratio to a baseline measured in the same run. Benchmarks are not tests: a figure below its
 * target is reported, never failed.
 */
public final class Bench {

    private Bench() {
    }

    /** Every benchmark in report order. */
    static Map<String, Benchmark> all() {
        Map<String, Benchmark> m = new LinkedHashMap<>();
        for (Benchmark b : List.<Benchmark>of(new dev.starfall.bench.reads.ReadsBench(), new dev.starfall.bench.pipeline.IngestBench(),
                new dev.starfall.bench.pipeline.RestartBench(), new dev.starfall.bench.pipeline.FreshnessBench())) {
            m.put(b.name(), b);
        }
        return m;
    }

    public static void main(String[] args) throws Exception {
        Map<String, Benchmark> known = all();
        List<String> names = new ArrayList<>();
        boolean quick = false;
        int rounds = 5;
        long minHistory = 0;
        long maxHistory = Long.MAX_VALUE;
        Path out = Path.of("ops/bench/REPORT.md");
        Path work = Path.of("ops/bench/target/work");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--quick" -> quick = true;
                case "--rounds" -> rounds = atLeastOne(value(args, ++i, "--rounds"), "--rounds");
                case "--min-history" -> minHistory = Long.parseLong(value(args, ++i, "--min-history").replace("_", ""));
                case "--max-history" -> maxHistory = Long.parseLong(value(args, ++i, "--max-history").replace("_", ""));
                case "--out" -> out = Path.of(value(args, ++i, "--out"));
                case "--work" -> work = Path.of(value(args, ++i, "--work"));
                case "-h", "--help" -> {
                    System.out.println(usage(known));
                    return;
                }
                default -> {
                    if (!known.containsKey(args[i])) {
                        System.err.println("unknown benchmark or option '" + args[i] + "'\n\n" + usage(known));
                        System.exit(2);
                    }
                    names.add(args[i]);
                }
            }
        }
        if (names.isEmpty()) {
            names.addAll(known.keySet());
        }
        BenchContext ctx = new BenchContext(work.toAbsolutePath(), work.resolve("logs").toAbsolutePath(), quick, rounds, minHistory, maxHistory, System.out);
        Files.createDirectories(ctx.logs());
        String header = header(quick, rounds);
        List<Section> done = new ArrayList<>();
        for (String name : names) {
            ctx.say("== " + name);
            long start = System.nanoTime();
            Section s;
            try {
                s = known.get(name).run(ctx);
            } catch (Exception | Error e) {
                s = new Section(name, "Failed: `" + e + "`. Logs under `" + ctx.logs() + "`.\n");
                e.printStackTrace(System.out);
            }
            done.add(s);
            ctx.say(String.format(Locale.ROOT, "== %s done in %.0f s", name, (System.nanoTime() - start) / 1e9));
            write(out, report(header, done, quick));
        }
        ctx.say("report: " + out.toAbsolutePath());
    }

    /** The header, the table of every finished section's targets, then the sections in the order they ran. */
    static String report(String header, List<Section> sections, boolean quick) {
        StringBuilder report = new StringBuilder(header).append(Target.table(sections, quick));
        for (Section s : sections) {
            report.append("## ").append(s.title()).append("\n\n").append(s.markdown()).append('\n');
        }
        return report.toString();
    }

    private static void write(Path out, CharSequence report) throws IOException {
        if (out.getParent() != null) {
            Files.createDirectories(out.getParent());
        }
        Files.writeString(out, report, StandardCharsets.UTF_8);
    }

    private static String value(String[] args, int i, String name) {
        if (i >= args.length) {
            throw new IllegalArgumentException(name + " needs a value");
        }
        return args[i];
    }

    /** {@code raw} as a count of at least one; every figure is min / median / max over that many rounds. */
    static int atLeastOne(String raw, String name) {
        try {
            int n = Integer.parseInt(raw);
            if (n >= 1) {
                return n;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw new IllegalArgumentException(name + " must be a whole number of at least 1, got '" + raw + "'");
    }

    static String usage(Map<String, Benchmark> known) {
        return "usage: ops/bench/run [benchmark...] [--quick] [--rounds N] [--min-history N] [--max-history N] [--out FILE] [--work DIR]\n"
                + "benchmarks: " + String.join(", ", known.keySet()) + " (default: all)\n"
                + "  --quick    smaller sizes, to check the suite itself\n"
                + "  --rounds   repetitions of each figure (default 5)\n"
                + "  --min-history  skip restart histories smaller than N events (to run 10 M alone)\n"
                + "  --max-history  skip restart histories larger than N events (10 M takes the longest)\n"
                + "  --out      report file (default ops/bench/REPORT.md)\n";
    }

    static String header(boolean quick, int rounds) {
        Runtime rt = Runtime.getRuntime();
        return "# Benchmark report\n\n"
                + "| | |\n|---|---|\n"
                + "| date | " + Instant.now().truncatedTo(ChronoUnit.SECONDS) + " |\n"
                + "| cores | " + rt.availableProcessors() + " (" + cpuModel() + ") |\n"
                + "| memory | " + memTotal() + " |\n"
                + "| JDK | " + System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version") + " |\n"
                + "| OS | " + System.getProperty("os.name") + " " + System.getProperty("os.version") + " |\n"
                + "| sizes | " + (quick ? "quick (smoke run, smaller than the targets assume)" : "full") + ", " + rounds + " rounds |\n\n"
                + "Every figure is min / median / max over the rounds. The machine is shared and noisy, so each figure also has a "
                + "ratio to a baseline measured in the same run, which is the number to compare between runs.\n\n";
    }

    private static String cpuModel() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .map(l -> l.substring(l.indexOf(':') + 1).strip()).findFirst().orElse("unknown CPU");
        } catch (IOException e) {
            return "unknown CPU";
        }
    }

    private static String memTotal() {
        try {
            return Files.readAllLines(Path.of("/proc/meminfo")).stream().filter(l -> l.startsWith("MemTotal"))
                    .map(l -> Long.parseLong(l.replaceAll("[^0-9]", "")) / 1024 / 1024 + " GiB").findFirst().orElse("?");
        } catch (IOException e) {
            return "?";
        }
    }
}
