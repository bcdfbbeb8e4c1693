package dev.starfall.bench.pipeline;

import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.ToDoubleFunction;

import dev.starfall.bench.BenchContext;
import dev.starfall.bench.Benchmark;
import dev.starfall.bench.Child;
import dev.starfall.bench.HistoryWriter;
import dev.starfall.bench.Http;
import dev.starfall.bench.Section;
import dev.starfall.bench.Stats;
import dev.starfall.bench.Target;
import dev.starfall.bench.ThreadCpu;
import dev.starfall.embedded.LoopbackPorts;
import dev.starfall.projections.ProjectionsService;
import dev.starfall.schemas.TopicProvisioner;
import dev.starfall.schemas.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Node;

/**
 * Parts 3 and 4 (and the serving instance's share of part 6): {@code starfall serve} against a
 * broker child holding 100 k, 1 M and 10 M transfers of history (written straight to the topic).
 * (a) restart with its local state, (b) a fresh instance restoring from the changelogs, both to
 * ready; then, at 1 M, {@code starfall reset} and a full rebuild until every shower's total is
 * back. The baseline of (a) and (b) is the same instance starting on an empty history, in the same
 * run; the baseline of the rebuild is the first build of the same history. What (b) restores is
 * given too: the size of each changelog on the broker right after the first build.
 *
 * <p>Class data sharing: the first build's {@code serve} writes a dynamic AppCDS archive when it is
 * stopped ({@code -XX:ArchiveClassesAtExit}), and (a) is measured in pairs, without and with that
 * archive ({@code -XX:SharedArchiveFile}), the order swapping every round.
 */
public final class RestartBench implements Benchmark {

    /** (a): a restart with local state under 5 s at 10 M events of history. */
    static final double RESTART_TARGET_SECONDS = 5;
    static final long LARGEST_HISTORY = 10_000_000L;
    /**
     * (b), as judged here: what a fresh instance restores grows with the state, not the history,
     * when the changelogs at the largest history hold at most this share of the bytes an event that
     * they hold at the smallest.
     */
    static final double RESTORED_BYTES_AN_EVENT_TARGET = 0.5;

    @Override
    public String name() {
        return "restart";
    }

