package dev.starfall.bench.pipeline;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
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
import dev.starfall.ingestor.IngestorConfig;
import dev.starfall.ingestor.sim.ChainSimulator;
import dev.starfall.ingestor.sim.SimTx;
import dev.starfall.ingestor.sim.SimulatorServer;
import dev.starfall.ingestor.source.Coin;
import dev.starfall.schemas.manifest.Manifest;

/**
 * Part 5 (and the ingestor's share of part 6): from a transfer appearing at the chain simulator
 * (live mode, a few transactions a second) to its being visible at the gateway, with every service
 * in its own JVM as deployed ({@code starfall ingest} with the default poll interval,
 * {@code starfall serve}, a broker child). A transfer is visible when the wallet's answer in its
 * shower counts it. Each round is one window of the live run.
 */
public final class FreshnessBench implements Benchmark {

    private static final double REVEAL_PER_SECOND = 3;
    /** A transfer visible at the gateway within 2 s of its appearing at the chain's API, at the 99th percentile. */
    static final double P99_TARGET_SECONDS = 2;
    /** The ingest service's JVM options: a small heap, and the image's {@link BenchContext#JIT}, as it runs {@code ingest}. */
    public static final List<String> INGEST_JVM = Stream.concat(Stream.of("-Xmx512m", "-XX:+UseParallelGC"),
            BenchContext.JIT.stream()).toList();

    @Override
    public String name() {
        return "freshness";
    }

    /** A clock that stands still until released, so the simulator's live reveal starts once the backfill is done. */
    private static final class HeldClock extends Clock {
        private final Instant base = Instant.now();
        private volatile long releasedAt = -1;

        void release() {
            releasedAt = System.nanoTime();
        }

        @Override
        public Instant instant() {
            long r = releasedAt;
            return r < 0 ? base : base.plusNanos(System.nanoTime() - r);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }

    /** One counted transfer revealed live: visible once the wallet's count in the shower reaches {@code transfers}. */
    private record Sample(long revealNanos, int shower, String wallet, long transfers) {
    }

