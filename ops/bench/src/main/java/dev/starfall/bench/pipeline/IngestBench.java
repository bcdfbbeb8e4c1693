package dev.starfall.bench.pipeline;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import dev.starfall.bench.BenchContext;
import dev.starfall.bench.Benchmark;
import dev.starfall.bench.Child;
import dev.starfall.bench.Http;
import dev.starfall.embedded.LoopbackPorts;
import dev.starfall.bench.Section;
import dev.starfall.bench.Stats;
import dev.starfall.bench.Target;
import dev.starfall.bench.ThreadCpu;
import dev.starfall.ingestor.sim.ChainSimulator;
import dev.starfall.schemas.manifest.Manifest;

/**
 * Part 2 (and the embedded default's share of part 6): the embedded default, {@code starfall run}
 * as a user starts it, ingesting a simulated event of 100,000 wallets and about 1 M transfers over
 * 44 showers from its chain simulator through the ingestor, the broker and the projections, until
 * the last transfer is queryable (the raised total of every shower equals the simulator's ground
 * truth). The baseline, in the same run on the same broker: a plain Kafka Streams
 * {@code groupByKey().aggregate()} over the same records.
 */
public final class IngestBench implements Benchmark {

    static final String MAIN = "dev.starfall.cli.Starfall";

    /** 1 M transfers in under 15 s, as a rate through the pipeline. */
    static final double TRANSFERS_PER_SECOND_TARGET = 1_000_000 / 15.0;
    /** The embedded default holding the 1 M-transfer event stays under 1.5 GiB. */
    static final double EMBEDDED_RSS_TARGET_MIB = 1536;

    /** JVM options of the embedded default: a heap ceiling, as a deployment would set, and the image's JIT thresholds. */
    static final List<String> EMBEDDED_JVM = Stream.concat(Stream.of("-Xmx1g", "-XX:+UseParallelGC"),
            BenchContext.JIT.stream()).toList();

    /**
     * {@link #EMBEDDED_JVM}, then the options of {@code BENCH_EMBEDDED_JVM_OPTS} (separated by white
     * space; a later option wins), e.g. a flight recording or a JIT setting to try: the embedded
     * default's only, not the baseline's, and the report's first line lists them.
     */
    static List<String> embeddedJvm(String extra) {
        List<String> jvm = new ArrayList<>(EMBEDDED_JVM);
        if (extra != null && !extra.isBlank()) {
            jvm.addAll(List.of(extra.trim().split("\\s+")));
        }
        return List.copyOf(jvm);
    }

    /**
     * The embedded default's threads by what they do, for the CPU of its ingest phase; a thread
     * goes to the first part that matches (so the ingestor's producer is not counted as the broker's).
     */
    static final List<ThreadCpu.Part> PARTS = List.of(
            ThreadCpu.Part.of("projections: Kafka Streams' stream thread", "-StreamThread-\\d+$"),
            ThreadCpu.Part.of("projections: their producer, consumers' heartbeat, global thread, admin", "starfall-projections"),
            ThreadCpu.Part.of("projections: RocksDB's flush and compaction threads", "^rocksdb:"),
            ThreadCpu.Part.of("ingestor: walk, page fetch and parse", "^ingestor-(?!publish)|^fcd-prefetch"),
            ThreadCpu.Part.of("JDK HTTP clients (the ingestor's; the registry client's)", "^HttpClient-"),
            ThreadCpu.Part.of("ingestor: publishing thread and its producer", "^ingestor-publish|\\| starfall-ingestor"),
            ThreadCpu.Part.of("simulator: HTTP server rendering pages", "^sim-|^HTTP-Dispatcher"),
            ThreadCpu.Part.of("gateway and registry (Vert.x; the registry's producer)", "^vert\\.x-|^vertx-|starfall-schema-registry"),
            ThreadCpu.Part.of("broker: request handlers", "^data-plane-kafka-request-handler"),
            ThreadCpu.Part.of("broker: network threads", "^data-plane-kafka-(network-thread|socket-acceptor)"),
            ThreadCpu.Part.of("broker: coordinators, raft, log cleaner, schedulers", "^(kafka-|group-coordinator|share-|quorum-|raft-|broker-"
                    + "|controller-|TxnMarker|AddPartitionsToTxn|ExpirationReaper|metrics-meter|client-metrics|network-partition|persister)"),
            ThreadCpu.Part.of("JIT compilers", "CompilerThread"),
            ThreadCpu.Part.of("garbage collector and VM thread", "^GC Thread|^VM Thread|^VM Periodic"));