    @Override
    public Section run(BenchContext ctx) throws Exception {
        List<Long> all = ctx.quick() ? List.of(20_000L, 100_000L) : List.of(100_000L, 1_000_000L, 10_000_000L);
        List<Long> sizes = all.stream().filter(n -> n >= ctx.minHistory() && n <= ctx.maxHistory()).toList();
        List<Long> skipped = all.stream().filter(n -> n < ctx.minHistory() || n > ctx.maxHistory()).toList();
        long rebuildSize = ctx.quick() ? 100_000L : 1_000_000L;
        int rounds = Math.max(1, Math.min(ctx.rounds(), 3));
        int wallets = ctx.quick() ? 10_000 : 100_000;
        StringBuilder builds = new StringBuilder("| history | first build, s | transfers/s | baseline: plain aggregate, records/s "
                + "| ratio to baseline |\n|---|---|---|---|---|\n");
        StringBuilder table = new StringBuilder("| history | first build, s | (a) restart with local state, s | ratio to empty start "
                + "| (b) fresh instance restoring, s | ratio to empty start | state on disk, MiB | peak RSS of serve, MiB |\n"
                + "|---|---|---|---|---|---|---|---|\n");
        StringBuilder rebuild = new StringBuilder();
        StringBuilder changelogs = new StringBuilder("| history | changelog of the store | MiB | share of all |\n|---|---|---|---|\n");
        String applicationId = ProjectionsService.Settings.applicationIdFor(ctx.manifest());
        StringBuilder cpu = new StringBuilder("| history | empty start | (a) restart, no archive | (a) with the archive "
                + "| (b) fresh instance restoring |\n|---|---|---|---|---|\n");
        StringBuilder sharing = new StringBuilder("| history | (a) restart with local state, no archive, s | (a) with the archive, s "
                + "| ratio with / without, per pair | archive, MiB | stop of the build's serve writing it, s | a plain stop, s |\n"
                + "|---|---|---|---|---|---|---|\n");
        List<History> histories = new ArrayList<>();
        for (long events : sizes) {
            Path dir = ctx.fresh("restart");
            int port = LoopbackPorts.freeRange(5);
            try (Child broker = ctx.broker("restart-broker-" + events, dir.resolve("kafka"), port, port + 2)) {
                ctx.say("  broker " + broker.name() + " up");
                Serve serve = new Serve(ctx, broker, "127.0.0.1:" + port, "http://127.0.0.1:" + (port + 2), port + 3, dir.resolve("state"));
                try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + port))) {
                    new TopicProvisioner(admin, (short) 1).ensure(Topics.PIPELINE, Duration.ofSeconds(60));
                }
                // baseline: the same instance starting on an empty history
                List<Started> empty = new ArrayList<>();
                for (int r = 0; r < rounds; r++) {
                    BenchContext.delete(dir.resolve("state"));
                    empty.add(serve.startToReady("empty-" + r, BigInteger.ZERO, BenchContext.START_JVM));
                }
                BenchContext.delete(dir.resolve("state"));
                ctx.say(String.format(Locale.ROOT, "  %,d events: writing the history", events));
                HistoryWriter.Written written = new HistoryWriter(ctx.manifest(), wallets, 7).write("127.0.0.1:" + port,
                        "http://127.0.0.1:" + (port + 2), events, n -> {
                            if (n % 1_000_000 == 0) {
                                ctx.say(String.format(Locale.ROOT, "    %,d written", n));
                            }
                        });
                // the first build's serve writes the class data sharing archive when it stops
                Path archive = dir.resolve("serve-cds.jsa");
                Started first = serve.startToCaughtUp("build-" + events, written.raised(), BenchContext.startJvmDumping(archive));
                ctx.say(String.format(Locale.ROOT, "  %,d events: first build %.1f s", events, first.seconds()));
                // what a fresh instance will restore, before the baseline adds changelogs of its own
                Map<String, Long> changelogBytes = changelogBytes("127.0.0.1:" + port, applicationId);
                long allBytes = changelogBytes.values().stream().mapToLong(Long::longValue).sum();
                changelogBytes.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                        .forEach(e -> changelogs.append(String.format(Locale.ROOT, "| %,d | %s | %,.1f | %.0f %% |%n", events, e.getKey(),
                                e.getValue() / (1024.0 * 1024), 100.0 * e.getValue() / allBytes)));
                double baseline = Baseline.recordsPerSecond(ctx, "restart-baseline-" + events, "127.0.0.1:" + port, events,
                        dir.resolve("baseline-state"));
                // the build's time runs from launch, so it includes the start; rate over the whole build
                double buildRate = events / first.seconds();
                builds.append(String.format(Locale.ROOT, "| %,d | %.1f | %,.0f | %,.0f | %.2f |%n", events, first.seconds(), buildRate, baseline,
                        buildRate / baseline));
                ctx.say(String.format(Locale.ROOT, "  %,d events: build %,.0f transfers/s, baseline %,.0f records/s", events, buildRate, baseline));
                if (!java.nio.file.Files.isRegularFile(archive)) {
                    throw new IllegalStateException("the first build's serve wrote no class data sharing archive at " + archive);
                }
                List<Started> local = new ArrayList<>();
                List<Started> shared = new ArrayList<>();
                List<Double> pairRatios = new ArrayList<>();
                List<Started> fresh = new ArrayList<>();
                List<Double> rss = new ArrayList<>();
                rss.add(first.rssMiB());
                long stateMiB = sizeMiB(dir.resolve("state"));
                for (int r = 0; r < rounds; r++) {
                    // a pair, back to back on the same state; which one starts first alternates
                    String plainName = "local-" + events + "-" + r;
                    String sharingName = "local-cds-" + events + "-" + r;
                    Started without;
                    Started with;
                    if (r % 2 == 0) {
                        without = serve.startToReady(plainName, written.raised(), BenchContext.START_JVM);
                        with = serve.startToReady(sharingName, written.raised(), BenchContext.startJvmSharing(archive));
                    } else {
                        with = serve.startToReady(sharingName, written.raised(), BenchContext.startJvmSharing(archive));
                        without = serve.startToReady(plainName, written.raised(), BenchContext.START_JVM);
                    }
                    local.add(without);
                    shared.add(with);
                    rss.add(without.rssMiB());
                    pairRatios.add(with.seconds() / without.seconds());
                }
                for (int r = 0; r < rounds; r++) {
                    BenchContext.delete(dir.resolve("state"));
                    Started s = serve.startToReady("fresh-" + events + "-" + r, written.raised(), BenchContext.START_JVM);
                    fresh.add(s);
                    rss.add(s.rssMiB());
                }
                Stats emptySeconds = stats(empty, Started::seconds);
                Stats localSeconds = stats(local, Started::seconds);
                Stats sharedSeconds = stats(shared, Started::seconds);
                Stats freshSeconds = stats(fresh, Started::seconds);
                cpu.append(String.format(Locale.ROOT, "| %,d | %s | %s | %s | %s |%n", events, cpuCell(empty), cpuCell(local),
                        cpuCell(shared), cpuCell(fresh)));
                table.append(String.format(Locale.ROOT, "| %,d | %.1f | %s | %.2f | %s | %.2f | %,d | %s |%n", events, first.seconds(),
                        localSeconds.format(2), localSeconds.median() / emptySeconds.median(), freshSeconds.format(2),
                        freshSeconds.median() / emptySeconds.median(), stateMiB, Stats.of(rss).format(0)));
                sharing.append(String.format(Locale.ROOT, "| %,d | %s | %s | %s | %.0f | %.1f | %s |%n", events, localSeconds.format(2),
                        sharedSeconds.format(2), Stats.of(pairRatios).format(2), java.nio.file.Files.size(archive) / (1024.0 * 1024),
                        first.stopSeconds(), stats(local, Started::stopSeconds).format(1)));
                histories.add(new History(events, localSeconds, freshSeconds, allBytes));
                ctx.say(String.format(Locale.ROOT, "  %,d events: restart %.2f s (%.2f s with the class data sharing archive), restore %.2f s "
                        + "(empty start %.2f s)", events, localSeconds.median(), sharedSeconds.median(), freshSeconds.median(),
                        emptySeconds.median()));
                if (events == rebuildSize) {
                    List<Double> times = new ArrayList<>();
                    for (int r = 0; r < rounds; r++) {
                        long t0 = System.nanoTime();
                        try (Child reset = Child.start("reset-" + r, ctx.logs(), Optional.empty(), BenchContext.START_JVM,
                                IngestBench.MAIN, List.of("reset", "--bootstrap", "127.0.0.1:" + port, "--state-dir",
                                        dir.resolve("state").toString()), Map.of())) {
                            reset.awaitExit(Duration.ofMinutes(5));
                        }
                        double resetSeconds = (System.nanoTime() - t0) / 1e9;
                        Started s = serve.startToCaughtUp("rebuild-" + r, written.raised(), BenchContext.START_JVM);
                        times.add(resetSeconds + s.seconds());
                    }
                    rebuild.append(String.format(Locale.ROOT, "| %,d | %s | %.1f | %.2f |%n", events, Stats.of(times).format(1), first.seconds(),
                            Stats.of(times).median() / first.seconds()));
                }
                ctx.say("  empty start " + emptySeconds.format(2) + " s");
            }
        }
        String md = "`starfall serve` (projections and gateway, `" + String.join(" ", BenchContext.START_JVM) + "`) against a broker child; "
                + "the history is written straight to the transfers topic (" + wallets + " wallets over 44 showers). Ready = "
                + "`/health/ready` answers 200 and every shower's total equals the history's. Ratios are to the same instance "
                + "starting on an empty history in the same run."
                + (skipped.isEmpty() ? "" : " Not run this time: " + skipped.stream().map(n -> String.format(Locale.ROOT, "%,d", n))
                        .collect(java.util.stream.Collectors.joining(", ")) + " events (`--min-history`, `--max-history`).")
                + "\n\nFirst build: launch of `serve` on an empty state until every shower's total equals the history's; the baseline "
                + "is a plain Kafka Streams `groupByKey().aggregate()` over the same topic in the same run (exactly-once v2, "
                + "100 ms commits), timed from its first record to its last.\n\n" + builds + "\n" + table
                + "\nTargets: (a) does not grow with history (under 5 s at 10 M); (b) grows with the state's size, not the history's.\n\n"
                + "What (b) restores: the projections' changelogs on the broker right after the first build, by store (the log "
                + "cleaner compacts closed segments only; replica sizes from the broker's `DescribeLogDirs`).\n\n" + changelogs + "\n"
                + "Class data sharing (AppCDS, a dynamic archive): (a) again, in pairs on the same local state, without and with "
                + "`-XX:SharedArchiveFile` (and `-Xshare:on`, so a start that could not use the archive fails instead of counting), "
                + "the order swapping every round. The archive is the one the first build's `serve` above wrote when it was "
                + "stopped (SIGTERM) after catching up (`-XX:ArchiveClassesAtExit`, same JVM options and classpath): every class a "
                + "first build loaded, not a restart's. The shipped image makes its own at image build, from a training run of "
                + "`starfall run --exit-when-caught-up` (`ops/docker/Dockerfile`), which is not measured here.\n\n" + sharing + "\n"
                + "CPU from launch to ready, in seconds: `serve`'s own, then the broker child's over the same interval (medians over "
                + "the rounds; both share the 2 cores, so what the broker uses, the start cannot).\n\n" + cpu + "\n"
                + "### 4. Rebuild (`starfall reset`, then a full rebuild until every shower's total is back)\n\n"
                + "| history | reset + rebuild, s | first build, s | ratio to first build |\n|---|---|---|---|\n" + rebuild;
        return new Section("3. Restart to ready (and 6. memory of a serving instance)", md, targets(histories));
    }

    /** One history's figures for the verdicts: (a) and (b) in seconds, and the bytes of every changelog after its first build. */
    record History(long events, Stats restartSeconds, Stats freshSeconds, long changelogBytes) {

        double changelogBytesAnEvent() {
            return (double) changelogBytes / events;
        }
    }

    /**
     * The restart's verdicts, histories in the order run (smallest first). (a) is met when the
     * restart with local state takes under {@link #RESTART_TARGET_SECONDS} at every history, 10 M
     * included (median of the rounds); without 10 M it is not judged. (b) is judged by what a fresh
     * instance restores: met when the changelogs at the largest history hold at most
     * {@link #RESTORED_BYTES_AN_EVENT_TARGET} of the bytes an event they hold at the smallest, so
     * that they, and the restore with them, grow with the state and not one for one with the
     * events; with one history it is not judged.
     */
    static List<Target> targets(List<History> histories) {
        if (histories.isEmpty()) {
            return List.of();
        }
        String restarts = join(histories, h -> String.format(Locale.ROOT, "%.2f s at %s", h.restartSeconds().median(), events(h.events())));
        String a = String.format(Locale.ROOT, "(a) restart with local state: does not grow with history, under %.0f s at 10 M (median)",
                RESTART_TARGET_SECONDS);
        boolean allUnder = histories.stream().allMatch(h -> h.restartSeconds().median() < RESTART_TARGET_SECONDS);
        Target restart = histories.stream().anyMatch(h -> h.events() >= LARGEST_HISTORY)
                ? Target.judged(a, restarts, allUnder)
                : Target.notJudged(a, restarts, "10 M not run");
        String b = "(b) fresh instance restoring: grows with the state's size, not the history's (judged by the bytes it restores an event: "
                + "at most " + RESTORED_BYTES_AN_EVENT_TARGET + " of the smallest history's at the largest)";
        String restores = join(histories, h -> String.format(Locale.ROOT, "%.2f s at %s", h.freshSeconds().median(), events(h.events())))
                + "; changelogs " + join(histories, h -> String.format(Locale.ROOT, "%,.0f", h.changelogBytesAnEvent())) + " bytes an event";
        if (histories.size() < 2) {
            return List.of(restart, Target.notJudged(b, restores, "one history"));
        }
        double share = histories.get(histories.size() - 1).changelogBytesAnEvent() / histories.get(0).changelogBytesAnEvent();
        return List.of(restart, Target.judged(b, restores + String.format(Locale.ROOT, " (x%.2f)", share), share <= RESTORED_BYTES_AN_EVENT_TARGET));
    }

    private static String join(List<History> histories, java.util.function.Function<History, String> each) {
        return String.join(", ", histories.stream().map(each).toList());
    }

    private static String events(long n) {
        return n % 1_000_000 == 0 ? n / 1_000_000 + " M" : n % 1_000 == 0 ? n / 1_000 + " k" : String.format(Locale.ROOT, "%,d", n);
    }

    /** Bytes on the broker of each changelog of {@code applicationId}, by store name. */
    private static Map<String, Long> changelogBytes(String bootstrap, String applicationId) throws Exception {
        String prefix = applicationId + "-";
        String suffix = "-changelog";
        Map<String, Long> bytes = new HashMap<>();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            List<Integer> brokers = admin.describeCluster().nodes().get().stream().map(Node::id).toList();
            admin.describeLogDirs(brokers).allDescriptions().get().values().forEach(dirs -> dirs.values().forEach(dir ->
                    dir.replicaInfos().forEach((partition, replica) -> {
                        String topic = partition.topic();
                        if (topic.startsWith(prefix) && topic.endsWith(suffix)) {
                            bytes.merge(topic.substring(prefix.length(), topic.length() - suffix.length()), replica.size(), Long::sum);
                        }
                    })));
        }
        if (bytes.isEmpty()) {
            throw new IllegalStateException("no changelog of application " + applicationId + " on the broker after its first build");
        }
        return bytes;
    }

    private static long sizeMiB(Path dir) throws java.io.IOException {
        try (var walk = java.nio.file.Files.walk(dir)) {
            return walk.filter(java.nio.file.Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum() / (1024 * 1024);
        }
    }

    /** One figure of each start. */
    private static Stats stats(List<Started> starts, ToDoubleFunction<Started> figure) {
        return Stats.of(starts.stream().map(figure::applyAsDouble).toList());
    }

    /** "serve / broker" CPU seconds from launch to ready, medians over the starts. */
    private static String cpuCell(List<Started> starts) {
        return String.format(Locale.ROOT, "%.1f / %.1f", stats(starts, Started::cpuSeconds).median(), stats(starts, Started::brokerCpuSeconds).median());
    }

    /**
     * One start of serve: seconds to the condition, peak RSS, seconds its stop took (SIGTERM to
     * exit), and CPU seconds up to the condition: serve's own, and the broker child's over the same interval.
     */
    record Started(double seconds, double rssMiB, double stopSeconds, double cpuSeconds, double brokerCpuSeconds) {
    }

    /** Starts and stops {@code starfall serve} instances on one state directory. */
    private static final class Serve {
        private final BenchContext ctx;
        private final Child broker;
        private final Map<String, String> env = new HashMap<>();
        private final int httpPort;

        Serve(BenchContext ctx, Child broker, String bootstrap, String registry, int httpPort, Path stateDir) {
            this.ctx = ctx;
            this.broker = broker;
            this.httpPort = httpPort;
            env.put("STARFALL_BOOTSTRAP_SERVERS", bootstrap);
            env.put("STARFALL_SCHEMA_REGISTRY_URL", registry);
            env.put("STARFALL_HTTP_PORT", Integer.toString(httpPort));
            env.put("STARFALL_BIND_HOST", "127.0.0.1");
            env.put("STARFALL_ADVERTISED_HOST", "127.0.0.1");
            env.put("STARFALL_STATE_DIR", stateDir.toString());
            env.put("STARFALL_RATE_LIMIT_PER_SECOND", "0");
        }

        /** Launch with {@code jvm} options to ready with every shower's total equal to {@code raised}; then a clean stop. */
        Started startToReady(String name, BigInteger raised, List<String> jvm) throws Exception {
            return start(name, raised, false, jvm);
        }

        /** Launch to every shower's total equal to {@code raised} (for a build), then a clean stop. */
        Started startToCaughtUp(String name, BigInteger raised, List<String> jvm) throws Exception {
            return start(name, raised, true, jvm);
        }

        private Started start(String name, BigInteger raised, boolean build, List<String> jvm) throws Exception {
            long brokerTicks = ThreadCpu.processTicks(broker.pid());
            long t0 = System.nanoTime();
            String gateway = "http://127.0.0.1:" + httpPort;
            Child serve = Child.start("serve-" + name, ctx.logs(), Optional.empty(), jvm, IngestBench.MAIN, List.of("serve"), env);
            double seconds;
            double rss;
            double cpu;
            double brokerCpu;
            try {
                Http.awaitOk(gateway + "/health/ready", Duration.ofMinutes(build ? 60 : 20), serve);
                Showers.awaitRaised(gateway, raised, Duration.ofMinutes(build ? 60 : 20), serve);
                seconds = (System.nanoTime() - t0) / 1e9;
                cpu = ThreadCpu.processTicks(serve.pid()) / 100.0;
                brokerCpu = (ThreadCpu.processTicks(broker.pid()) - brokerTicks) / 100.0;
                rss = serve.peakRssKiB() / 1024.0;
            } catch (Exception | Error e) {
                serve.close();
                throw e;
            }
            long stop = System.nanoTime();
            serve.close();
            return new Started(seconds, rss, (System.nanoTime() - stop) / 1e9, cpu, brokerCpu);
        }
    }
}