    @Override
    public Section run(BenchContext ctx) throws Exception {
        int rounds = Math.max(2, ctx.rounds());
        Duration window = Duration.ofSeconds(ctx.quick() ? 15 : 30);
        Manifest manifest = ctx.manifest();
        int initial = 2_000;
        int live = (int) (REVEAL_PER_SECOND * window.toSeconds() * rounds) + 50;
        HeldClock clock = new HeldClock();
        ChainSimulator sim = new ChainSimulator(manifest, ChainSimulator.Config.defaults(99).withWallets(500)
                .withTransactions(initial + live).withLive((double) initial / (initial + live), REVEAL_PER_SECOND), clock);
        int visibleAtStart = sim.visibleCount(); // the held clock keeps it there until the release
        List<Sample> all = samples(sim, manifest, visibleAtStart);
        Path dir = ctx.fresh("freshness");
        int port = LoopbackPorts.freeRange(5);
        String gateway = "http://127.0.0.1:" + (port + 3);
        Map<String, String> env = new HashMap<>();
        env.put("STARFALL_BOOTSTRAP_SERVERS", "127.0.0.1:" + port);
        env.put("STARFALL_SCHEMA_REGISTRY_URL", "http://127.0.0.1:" + (port + 2));
        env.put("STARFALL_HTTP_PORT", Integer.toString(port + 3));
        env.put("STARFALL_BIND_HOST", "127.0.0.1");
        env.put("STARFALL_ADVERTISED_HOST", "127.0.0.1");
        env.put("STARFALL_STATE_DIR", dir.resolve("state").toString());
        env.put("STARFALL_RATE_LIMIT_PER_SECOND", "0");
        List<Double> p50 = new ArrayList<>();
        List<Double> p99 = new ArrayList<>();
        List<Double> max = new ArrayList<>();
        double rssIngest;
        double rssServe;
        double rssBroker;
        try (Child broker = ctx.broker("freshness-broker", dir.resolve("kafka"), port, port + 2);
             SimulatorServer chain = SimulatorServer.start(sim, 0);
             Child serve = Child.start("freshness-serve", ctx.logs(), Optional.empty(), BenchContext.SERVICE_JVM, IngestBench.MAIN,
                     List.of("serve"), env)) {
            Map<String, String> ingestEnv = new HashMap<>(env);
            ingestEnv.put("STARFALL_SOURCE_URL", chain.baseUrl());
            try (Child ingest = Child.start("freshness-ingest", ctx.logs(), Optional.empty(), INGEST_JVM,
                    IngestBench.MAIN, List.of("ingest"), ingestEnv)) {
                Http.awaitOk(gateway + "/health/ready", Duration.ofMinutes(5), serve);
                ingest.awaitLog("caught up", Duration.ofMinutes(5));
                // and the projections too: the first live transfer must not queue behind the backfill
                java.math.BigInteger backfilled = sim.groundTruth(visibleAtStart).values().stream().flatMap(m -> m.values().stream())
                        .reduce(java.math.BigInteger.ZERO, java.math.BigInteger::add);
                Showers.awaitRaised(gateway, backfilled, Duration.ofMinutes(5), serve);
                ctx.say("  backfill done; revealing " + REVEAL_PER_SECOND + " transactions/s");
                long start = System.nanoTime();
                clock.release();
                List<Sample> pending = new ArrayList<>();
                Iterator<Sample> next = all.iterator();
                Sample upcoming = next.hasNext() ? next.next() : null;
                for (int r = 0; r < rounds; r++) {
                    long windowEnd = start + window.multipliedBy(r + 1).toNanos();
                    List<Double> latencies = new ArrayList<>();
                    while (System.nanoTime() < windowEnd || !pending.isEmpty()) {
                        long now = System.nanoTime();
                        while (upcoming != null && start + upcoming.revealNanos() <= now && start + upcoming.revealNanos() < windowEnd) {
                            pending.add(upcoming);
                            upcoming = next.hasNext() ? next.next() : null;
                        }
                        for (Iterator<Sample> it = pending.iterator(); it.hasNext(); ) {
                            Sample s = it.next();
                            Optional<JsonNode> w = Http.json(gateway + "/api/v1/showers/" + s.shower() + "/wallets/" + s.wallet());
                            if (w.isPresent() && w.get().path("transfers").asLong() >= s.transfers()) {
                                latencies.add((System.nanoTime() - (start + s.revealNanos())) / 1e9);
                                it.remove();
                            } else if (System.nanoTime() - (start + s.revealNanos()) > 60e9) {
                                throw new IllegalStateException("a transfer of " + s.wallet() + " in shower " + s.shower()
                                        + " was not visible after 60 s; see " + ingest.log() + " and " + serve.log());
                            }
                        }
                        Thread.sleep(10);
                        if (!ingest.isAlive() || !serve.isAlive()) {
                            throw new IllegalStateException("a service exited; see " + ingest.log() + " and " + serve.log());
                        }
                    }
                    if (latencies.isEmpty()) {
                        continue;
                    }
                    p50.add(Stats.percentile(latencies, 50));
                    p99.add(Stats.percentile(latencies, 99));
                    max.add(Stats.percentile(latencies, 100));
                    ctx.say(String.format(Locale.ROOT, "  window %d: %d transfers, p50 %.2f s, p99 %.2f s", r + 1, latencies.size(), p50.get(p50.size() - 1),
                            p99.get(p99.size() - 1)));
                }
                rssIngest = ingest.peakRssKiB() / 1024.0;
            }
            rssServe = serve.peakRssKiB() / 1024.0;
            rssBroker = broker.peakRssKiB() / 1024.0;
        }
        double poll = IngestorConfig.defaults("x").pollInterval().toMillis() / 1000.0;
        String md = String.format(Locale.ROOT, "A live chain at the simulator (%.0f transactions/s revealed after a backfill of %,d), `starfall ingest` "
                + "with the default poll interval (%.1f s), `starfall serve` and a broker, each its own JVM. Latency = from the moment "
                + "a transaction becomes visible at the simulator's API to the moment the gateway's answer for that wallet in that "
                + "shower counts it (polled every 10 ms; gateway answers are cached up to 250 ms). %d windows of %d s.%n%n"
                + "| figure | min / median / max over windows | target |%n|---|---|---|%n"
                + "| p50, s | %s | |%n| p99, s | %s | under 2 s |%n| max, s | %s | |%n"
                + "| **p50 / poll interval** | %s | |%n%n"
                + "Peak RSS (MiB): ingest %.0f, serve %.0f, broker and registry %.0f.%n",
                REVEAL_PER_SECOND, initial, poll, rounds, window.toSeconds(), Stats.of(p50).format(2), Stats.of(p99).format(2),
                Stats.of(max).format(2), Stats.of(p50.stream().map(v -> v / poll).toList()).format(2), rssIngest, rssServe, rssBroker);
        return new Section("5. Freshness (and 6. memory of the deployed services)", md, List.of(target(Stats.of(p99), poll)));
    }

    /** The freshness verdict: the windows' p99 under {@link #P99_TARGET_SECONDS}, by their median. */
    static Target target(Stats p99, double pollSeconds) {
        return Target.judged(String.format(Locale.ROOT, "p99 from a transfer appearing at the simulator to its being visible at the gateway "
                        + "under %.0f s, default poll interval (median of the windows)", P99_TARGET_SECONDS),
                String.format(Locale.ROOT, "p99 %.2f s (windows %.2f to %.2f s; poll interval %.1f s)", p99.median(), p99.min(), p99.max(),
                        pollSeconds),
                p99.median() < P99_TARGET_SECONDS);
    }

    /** The counted transfers among the live transactions, with their reveal time after the release. */
    private static List<Sample> samples(ChainSimulator sim, Manifest manifest, int initial) {
        String destination = sim.wallet();
        String denom = manifest.event().getDenom();
        Map<String, Long> counts = new HashMap<>();
        List<Sample> out = new ArrayList<>();
        List<SimTx> txs = sim.transactions();
        for (int i = 0; i < txs.size(); i++) {
            SimTx tx = txs.get(i);
            OptionalInt shower = manifest.schedule().showerOf(tx.blockTime());
            if (!tx.succeeded() || shower.isEmpty()) {
                continue;
            }
            for (SimTx.Msg m : tx.msgs()) {
                if (m instanceof SimTx.Send s && s.to().equals(destination) && !s.from().equals(destination)) {
                    for (Coin c : s.coins()) {
                        if (c.denom().equals(denom)) {
                            long n = counts.merge(shower.getAsInt() + " " + s.from(), 1L, Long::sum);
                            if (i >= initial) {
                                long revealNanos = (long) Math.ceil((i - initial + 1) * 1e9 / REVEAL_PER_SECOND);
                                out.add(new Sample(revealNanos, shower.getAsInt(), s.from(), n));
                            }
                        }
                    }
                }
            }
        }
        return out;
    }
}