    @Override
    public String name() {
        return "ingest";
    }

    @Override
    public Section run(BenchContext ctx) throws Exception {
        int wallets = ctx.quick() ? 10_000 : 100_000;
        int transactions = ctx.quick() ? 60_000 : 1_150_000;
        int rounds = Math.max(1, Math.min(ctx.rounds(), ctx.quick() ? 2 : 3));
        Manifest manifest = ctx.manifest();
        ctx.say("generating the simulated chain to know its ground truth (" + transactions + " transactions)");
        ChainSimulator sim = new ChainSimulator(manifest, ChainSimulator.Config.defaults(2021).withWallets(wallets)
                .withTransactions(transactions));
        BigInteger truth = sim.groundTruth().values().stream().flatMap(m -> m.values().stream()).reduce(BigInteger.ZERO, BigInteger::add);
        long observed = sim.expected(transactions).observed();
        sim = null;

        List<Double> total = new ArrayList<>();
        List<Double> ingestSeconds = new ArrayList<>();
        List<Double> rate = new ArrayList<>();
        List<Double> baselineRate = new ArrayList<>();
        List<Double> ratio = new ArrayList<>();
        List<Double> rss = new ArrayList<>();
        List<Double> baselineRss = new ArrayList<>();
        List<ThreadCpu.Split> cpu = new ArrayList<>();
        List<Double> phaseTransfers = new ArrayList<>();
        List<Double> phaseSeconds = new ArrayList<>();
        List<Double> caughtUpSeconds = new ArrayList<>();
        List<Double> tailSeconds = new ArrayList<>();
        List<Double> queryableAtCatchUp = new ArrayList<>();
        List<String> jvm = embeddedJvm(System.getenv("BENCH_EMBEDDED_JVM_OPTS"));
        for (int r = 1; r <= rounds; r++) {
            Path data = ctx.fresh("ingest");
            int port = LoopbackPorts.freeRange(4);
            String gateway = "http://127.0.0.1:" + (port + 3);
            long t0 = System.nanoTime();
            try (Child run = Child.start("ingest-run-" + r, ctx.logs(), Optional.empty(), jvm, MAIN,
                    List.of("run", "--data-dir", data.toString(), "--kafka-port", Integer.toString(port), "--registry-port",
                            Integer.toString(port + 2), "--http-port", Integer.toString(port + 3), "--wallets", Integer.toString(wallets),
                            "--transactions", Integer.toString(transactions)), Map.of())) {
                // the ingest phase starts at the first poll that sees events published, with what was already queryable then
                double startAt = -1;
                long projectedAtStart = 0;
                ThreadCpu cpuTracker = null;
                long lastCpuPoll = 0;
                long deadline = t0 + Duration.ofMinutes(20).toNanos();
                long lastSay = 0;
                // when the ingestor has published the whole chain (its state CAUGHT_UP), and how much was queryable then
                double caughtUpAt = -1;
                long queryableThen = 0;
                long lastStatusPoll = 0;
                while (true) {
                    if (!run.isAlive()) {
                        throw new IllegalStateException("starfall run exited; see " + run.log());
                    }
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("not done within 20 minutes; see " + run.log());
                    }
                    double now = (System.nanoTime() - t0) / 1e9;
                    if (startAt < 0) {
                        Optional<JsonNode> status = Http.json(gateway + "/api/v1/status");
                        long published = status.map(s -> s.path("ingest").path(0).path("eventsPublished").asLong()).orElse(0L);
                        if (published > 0) {
                            startAt = now;
                            projectedAtStart = Showers.read(gateway).map(Showers::transfers).orElse(0L);
                            cpuTracker = startCpu(ctx, run);
                            lastCpuPoll = System.nanoTime();
                        }
                    }
                    Optional<Showers> s = startAt < 0 ? Optional.empty() : Showers.read(gateway);
                    if (startAt >= 0 && caughtUpAt < 0 && System.nanoTime() - lastStatusPoll > 250_000_000L) {
                        lastStatusPoll = System.nanoTime();
                        Optional<JsonNode> status = Http.json(gateway + "/api/v1/status");
                        if (status.map(x -> x.path("ingest").path(0).path("state").asText()).orElse("").equals("CAUGHT_UP")) {
                            caughtUpAt = (System.nanoTime() - t0) / 1e9;
                            queryableThen = s.map(Showers::transfers).orElse(0L);
                        }
                    }
                    if (s.isPresent() && s.get().raised().equals(truth)) {
                        double done = (System.nanoTime() - t0) / 1e9;
                        if (caughtUpAt < 0) {
                            // caught up since the last status poll: at most 250 ms of the tail is lost
                            caughtUpAt = done;
                            queryableThen = s.get().transfers();
                        }
                        caughtUpSeconds.add(caughtUpAt - startAt);
                        tailSeconds.add(done - caughtUpAt);
                        queryableAtCatchUp.add(100.0 * (queryableThen - projectedAtStart) / (s.get().transfers() - projectedAtStart));
                        total.add(done);
                        ingestSeconds.add(done - startAt);
                        rate.add((s.get().transfers() - projectedAtStart) / (done - startAt));
                        if (cpuTracker != null) {
                            cpu.add(cpuTracker.finish(PARTS));
                            phaseTransfers.add((double) (s.get().transfers() - projectedAtStart));
                            phaseSeconds.add(done - startAt);
                        }
                        break;
                    }
                    if (cpuTracker != null && System.nanoTime() - lastCpuPoll > 1e9) {
                        cpuTracker.poll();
                        lastCpuPoll = System.nanoTime();
                    }
                    if (System.nanoTime() - lastSay > 5e9) {
                        lastSay = System.nanoTime();
                        ctx.say(String.format(Locale.ROOT, "  round %d: %.0f s, %s transfers queryable", r, now, s.map(x -> Long.toString(x.transfers()))
                                .orElse("no")));
                    }
                    Thread.sleep(50);
                }
                rss.add(run.peakRssKiB() / 1024.0);
                ctx.say(String.format(Locale.ROOT, "  round %d: all %,d transfers queryable after %.1f s (ingest phase %.1f s, %,.0f transfers/s)", r,
                        observed, total.get(total.size() - 1), ingestSeconds.get(ingestSeconds.size() - 1), rate.get(rate.size() - 1)));

                Baseline.Result baseline = Baseline.run(ctx, "ingest-baseline-" + r, "127.0.0.1:" + port, observed,
                        data.resolve("baseline-state"));
                baselineRate.add(baseline.recordsPerSecond());
                ratio.add(rate.get(rate.size() - 1) / baseline.recordsPerSecond());
                baselineRss.add(baseline.rssMiB());
                ctx.say(String.format(Locale.ROOT, "  round %d: baseline aggregate %,.0f records/s", r, baseline.recordsPerSecond()));
            }
        }
        StringBuilder md = new StringBuilder();
        md.append(String.format(Locale.ROOT, "`starfall run --wallets %,d --transactions %,d` (the embedded default: broker, registry, simulator, "
                + "ingestor, projections and gateway in one JVM, `%s`): %,d transfers over %d showers, %d rounds.%n%n",
                wallets, transactions, String.join(" ", jvm), observed, manifest.schedule().showerCount(), rounds));
        md.append("| figure | min / median / max | target |\n|---|---|---|\n");
        md.append("| launch to last transfer queryable, s | ").append(Stats.of(total).format(1)).append(" | 1 M in under 15 s |\n");
        md.append("| ingest phase (first event published to last queryable), s | ").append(Stats.of(ingestSeconds).format(1)).append(" | |\n");
        md.append("| ingestor caught up (first event published to the whole chain published), s | ").append(Stats.of(caughtUpSeconds).format(1))
                .append(" | |\n");
        md.append("| transfers queryable then, % of the phase's | ").append(Stats.of(queryableAtCatchUp).format(0)).append(" | |\n");
        md.append("| the projections' tail (ingestor caught up to last queryable), s | ").append(Stats.of(tailSeconds).format(1)).append(" | |\n");
        md.append("| transfers/s through the pipeline | ").append(Stats.of(rate).format(0)).append(" | 30,000 to 100,000 |\n");
        md.append("| baseline: plain `groupByKey().aggregate()` records/s | ").append(Stats.of(baselineRate).format(0)).append(" | |\n");
        md.append("| **ratio pipeline / baseline** | ").append(Stats.of(ratio).format(2)).append(" | |\n");
        md.append("| peak RSS of the embedded default, MiB | ").append(Stats.of(rss).format(0)).append(" | under 1,536 |\n");
        md.append("| peak RSS of the baseline, MiB | ").append(Stats.of(baselineRss).format(0)).append(" | |\n\n");
        md.append("The baseline reads the same records from the same broker after the run, with the projections' processing guarantee "
                + "(exactly-once v2) and the commit interval they had until the eighteenth round (100 ms; 200 ms since row 44: the reference "
                + "the ratios divide by stays the same), in a JVM with `" + String.join(" ", Baseline.JVM) + "` (the JVM's own JIT "
                + "settings, as in every round); its time runs from its first record to its last. Completion of the "
                + "pipeline is checked through the gateway (`/api/v1/showers`, polled every 50 ms, answers cached up to 250 ms), and the "
                + "ingestor's catch-up by its state in `/api/v1/status` (every 250 ms): in the tail after it the projections work through "
                + "their backlog alone, so a change to the ingest side alone shortens the phase only as far as it gives the projections "
                + "the CPU it saves.\n");
        if (!cpu.isEmpty()) {
            cpuTable(md, cpu, phaseTransfers, phaseSeconds);
        }
        return new Section("2. Ingest end to end (and 6. memory of the embedded default)", md.toString(),
                targets(Stats.of(rate), Stats.of(ingestSeconds), Stats.of(rss)));
    }

    /**
     * The ingest's verdicts: 1 M transfers in under 15 s, judged by the median rate through the
     * pipeline (at least a fifteenth of a million a second, whatever the run's exact count); the
     * embedded default under 1.5 GiB in all, judged by the largest peak RSS of the rounds.
     */
    static List<Target> targets(Stats transfersPerSecond, Stats phaseSeconds, Stats rssMiB) {
        return List.of(
                Target.judged(String.format(Locale.ROOT, "1 M transfers in under 15 s (%,.0f transfers/s or more, median)", TRANSFERS_PER_SECOND_TARGET),
                        String.format(Locale.ROOT, "%,.0f transfers/s (ingest phase %.1f s)", transfersPerSecond.median(), phaseSeconds.median()),
                        transfersPerSecond.median() >= TRANSFERS_PER_SECOND_TARGET),
                Target.judged(String.format(Locale.ROOT, "6. the embedded default holding the 1 M-transfer event under %,.0f MiB in all (largest peak RSS)",
                                EMBEDDED_RSS_TARGET_MIB),
                        String.format(Locale.ROOT, "%,.0f MiB", rssMiB.max()), rssMiB.max() < EMBEDDED_RSS_TARGET_MIB));
    }

    /** Follows the embedded default's threads' CPU, or null (said) when its thread dump cannot be had. */
    private static ThreadCpu startCpu(BenchContext ctx, Child run) throws InterruptedException {
        try {
            return ThreadCpu.start(run.pid());
        } catch (IOException e) {
            ctx.say("  no CPU by thread for this round: " + e.getMessage());
            return null;
        }
    }

    /** Where the embedded default's CPU went in the ingest phase, by part, with each round's own transfers. */
    private static void cpuTable(StringBuilder md, List<ThreadCpu.Split> cpu, List<Double> transfers, List<Double> seconds) {
        md.append("\nWhere the embedded default's CPU went in the ingest phase: each thread's CPU time from `/proc/<pid>/task`, read "
                + "once a second, named from a thread dump at the phase's start and end (`jcmd <pid> Thread.print`). On a shared host the seconds "
                + "move with the throughput (the same jars took 157 to 208 µs of CPU a transfer in one hour), so compare a part "
                + "between runs by its share of the process:\n\n");
        md.append("| part | CPU s, min / median / max | share (median) | µs of CPU a transfer (median) |\n|---|---|---:|---:|\n");
        Map<String, Stats> parts = ThreadCpu.stats(cpu);
        List<Double> total = cpu.stream().map(ThreadCpu.Split::processSeconds).toList();
        List<Double> perTransfer = new ArrayList<>();
        List<Double> cores = new ArrayList<>();
        for (int i = 0; i < cpu.size(); i++) {
            perTransfer.add(total.get(i) / transfers.get(i) * 1e6);
            cores.add(total.get(i) / seconds.get(i));
        }
        double totalMedian = Stats.of(total).median();
        double transfersMedian = Stats.of(transfers).median();
        parts.forEach((part, s) -> md.append(String.format(Locale.ROOT, "| %s | %s | %.1f %% | %.1f |%n", part, s.format(1),
                100 * s.median() / totalMedian, s.median() / transfersMedian * 1e6)));
        md.append(String.format(Locale.ROOT, "| **the whole process** | %s | 100 %% | **%s** |%n", Stats.of(total).format(1),
                Stats.of(perTransfer).format(1)));
        md.append(String.format(Locale.ROOT, "%nCores busy in the ingest phase (process CPU over its wall time): %s of %d.%n", Stats.of(cores).format(2),
                Runtime.getRuntime().availableProcessors()));
    }
}
