package dev.starfall.bench.reads;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Random;
import java.util.function.ToDoubleFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import dev.starfall.bench.BenchContext;
import dev.starfall.bench.Benchmark;
import dev.starfall.bench.BrokerMain;
import dev.starfall.bench.Child;
import dev.starfall.bench.HistoryWriter;
import dev.starfall.bench.Http;
import dev.starfall.embedded.LoopbackPorts;
import dev.starfall.bench.Section;
import dev.starfall.bench.Stats;
import dev.starfall.bench.Target;
import dev.starfall.bench.ThreadCpu;
import dev.starfall.gateway.Gateway;
import dev.starfall.schemas.TopicProvisioner;
import dev.starfall.schemas.Topics;
import dev.starfall.schemas.manifest.Manifest;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * Part 1 of the suite: gateway reads. A gateway (with its projections) holding a simulated event
 * of 100,000 wallets answers the hot endpoints to {@code wrk} on loopback, and the same process
 * answers a bare endpoint with a constant body of the same size on the same server, options and
 * path as a kept answer (before the router): that is the baseline, so the figure to compare
 * between runs is the ratio per pair.
 *
 * <p>How the figure is kept stable on a 2-core shared machine: the gateway JVM has explicit heap,
 * GC, processor count and one event loop, and is pinned to core 0 once the history is loaded (the
 * broker moves to core 1); wrk runs on core 1 with one thread and 64 connections; both arms use
 * the same Lua script and request lines of the same length; a warm-up round is dropped; bare and
 * gateway runs alternate, the order swapping every round.
 */
public final class ReadsBench implements Benchmark {

    /** The shower read: one in the middle of the event. */
    static final int SHOWER = 22;
    static final int CONNECTIONS = 64;
    static final double RATIO_TARGET = 0.85;
    static final double LEADERBOARD_RPS_TARGET = 100_000;
    static final double LEADERBOARD_P99_TARGET_MS = 3.78;
    private static final String SERVER_CPU = "0";
    private static final String CLIENT_CPU = "1";
    private static final int EVENT_LOOPS = 1;
    private static final Pattern MISSES = Pattern.compile("(?m)^starfall_cache_misses_total (\\d+)");
    private static final Pattern RENEWAL_BATCHES = Pattern.compile("(?m)^starfall_renewal_batches_total (\\d+)");
    private static final Pattern RENEWAL_BATCH_READS = Pattern.compile("(?m)^starfall_renewal_batch_reads_total (\\d+)");
    private static final Pattern RENEWAL_BATCH_WAIT = Pattern.compile("(?m)^starfall_renewal_batch_wait_seconds_total ([0-9.]+)");
    private static final Pattern SNAPSHOT_SCANS = Pattern.compile("(?m)^starfall_rank_snapshot_scans_total (\\d+)");
    /**
     * The {@code Accept-Encoding} both arms send, as a browser does (Chrome and Firefox send these four);
     * {@code -Dreads.encoding=} (empty) sends none, so every answer goes out uncompressed, as in the
     * rounds before the fifteenth.
     */
    static final String ACCEPT_ENCODING = System.getProperty("reads.encoding", "gzip, deflate, br, zstd").trim();

    /** Transfers a second written into the counting shower while its endpoint is measured (both arms). */
    static final double LIVE_TRANSFERS_PER_SECOND = 100;
    /** Wallets of the counting shower the live endpoint rotates over, spread over its whole ranking. */
    static final int LIVE_ROTATION = 1_000;
    /** Clients of the counting shower's live top 100 ({@link LiveProbe}), and how long they are measured, each round. */
    static final int LIVE_CLIENTS = 1_000;
    static final Duration LIVE_EACH = Duration.ofSeconds(20);
    private static final Pattern LIVE_LINE = Pattern.compile("open (\\d+), failed (\\d+)\\).*?server ([0-9.]+) cores, clients received ([0-9,]+) bytes/s");

    /**
     * One measured endpoint: the request paths the script rotates over, and each answer's size;
     * {@code topUps}, when transfers are written into the counting shower while it is measured, the
     * wallets that half of them come from (empty when nothing is written).
     */
    private record Endpoint(String name, List<String> paths, List<Integer> sizes, List<String> topUps) {
        /** Its answers change while it is read (no target: each is renewed once per cache life). */
        boolean live() {
            return !topUps.isEmpty();
        }

        int meanSize() {
            return (int) Math.round(sizes.stream().mapToInt(Integer::intValue).average().orElse(0));
        }
    }

    /**
     * One arm's run: wrk's figures, how busy the server's core was (all its threads, and its JIT
     * compiler threads alone), the gateway's cache misses per second, and the reads of its
     * batches of renewals behind (row 80 of the REPORT), those batches and the seconds they gathered
     * reads in all (zero for the bare arm).
     */
    private record Run(Wrk.Result wrk, double serverBusy, double compilersBusy, double missesPerSecond, long batchReads, long batches,
                       double batchWaitSeconds) {
    }

    /** Reads a batch of renewals behind over {@code runs}; NaN when there was no batch. */
    private static double readsPerBatch(List<Run> runs) {
        long batches = runs.stream().mapToLong(Run::batches).sum();
        return batches == 0 ? Double.NaN : (double) runs.stream().mapToLong(Run::batchReads).sum() / batches;
    }

    /** The milliseconds a batch of renewals behind gathered reads, on average over {@code runs}; NaN when there was no batch. */
    private static double batchWaitMs(List<Run> runs) {
        long batches = runs.stream().mapToLong(Run::batches).sum();
        return batches == 0 ? Double.NaN : runs.stream().mapToDouble(Run::batchWaitSeconds).sum() * 1000 / batches;
    }

    /**
     * The runs of one endpoint, measured rounds only; and, for each warm-up pair it ran
     * ({@link WarmUp}), how busy the server's JIT compilers were over that pair.
     */
    private record Runs(List<Run> gateway, List<Run> bare, List<Double> warmUpCompilers) {
    }

    /** One round of the live feeds: the server's cores with no client (the writes alone) and with the clients, and what each client received. */
    private record LiveRound(double floorCores, double cores, double bytesPerClientSecond) {
    }

    /** One {@link LiveProbe} run: the server's cores, and the bytes a second all its clients received. */
    private record LiveRun(double cores, double bytesPerSecond) {
    }

    /**
     * The closed showers read in the rush after a close, one a round (the warm-up's included),
     * none of them read by anything else: each wallet of the shower asks for its standing once.
     */
    static final int RUSH_FIRST_SHOWER = SHOWER + 1;
    private static final Pattern RUSH_LINE = Pattern.compile(Pattern.quote(RushProbe.LINE)
            + " (\\d+) answered \\((\\d+) not 200\\) in ([0-9.]+) s: ([0-9.]+) req/s, p50 ([0-9.]+) ms, p99 ([0-9.]+) ms, server ([0-9.]+) CPU s"
            + " \\(JIT compilers ([0-9.]+)\\)");

    /** One {@link RushProbe} pass: its figures, and the server's CPU seconds over it, in all and in its JIT compiler threads. */
    private record RushRun(int answers, double seconds, double requestsPerSecond, double p50Ms, double p99Ms, double serverCpuSeconds,
                           double compilerCpuSeconds) {
    }

    /** One round of the rush: the shower, its wallets, each arm's pass, and the whole-ranking scans the gateway made in its pass. */
    private record RushRound(int shower, int wallets, RushRun gateway, RushRun bare, long snapshotScans) {
        double ratio() {
            return gateway.requestsPerSecond() / bare.requestsPerSecond();
        }

        /** The server's CPU per answer in the gateway's pass, in ms. */
        double cpuMsPerAnswer() {
            return gateway.serverCpuSeconds() / gateway.answers() * 1000;
        }

        /** The server's JIT compiler threads' part of {@link #cpuMsPerAnswer}. */
        double jitMsPerAnswer() {
            return gateway.compilerCpuSeconds() / gateway.answers() * 1000;
        }

        /** {@link #cpuMsPerAnswer} without the server's JIT compilers: what an answer costs once its code is compiled. */
        double cpuMsPerAnswerBesidesJit() {
            return cpuMsPerAnswer() - jitMsPerAnswer();
        }
    }

    @Override
    public String name() {
        return "reads";
    }

    @Override
    public Section run(BenchContext ctx) throws Exception {
        Manifest manifest = ctx.manifest();
        int wallets = ctx.quick() ? 2_000 : 100_000;
        long events = ctx.quick() ? 20_000 : 400_000;
        int rotation = ctx.quick() ? 20 : 100;
        Duration each = ctx.quick() ? Duration.ofSeconds(3) : Duration.ofSeconds(10);
        Path dir = ctx.fresh("reads");
        // consecutive ports below the ephemeral range: ports the kernel handed out once can come back (the registry's did, as the gateway's)
        int kafkaPort = LoopbackPorts.freeRange(4);
        int registryPort = kafkaPort + 2;
        int httpPort = kafkaPort + 3;

        try (Child broker = ctx.broker("reads-broker", dir.resolve("kafka"), kafkaPort, registryPort)) {
            String[] ready = line(broker.logText(), BrokerMain.READY).split("\\s+");
            String bootstrap = ready[2];
            String registryUrl = ready[3];
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
                new TopicProvisioner(admin, (short) 1).ensure(Topics.PIPELINE, Duration.ofSeconds(120));
            }
            ctx.say(String.format(Locale.ROOT, "reads: writing %,d transfers from %,d wallets", events, wallets));
            HistoryWriter.Written written = new HistoryWriter(manifest, wallets, 7).write(bootstrap, registryUrl, events,
                    n -> ctx.say(String.format(Locale.ROOT, "reads: %,d written", n)));

            // BENCH_SERVER_JVM_OPTS adds options to the server only, e.g. a flight recording to profile it
            List<String> jvm = new java.util.ArrayList<>(BenchContext.SERVICE_JVM);
            String extra = System.getenv("BENCH_SERVER_JVM_OPTS");
            if (extra != null && !extra.isBlank()) {
                jvm.addAll(List.of(extra.trim().split("\\s+")));
            }
            long loadStart = System.nanoTime();
            try (Child gateway = Child.start("reads-gateway", ctx.logs(), Optional.empty(), jvm, GatewayMain.class.getName(),
                    List.of(bootstrap, registryUrl, dir.resolve("state").toString(), Integer.toString(httpPort), Integer.toString(EVENT_LOOPS),
                            written.raised().toString()), Map.of())) {
                gateway.awaitLog(GatewayMain.READY, Duration.ofMinutes(30));
                double loadSeconds = (System.nanoTime() - loadStart) / 1e9;
                String transport = after(line(gateway.logText(), GatewayMain.READY), GatewayMain.TRANSPORT);
                ctx.say(String.format(Locale.ROOT, "reads: gateway caught up in %.0f s; pinning it to core %s, the broker and wrk to core %s",
                        loadSeconds, SERVER_CPU, CLIENT_CPU));
                gateway.pin(SERVER_CPU);
                broker.pin(CLIENT_CPU);
                String base = "http://127.0.0.1:" + httpPort;

                int liveShower = manifest.schedule().showerCount();
                List<Endpoint> endpoints = selected(endpoints(base, rotation, liveShower, ctx.quick() ? 100 : LIVE_ROTATION));
                HistoryWriter writer = new HistoryWriter(manifest, wallets, 7);
                long[] sequence = {events};
                Trickles trickles = topUps -> {
                    HistoryWriter.Trickle t = writer.trickle(bootstrap, registryUrl, liveShower, sequence[0], LIVE_TRANSFERS_PER_SECOND, topUps);
                    sequence[0] += 10_000_000;
                    return t;
                };
                Path script = Wrk.writeScript(dir);
                Map<Endpoint, Path[]> files = new LinkedHashMap<>();
                for (Endpoint e : endpoints) {
                    String slug = e.name().replaceAll("[^a-z0-9]+", "-");
                    files.put(e, new Path[] {
                        Files.write(dir.resolve(slug + ".gateway.paths"), e.paths(), StandardCharsets.UTF_8),
                        Files.write(dir.resolve(slug + ".bare.paths"), barePaths(e), StandardCharsets.UTF_8)});
                }

                Map<Endpoint, Runs> runs = measureRounds(ctx, base, script, files, each, gateway, trickles);
                int liveClients = ctx.quick() ? 100 : LIVE_CLIENTS;
                Duration liveEach = ctx.quick() ? Duration.ofSeconds(5) : LIVE_EACH;
                List<LiveRound> live = selectedApart("live")
                        ? measureLive(ctx, httpPort, bootstrap, registryUrl, gateway, liveClients, liveEach, sequence) : List.of();
                List<RushRound> rush = selectedApart("rush") ? measureRush(ctx, base, dir, gateway) : List.of();
                long rssKiB = gateway.peakRssKiB();
                hold(ctx, dir, base, gateway);
                // -Dreads.only=live measures no endpoint: its section is the live feeds' alone
                String endpointsReport = runs.isEmpty() ? "" : report(ctx, events, wallets, rotation, each, jvm, transport, loadSeconds, runs,
                        rssKiB, liveShower);
                return new Section("1. Gateway reads", endpointsReport + liveReport(live, liveClients, liveEach, liveShower) + rushReport(rush),
                        targets(runs));
            }
        }
    }

    /**
     * With {@code -Dreads.hold=true}, keeps the services up after measuring (for profiling by hand:
     * wrk with the script and path files in the work directory, {@code jcmd <pid> JFR.start}) until
     * the file {@code hold} in the work directory is deleted.
     */
    private static void hold(BenchContext ctx, Path dir, String base, Child gateway) throws IOException, InterruptedException {
        if (!Boolean.getBoolean("reads.hold")) {
            return;
        }
        Path flag = Files.writeString(dir.resolve("hold"), base + " pid " + gateway.pid() + "\n");
        ctx.say("reads: holding the gateway at " + base + " (pid " + gateway.pid() + ", scripts in " + dir + "); delete " + flag + " to go on");
        while (Files.exists(flag) && gateway.isAlive()) {
            Thread.sleep(500);
        }
    }

    // ---- set-up ---------------------------------------------------------------------------------

    /** Starts transfers into the counting shower, half of them from the given wallets. */
    private interface Trickles {
        HistoryWriter.Trickle start(List<String> topUps) throws Exception;
    }

    /**
     * With {@code -Dreads.only=cave,counting}: only the endpoints whose name contains one of those
     * words; {@code live} names the live feeds and {@code rush} the rush after a close, measured
     * after the endpoints.
     */
    private static List<Endpoint> selected(List<Endpoint> all) {
        String only = System.getProperty("reads.only", "").trim();
        if (only.isEmpty()) {
            return all;
        }
        List<Endpoint> kept = all.stream().filter(e -> Arrays.stream(only.split(",")).anyMatch(w -> e.name().contains(w.trim())))
                .toList();
        if (kept.isEmpty() && !selectedApart("live") && !selectedApart("rush")) {
            throw new IllegalArgumentException("-Dreads.only=" + only + " names none of " + all.stream().map(Endpoint::name).toList());
        }
        return kept;
    }

    /**
     * The hot endpoints, with wallets of the shower spread over its ranking; and, in the last shower,
     * which is still counting, one wallet for each of {@code liveRotation} wallets spread over its
     * whole ranking, and its top 100 (its standings change while they are read).
     */
    private static List<Endpoint> endpoints(String base, int rotation, int liveShower, int liveRotation)
            throws IOException, InterruptedException {
        JsonNode board = Http.json(base + "/api/v1/showers/" + SHOWER + "/leaderboard?limit=1000")
                .orElseThrow(() -> new IllegalStateException("no leaderboard for shower " + SHOWER));
        List<String> ranked = new ArrayList<>();
        board.path("entries").forEach(entry -> ranked.add(entry.path("wallet").asText()));
        if (ranked.size() < rotation) {
            throw new IllegalStateException("shower " + SHOWER + " has only " + ranked.size() + " wallets; " + rotation + " needed");
        }
        List<String> inShower = new ArrayList<>();
        List<String> caves = new ArrayList<>();
        for (int i = 0; i < rotation; i++) {
            String wallet = ranked.get(i * ranked.size() / rotation);
            inShower.add("/api/v1/showers/" + SHOWER + "/wallets/" + wallet);
            caves.add("/api/v1/wallets/" + wallet);
        }
        List<Endpoint> endpoints = new ArrayList<>();
        endpoints.add(endpoint(base, "leaderboard top 100", List.of("/api/v1/showers/" + SHOWER + "/leaderboard?limit=100"), List.of()));
        endpoints.add(endpoint(base, "shower summary", List.of("/api/v1/showers/" + SHOWER), List.of()));
        endpoints.add(endpoint(base, "wallet in a shower", inShower, List.of()));
        endpoints.add(endpoint(base, "cave", caves, List.of()));
        List<String> spread = spread(base, liveShower, liveRotation);
        List<String> live = new ArrayList<>();
        for (String wallet : spread) {
            live.add("/api/v1/showers/" + liveShower + "/wallets/" + wallet);
        }
        endpoints.add(endpoint(base, "wallet in a counting shower", live, spread));
        endpoints.add(endpoint(base, "counting shower's top 100", List.of("/api/v1/showers/" + liveShower + "/leaderboard?limit=100"), spread));
        return endpoints;
    }

    /** {@code count} wallets of a shower at ranks spread evenly over its whole ranking, best first. */
    private static List<String> spread(String base, int shower, int count) throws IOException, InterruptedException {
        List<String> ranked = ranked(base, shower);
        if (ranked.size() < count) {
            throw new IllegalStateException("shower " + shower + " has only " + ranked.size() + " wallets; " + count + " needed");
        }
        List<String> spread = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            spread.add(ranked.get((int) ((long) i * ranked.size() / count)));
        }
        return spread;
    }

    /** Every wallet of a shower, best first, from its leaderboard's pages. */
    private static List<String> ranked(String base, int shower) throws IOException, InterruptedException {
        List<String> ranked = new ArrayList<>();
        for (int offset = 0; ; offset += 1000) {
            String url = base + "/api/v1/showers/" + shower + "/leaderboard?limit=1000&offset=" + offset;
            JsonNode page = Http.json(url)
                    .orElseThrow(() -> new IllegalStateException("no leaderboard for shower " + shower + "; asked again: " + Http.describe(url)));
            page.path("entries").forEach(entry -> ranked.add(entry.path("wallet").asText()));
            if (page.path("entries").size() < 1000) {
                break;
            }
        }
        return ranked;
    }

    /** Fetches each path once, as wrk will ask: it must answer 200, and the size of its body as sent is what the bare arm sends. */
    private static Endpoint endpoint(String base, String name, List<String> paths, List<String> topUps)
            throws IOException, InterruptedException {
        List<Integer> sizes = new ArrayList<>();
        for (String path : paths) {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10));
            if (!ACCEPT_ENCODING.isEmpty()) {
                request.header("Accept-Encoding", ACCEPT_ENCODING); // the JDK's client decodes nothing: the size is what is sent
            }
            HttpResponse<byte[]> r = Http.client().send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            if (r.statusCode() != 200) {
                throw new IllegalStateException(path + " answered " + r.statusCode() + ": " + new String(r.body(), StandardCharsets.UTF_8));
            }
            sizes.add(r.body().length);
        }
        return new Endpoint(name, List.copyOf(paths), List.copyOf(sizes), List.copyOf(topUps));
    }

    /** For each gateway path, a bare path for a body of the same size, padded to a request line of the same length. */
    private static List<String> barePaths(Endpoint e) {
        List<String> bare = new ArrayList<>();
        for (int i = 0; i < e.paths().size(); i++) {
            String p = Gateway.BARE_PREFIX + e.sizes().get(i);
            int pad = e.paths().get(i).length() - p.length() - 1;
            bare.add(pad > 0 ? p + "?" + "p".repeat(pad) : p);
        }
        return bare;
    }

    // ---- measuring ------------------------------------------------------------------------------

    /**
     * A dropped warm-up round, in which each endpoint's pair is repeated until the server's JIT
     * compilers are quiet ({@link WarmUp#DEFAULT}), then {@code ctx.rounds()} rounds of bare and
     * gateway runs, the order swapping every round.
     */
    private static Map<Endpoint, Runs> measureRounds(BenchContext ctx, String base, Path script, Map<Endpoint, Path[]> files, Duration each,
                                                     Child gateway, Trickles trickles) throws Exception {
        Wrk wrk = new Wrk(CLIENT_CPU, CONNECTIONS, ACCEPT_ENCODING.isEmpty() ? List.of() : List.of("Accept-Encoding: " + ACCEPT_ENCODING));
        Map<Endpoint, Runs> runs = new LinkedHashMap<>();
        files.keySet().forEach(e -> runs.put(e, new Runs(new ArrayList<>(), new ArrayList<>(), new ArrayList<>())));
        for (int round = 0; round <= ctx.rounds(); round++) {
            for (Endpoint e : files.keySet()) {
                boolean bareFirst = round % 2 == 0;
                for (int pair = 1; ; pair++) {
                    Run first;
                    Run second;
                    long trickled = 0;
                    try (HistoryWriter.Trickle trickle = e.live() ? trickles.start(e.topUps()) : null) {
                        first = measure(wrk, base, script, files.get(e)[bareFirst ? 1 : 0], each, gateway, !bareFirst);
                        second = measure(wrk, base, script, files.get(e)[bareFirst ? 0 : 1], each, gateway, bareFirst);
                        trickled = trickle == null ? 0 : trickle.written();
                    }
                    Run bare = bareFirst ? first : second;
                    Run gw = bareFirst ? second : first;
                    double compilers = compilersBusy(gw, bare);
                    ctx.say(String.format(Locale.ROOT, "reads: round %d%s %-20s gateway %,9.0f req/s p99 %6.2f ms | bare %,9.0f req/s p99 %6.2f ms"
                                    + " | ratio %.3f | server core %.0f / %.0f %% (JIT %.1f %%), wrk core %.0f %%, cache misses %.0f/s%s%s",
                            round, round == 0 ? " (warm-up" + (pair > 1 ? ", pair " + pair : "") + ")" : "", e.name(),
                            gw.wrk().requestsPerSecond(), gw.wrk().p99Ms(), bare.wrk().requestsPerSecond(), bare.wrk().p99Ms(), ratio(gw, bare),
                            gw.serverBusy() * 100, bare.serverBusy() * 100, compilers * 100, gw.wrk().wrkBusy() * 100, gw.missesPerSecond(),
                            gw.batches() == 0 ? "" : String.format(Locale.ROOT, " (%.1f renewal reads a batch, gathered %.1f ms)",
                                    readsPerBatch(List.of(gw)), batchWaitMs(List.of(gw))),
                            e.live() ? String.format(Locale.ROOT, ", %,d transfers written", trickled) : ""));
                    if (round > 0) {
                        runs.get(e).gateway().add(gw);
                        runs.get(e).bare().add(bare);
                        break;
                    }
                    runs.get(e).warmUpCompilers().add(compilers);
                    if (!WarmUp.DEFAULT.again(pair, compilers)) {
                        break;
                    }
                }
            }
        }
        return runs;
    }

    /** Whether a measurement apart from the endpoints ({@code live}, {@code rush}) runs: always, unless {@code -Dreads.only} leaves out its word. */
    private static boolean selectedApart(String word) {
        String only = System.getProperty("reads.only", "").trim();
        return only.isEmpty() || Arrays.stream(only.split(",")).anyMatch(w -> w.trim().equals(word));
    }

    /**
     * The rush after a close: each round, every wallet of a closed shower that nothing read
     * before asks for its standing once, in a random order ({@link RushProbe} pinned to the
     * client's core, 64 connections, the same headers); then, or before (the order swapping every
     * round), the bare endpoint answers as many requests of a wallet answer's size. One closed
     * shower a round, the warm-up's included, as a closed shower's answers are kept for good once read.
     */
    private static List<RushRound> measureRush(BenchContext ctx, String base, Path dir, Child gateway) throws Exception {
        // the size of a wallet's answer for the bare arm: a wallet of the read shower, which no rush shower is
        String sample = "/api/v1/showers/" + SHOWER + "/wallets/" + ranked(base, SHOWER).get(0);
        int size = endpoint(base, "sample", List.of(sample), List.of()).sizes().get(0);
        List<RushRound> rounds = new ArrayList<>();
        for (int round = 0; round <= ctx.rounds(); round++) {
            int shower = RUSH_FIRST_SHOWER + round;
            if (shower >= ctx.manifest().schedule().showerCount()) {
                throw new IllegalStateException("no closed shower left for round " + round + " of the rush");
            }
            String status = Http.json(base + "/api/v1/showers/" + shower).map(j -> j.path("status").asText()).orElse("none");
            if (!status.equals("CLOSED")) {
                throw new IllegalStateException("shower " + shower + " of the rush is " + status + ", not CLOSED");
            }
            List<String> wallets = new ArrayList<>(ranked(base, shower));
            Collections.shuffle(wallets, new Random(shower));
            List<String> paths = wallets.stream().map(w -> "/api/v1/showers/" + shower + "/wallets/" + w).toList();
            Endpoint e = new Endpoint("rush " + shower, paths, Collections.nCopies(paths.size(), size), List.of());
            Path gatewayPaths = Files.write(dir.resolve("rush-" + shower + ".gateway.paths"), paths, StandardCharsets.UTF_8);
            Path barePaths = Files.write(dir.resolve("rush-" + shower + ".bare.paths"), barePaths(e), StandardCharsets.UTF_8);
            boolean bareFirst = round % 2 == 0;
            RushRun bare = bareFirst ? rushPass(ctx, base, barePaths, size, gateway, "bare-" + round) : null;
            long scans = snapshotScans(base);
            RushRun gw = rushPass(ctx, base, gatewayPaths, size, gateway, "gateway-" + round);
            long scanned = snapshotScans(base) - scans;
            if (!bareFirst) {
                bare = rushPass(ctx, base, barePaths, size, gateway, "bare-" + round);
            }
            RushRound r = new RushRound(shower, paths.size(), gw, bare, scanned);
            ctx.say(String.format(Locale.ROOT, "reads: round %d%s rush after shower %d closed, %,d wallets once each: gateway %,9.0f req/s"
                            + " p99 %7.2f ms, %.3f ms of server CPU an answer (%.3f besides the JIT compilers), %d whole-ranking scans"
                            + " | bare %,9.0f req/s | ratio %.3f",
                    round, round == 0 ? " (warm-up)" : "", shower, paths.size(), gw.requestsPerSecond(), gw.p99Ms(),
                    r.cpuMsPerAnswer(), r.cpuMsPerAnswerBesidesJit(), scanned, bare.requestsPerSecond(), r.ratio()));
            if (round > 0) {
                rounds.add(r);
            }
        }
        return rounds;
    }

    /** Runs {@link RushProbe} once over {@code paths}, pinned to the client's core, and reads its figures from its output. */
    private static RushRun rushPass(BenchContext ctx, String base, Path paths, int warmBytes, Child server, String name) throws Exception {
        URI uri = URI.create(base);
        try (Child probe = Child.start("reads-rush-" + name, ctx.logs(), Optional.of(CLIENT_CPU),
                List.of("-Xmx512m", "-XX:+UseParallelGC", "-XX:ActiveProcessorCount=1"), RushProbe.class.getName(),
                List.of(uri.getHost(), Integer.toString(uri.getPort()), paths.toString(), Integer.toString(CONNECTIONS),
                        ACCEPT_ENCODING.isEmpty() ? "none" : ACCEPT_ENCODING, Integer.toString(warmBytes), Long.toString(server.pid())), Map.of())) {
            probe.awaitExit(Duration.ofMinutes(30));
            Matcher m = RUSH_LINE.matcher(probe.logText());
            if (!m.find()) {
                throw new IllegalStateException("no figures from the rush probe; see " + probe.log());
            }
            if (Integer.parseInt(m.group(2)) != 0) {
                throw new IllegalStateException(m.group(2) + " of " + m.group(1) + " answers of the rush were not 200; see " + probe.log());
            }
            return new RushRun(Integer.parseInt(m.group(1)), Double.parseDouble(m.group(3)), Double.parseDouble(m.group(4)),
                    Double.parseDouble(m.group(5)), Double.parseDouble(m.group(6)), Double.parseDouble(m.group(7)),
                    Double.parseDouble(m.group(8)));
        }
    }

    /** The gateway's whole-ranking scans for rank snapshots so far, from its Prometheus text. */
    private static long snapshotScans(String base) throws IOException, InterruptedException {
        return counter(base, SNAPSHOT_SCANS).orElseThrow(
                () -> new IllegalStateException("no starfall_rank_snapshot_scans_total in the gateway's /metrics"));
    }

    /**
     * Each round, {@link LiveProbe} pinned to the client's core, once with no client (the floor: the
     * writes into the counting shower alone) and once with {@code clients} gzip clients of its live
     * top 100, the order swapping every round; after one dropped warm-up round, as the endpoints.
     */
    private static List<LiveRound> measureLive(BenchContext ctx, int port, String bootstrap, String registry, Child gateway, int clients,
                                               Duration each, long[] sequence) throws Exception {
        List<LiveRound> rounds = new ArrayList<>();
        for (int round = 0; round <= ctx.rounds(); round++) {
            boolean floorFirst = round % 2 == 0;
            LiveRun first = liveProbe(ctx, round, port, bootstrap, registry, gateway, floorFirst ? 0 : clients, each, sequence);
            LiveRun second = liveProbe(ctx, round, port, bootstrap, registry, gateway, floorFirst ? clients : 0, each, sequence);
            LiveRun floor = floorFirst ? first : second;
            LiveRun fed = floorFirst ? second : first;
            LiveRound r = new LiveRound(floor.cores(), fed.cores(), fed.bytesPerSecond() / clients);
            ctx.say(String.format(Locale.ROOT, "reads: round %d%s live feeds: server %.3f cores with %,d gzip clients, %.3f with none (above: %.3f);"
                    + " %,.0f bytes a second to each client", round, round == 0 ? " (warm-up)" : "", r.cores(), clients, r.floorCores(),
                    r.cores() - r.floorCores(), r.bytesPerClientSecond()));
            if (round > 0) {
                rounds.add(r);
            }
        }
        return rounds;
    }

    /** Runs {@link LiveProbe} once, pinned to the client's core, and reads its figures from its output. */
    private static LiveRun liveProbe(BenchContext ctx, int round, int port, String bootstrap, String registry, Child gateway, int clients,
                                      Duration each, long[] sequence) throws Exception {
        long first = sequence[0];
        sequence[0] += 10_000_000;
        try (Child probe = Child.start("reads-live-" + round + "-" + clients, ctx.logs(), Optional.of(CLIENT_CPU),
                List.of("-Xmx512m", "-XX:+UseParallelGC", "-XX:ActiveProcessorCount=1"), LiveProbe.class.getName(),
                List.of("127.0.0.1", Integer.toString(port), bootstrap, registry, Long.toString(gateway.pid()), Integer.toString(clients),
                        Long.toString(each.toSeconds()), "gzip", Long.toString(first)), Map.of())) {
            probe.awaitExit(each.plusMinutes(2));
            Matcher m = LIVE_LINE.matcher(probe.logText());
            if (!m.find()) {
                throw new IllegalStateException("no figures from the live feeds' probe; see " + probe.log());
            }
            if (Integer.parseInt(m.group(1)) != clients || Integer.parseInt(m.group(2)) != 0) {
                throw new IllegalStateException(m.group(1) + " of " + clients + " live clients open, " + m.group(2) + " failed; see " + probe.log());
            }
            return new LiveRun(Double.parseDouble(m.group(3)), Double.parseDouble(m.group(4).replace(",", "")));
        }
    }

    private static Run measure(Wrk wrk, String base, Path script, Path paths, Duration each, Child server, boolean gatewayArm)
            throws IOException, InterruptedException {
        Counters before = gatewayArm ? counters(base) : Counters.NONE;
        long cpu = ThreadCpu.processTicks(server.pid());
        long compilers = ThreadCpu.compilerTicks(server.pid());
        long start = System.nanoTime();
        Wrk.Result r = wrk.run(base, script, paths, each);
        double seconds = (System.nanoTime() - start) / 1e9;
        double busy = (ThreadCpu.processTicks(server.pid()) - cpu) / 100.0 / seconds; // USER_HZ is 100 on Linux
        double compilersBusy = (ThreadCpu.compilerTicks(server.pid()) - compilers) / 100.0 / seconds;
        Counters after = gatewayArm ? counters(base) : Counters.NONE;
        return new Run(r, busy, compilersBusy, (after.misses() - before.misses()) / seconds, after.batchReads() - before.batchReads(),
                after.batches() - before.batches(), after.batchWaitSeconds() - before.batchWaitSeconds());
    }

    /** The gateway's counters a run reports: cache misses, and the reads, batches and gathering seconds of its renewals behind. */
    private record Counters(long misses, long batchReads, long batches, double batchWaitSeconds) {
        static final Counters NONE = new Counters(0, 0, 0, 0);
    }

    /** The gateway's {@link Counters} so far, from one read of its Prometheus text (zero for a counter it does not have). */
    private static Counters counters(String base) throws IOException, InterruptedException {
        String text = metricsText(base);
        Matcher wait = RENEWAL_BATCH_WAIT.matcher(text);
        return new Counters(valueIn(text, MISSES).orElse(0), valueIn(text, RENEWAL_BATCH_READS).orElse(0),
                valueIn(text, RENEWAL_BATCHES).orElse(0), wait.find() ? Double.parseDouble(wait.group(1)) : 0);
    }

    /** A counter of the gateway's Prometheus text, by a pattern whose first group is its value; empty when it is not there. */
    private static OptionalLong counter(String base, Pattern counter) throws IOException, InterruptedException {
        return valueIn(metricsText(base), counter);
    }

    private static OptionalLong valueIn(String text, Pattern counter) {
        Matcher m = counter.matcher(text);
        return m.find() ? OptionalLong.of(Long.parseLong(m.group(1))) : OptionalLong.empty();
    }

    private static String metricsText(String base) throws IOException, InterruptedException {
        return Http.client().send(HttpRequest.newBuilder(URI.create(base + "/metrics")).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }


    /** The share of the server's core its JIT compilers took over a pair (the arms run equally long). */
    private static double compilersBusy(Run gateway, Run bare) {
        return (gateway.compilersBusy() + bare.compilersBusy()) / 2;
    }

    private static double ratio(Run gateway, Run bare) {
        return gateway.wrk().requestsPerSecond() / bare.wrk().requestsPerSecond();
    }

    /** An endpoint's req/s ratio to the bare endpoint, per pair. */
    private static Stats ratios(Runs r) {
        List<Double> ratios = new ArrayList<>();
        for (int i = 0; i < r.gateway().size(); i++) {
            ratios.add(ratio(r.gateway().get(i), r.bare().get(i)));
        }
        return Stats.of(ratios);
    }

    /** This run's verdicts: every cached endpoint's ratio to bare, and the leaderboard on one core, from the measured runs. */
    private static List<Target> targets(Map<Endpoint, Runs> runs) {
        Map<String, Stats> cached = new LinkedHashMap<>();
        runs.forEach((e, r) -> {
            if (!e.live()) {
                cached.put(e.name(), ratios(r));
            }
        });
        Optional<Runs> board = leaderboard(runs);
        return targets(cached, board.map(b -> stats(b.gateway(), x -> x.wrk().requestsPerSecond())),
                board.map(b -> stats(b.gateway(), x -> x.wrk().p99Ms())));
    }

    /**
     * The reads' verdicts: the cached endpoints' req/s ratio to bare, each by the median of its pairs,
     * met when every one is at least {@link #RATIO_TARGET}; the leaderboard top 100 on one core, met
     * when its median req/s is at least {@link #LEADERBOARD_RPS_TARGET} and its median p99 under
     * {@link #LEADERBOARD_P99_TARGET_MS}. An endpoint not measured (`-Dreads.only`) gives no verdict.
     */
    static List<Target> targets(Map<String, Stats> cachedRatios, Optional<Stats> leaderboardRps, Optional<Stats> leaderboardP99) {
        List<Target> out = new ArrayList<>();
        if (!cachedRatios.isEmpty()) {
            StringBuilder measured = new StringBuilder();
            cachedRatios.forEach((name, s) -> measured.append(measured.length() == 0 ? "" : ", ")
                    .append(String.format(Locale.ROOT, "%s %.3f", name, s.median())));
            boolean met = cachedRatios.values().stream().allMatch(ReadsBench::cachedMet);
            out.add(Target.judged("cached endpoints: req/s at least " + RATIO_TARGET + " of the bare endpoint's (median of the pairs)",
                    measured.toString(), met));
        }
        if (leaderboardRps.isPresent() && leaderboardP99.isPresent()) {
            double rps = leaderboardRps.get().median();
            double p99 = leaderboardP99.get().median();
            out.add(Target.judged(String.format(Locale.ROOT, "leaderboard top 100, server on one core: at least %,.0f req/s with p99 under %.2f ms "
                            + "(medians)", LEADERBOARD_RPS_TARGET, LEADERBOARD_P99_TARGET_MS),
                    String.format(Locale.ROOT, "%,.0f req/s, p99 %.2f ms (wrk is closed-loop: its p99 is mostly queueing)", rps, p99),
                    leaderboardMet(rps, p99)));
        }
        return out;
    }

    /** The leaderboard top 100's runs, when it was measured. */
    private static Optional<Runs> leaderboard(Map<Endpoint, Runs> runs) {
        return runs.entrySet().stream().filter(r -> r.getKey().name().startsWith("leaderboard")).map(Map.Entry::getValue).findFirst();
    }

    private static boolean cachedMet(Stats ratioToBare) {
        return ratioToBare.median() >= RATIO_TARGET;
    }

    private static boolean leaderboardMet(double rps, double p99Ms) {
        return rps >= LEADERBOARD_RPS_TARGET && p99Ms < LEADERBOARD_P99_TARGET_MS;
    }

    // ---- report ---------------------------------------------------------------------------------

    private static String report(BenchContext ctx, long events, int wallets, int rotation, Duration each, List<String> jvm,
                                 String transport, double loadSeconds, Map<Endpoint, Runs> runs, long rssKiB, int liveShower) {
        StringBuilder md = new StringBuilder();
        md.append("| endpoint | body sent (bytes) | arm | req/s | p50 (ms) | p99 (ms) | server core busy | wrk core busy | cache misses/s |\n");
        md.append("|---|---:|---|---:|---:|---:|---:|---:|---:|\n");
        runs.forEach((e, r) -> {
            row(md, e.name(), e.meanSize() + (e.paths().size() > 1 ? " (mean of " + e.paths().size() + ")" : ""), "gateway", r.gateway(), true);
            row(md, "", "", "bare", r.bare(), false);
        });
        md.append("\n| endpoint | ratio to bare: req/s, per pair | target | met (median) | ratio to bare: requests per server CPU-second, per pair |\n")
                .append("|---|---:|---|---|---:|\n");
        runs.forEach((e, r) -> {
            List<Double> perCpu = new ArrayList<>();
            for (int i = 0; i < r.gateway().size(); i++) {
                Run g = r.gateway().get(i);
                Run b = r.bare().get(i);
                perCpu.add(ratio(g, b) * b.serverBusy() / g.serverBusy());
            }
            Stats s = ratios(r);
            md.append("| ").append(e.name()).append(" | ").append(s.format(3));
            if (e.live()) {
                md.append(" | none (renewed: its answers change) | | ");
            } else {
                md.append(" | >= ").append(RATIO_TARGET).append(" (cached) | ").append(cachedMet(s) ? "yes" : "**no**").append(" | ");
            }
            md.append(Stats.of(perCpu).format(3)).append(" |\n");
        });
        leaderboard(runs).ifPresentOrElse(board -> {
            Stats rps = stats(board.gateway(), x -> x.wrk().requestsPerSecond());
            Stats p99 = stats(board.gateway(), x -> x.wrk().p99Ms());
            boolean met = leaderboardMet(rps.median(), p99.median());
            md.append(String.format(Locale.ROOT, "%nLeaderboard top 100 on one core: %,.0f req/s with p99 %.2f ms (medians); target >= %,.0f "
                            + "req/s with p99 < %.2f ms: %s.%n%n", rps.median(), p99.median(), LEADERBOARD_RPS_TARGET, LEADERBOARD_P99_TARGET_MS,
                    met ? "met" : "**not met**"));
        }, () -> md.append("\n"));
        long errors = runs.values().stream().flatMap(r -> java.util.stream.Stream.concat(r.gateway().stream(), r.bare().stream()))
                .mapToLong(x -> x.wrk().errors()).sum();
        if (errors > 0) {
            md.append("**").append(errors).append(" non-2xx answers or socket errors** in the measured runs: the figures above count them as requests.\n\n");
        }
        md.append(String.format(Locale.ROOT, "Peak RSS of the gateway process (projections, RocksDB and gateway, including the catch-up): %,d MiB.%n%n",
                rssKiB / 1024));
        md.append("wrk is closed-loop (each of its ").append(CONNECTIONS).append(" connections sends the next request when the answer "
                + "arrives), so its p99 is mostly queueing behind the other connections, not service time; req/s is the figure that says "
                + "what one core sustains.\n\n");
        md.append("How it was measured:\n\n");
        md.append(String.format(Locale.ROOT, "- History: %,d `TransferObserved` events from %,d wallets over the manifest's %d showers, written "
                        + "straight to the transfers topic; the gateway and projections caught up in %.0f s (the sum of `raised` over "
                        + "`/api/v1/showers` equals the total written). Shower %d is read.%n", events, wallets,
                ctx.manifest().schedule().showerCount(), loadSeconds, SHOWER));
        md.append("- Server: projections and gateway in one JVM (`").append(String.join(" ", jvm)).append("`, ").append(EVENT_LOOPS)
                .append(" Vert.x event loop on the ").append(transport)
                .append(" network transport, the product's default unless `-D").append(GatewayMain.TRANSPORT_PROPERTY)
                .append("` names another; per-client rate limit off), pinned to core ").append(SERVER_CPU)
                .append(" once caught up; the broker then moves to core ").append(CLIENT_CPU).append(".\n");
        md.append("- Baseline: `GET ").append(Gateway.BARE_PREFIX).append("{bytes}`, answered by the gateway's own server on the path of a kept answer "
                + "(before the router, as a hot URI's fresh answer; same server options, same event loop, same headers as a cached answer: Content-Type, ETag, Cache-Control, "
                + "X-Starfall-Served-By), with a constant body of each answer's size as sent and a request line padded to the same length; "
                + "the bare body is never compressed, so a gzip answer's bare arm sends as many bytes, uncompressed, without the "
                + "gateway's `Content-Encoding` and `Vary` header lines (47 bytes).\n");
        md.append("- Client: `taskset -c ").append(CLIENT_CPU).append(" wrk -t1 -c").append(CONNECTIONS).append(" -d").append(each.toSeconds())
                .append("s --latency -s reads.lua").append(ACCEPT_ENCODING.isEmpty() ? "" : " -H 'Accept-Encoding: " + ACCEPT_ENCODING + "'")
                .append("`; the same Lua script and headers for both arms (it rotates over pre-formatted requests: ")
                .append(rotation).append(" wallets spread over the shower's ranking for the wallet and cave endpoints). "
                + "A wrk core near 100 % busy means the client, not the server, sets the figure.\n");
        runs.keySet().stream().filter(Endpoint::live).findFirst().ifPresent(live -> md.append(String.format(Locale.ROOT,
                "- Wallet in a counting shower: shower %d, the last, is still counting when the history ends. While both arms of "
                        + "this endpoint run, the benchmark writes %.0f transfers a second into it (block time just before its close; half "
                        + "of them top-ups by the %,d wallets read, spread over its whole ranking, half from any wallet of the history), so "
                        + "its counts, and so its standings, change all the time: each wallet's answer is renewed once per cache life. "
                        + "The counting shower's top 100 is read under the same writes: one renewal per cache life.%n",
                liveShower, LIVE_TRANSFERS_PER_SECOND, live.topUps().size())));
        md.append("- ").append(ctx.rounds()).append(" measured rounds after one dropped warm-up round; in each round bare and gateway runs of "
                + "an endpoint follow each other, the order swapping every round; the ratio is taken per pair. Server core busy is the "
                + "gateway JVM's CPU time per second of the run (all threads, on its one core). When other work on the machine takes "
                + "part of that core, both arms lose throughput but not in step; the last column (each arm's req/s divided by its "
                + "server core busy) cancels that out and is the steadier cross-check of the ratio.\n");
        md.append("- Warm-up: each endpoint's pair is ").append(WarmUp.DEFAULT.describe())
                .append(" (the image's JIT thresholds compile an endpoint's own code at the rate it is asked for). ")
                .append("Pairs, with the compilers' share of the server's core in each, then that share over the measured pairs: ");
        StringBuilder warm = new StringBuilder();
        runs.forEach((e, r) -> {
            List<Double> measured = new ArrayList<>();
            for (int i = 0; i < r.gateway().size(); i++) {
                measured.add(compilersBusy(r.gateway().get(i), r.bare().get(i)));
            }
            warm.append(warm.length() == 0 ? "" : "; ").append(e.name()).append(' ').append(r.warmUpCompilers().size()).append(" (")
                    .append(String.join(", ", r.warmUpCompilers().stream().map(c -> String.format(Locale.ROOT, "%.1f %%", c * 100)).toList()))
                    .append("), then ").append(percent1(Stats.of(measured)));
        });
        md.append(warm).append(".\n");
        StringBuilder batched = new StringBuilder();
        runs.forEach((e, r) -> {
            double perBatch = readsPerBatch(r.gateway());
            if (!Double.isNaN(perBatch)) {
                batched.append(batched.length() == 0 ? "" : "; ").append(e.name())
                        .append(String.format(Locale.ROOT, " %.1f reads, gathered %.1f ms", perBatch, batchWaitMs(r.gateway())));
            }
        });
        if (batched.length() > 0) {
            md.append("- Renewals behind (answers served past their life while a read renews them) are read in batches of one worker task "
                    + "each (row 80); a batch's reads and the time it gathered them, on average over the gateway's measured runs: ")
                    .append(batched).append(".\n");
        }
        return md.toString();
    }

    private static String liveReport(List<LiveRound> live, int clients, Duration each, int shower) {
        if (live.isEmpty()) {
            return "";
        }
        StringBuilder md = new StringBuilder();
        md.append(String.format(Locale.ROOT, "%nLive feeds: %,d clients of shower %d's live top 100 (server-sent events, each sending "
                + "`Accept-Encoding: gzip`), while %.0f transfers a second are written into that shower, so the board changes at each of "
                + "the feed's polls; `LiveProbe` pinned to core %s, %d s a run; the floor is the same run with no client (the writes "
                + "alone); %d measured rounds after a dropped warm-up, the order swapping every round.%n%n", clients, shower,
                LIVE_TRANSFERS_PER_SECOND, CLIENT_CPU, each.toSeconds(), live.size()));
        md.append("| figure | min / median / max |\n|---|---|\n");
        md.append("| server, cores, with the clients | ").append(Stats.of(live.stream().map(LiveRound::cores).toList()).format(3)).append(" |\n");
        md.append("| server, cores, with no client (the floor) | ").append(Stats.of(live.stream().map(LiveRound::floorCores).toList()).format(3))
                .append(" |\n");
        md.append("| **the clients' cost: cores above the floor, per round** | ")
                .append(Stats.of(live.stream().map(r -> r.cores() - r.floorCores()).toList()).format(3)).append(" |\n");
        md.append("| bytes a second received by each client | ").append(Stats.of(live.stream().map(LiveRound::bytesPerClientSecond).toList())
                .format(0)).append(" |\n");
        return md.toString();
    }

    private static String rushReport(List<RushRound> rush) {
        if (rush.isEmpty()) {
            return "";
        }
        StringBuilder md = new StringBuilder();
        md.append(String.format(Locale.ROOT, "%nThe rush after a close: each round, every wallet of a closed shower that nothing had read "
                + "asks for its standing once (`/api/v1/showers/{n}/wallets/{address}`, in a random order), by `RushProbe` (Vert.x's HTTP "
                + "client, %d keep-alive connections in a closed loop, the same headers as wrk's, pinned to core %s, warmed on the bare "
                + "endpoint first); the bare arm answers as many requests of a wallet answer's size; one shower a round (showers %d to %d, "
                + "after shower %d in the dropped warm-up round), %d measured rounds, the order swapping every round. The server's CPU is "
                + "its process's over the pass, and the same without its JIT compiler threads (the kernel's `C1 CompilerThre` and "
                + "`C2 CompilerThre`): a rush is the first time the server runs a closed shower's reads, and measured alone "
                + "(`-Dreads.only=rush`) its first rounds are still compiling them; whole-ranking scans are the gateway's "
                + "`starfall_rank_snapshot_scans_total` over its pass.%n%n",
                CONNECTIONS, CLIENT_CPU, RUSH_FIRST_SHOWER + 1, RUSH_FIRST_SHOWER + rush.size(), RUSH_FIRST_SHOWER, rush.size()));
        md.append("| shower | wallets | gateway: pass (s) | req/s | p50 (ms) | p99 (ms) | server CPU an answer (ms) | of which JIT compilers (ms) "
                + "| whole-ranking scans | bare req/s | ratio to bare |\n");
        md.append("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (RushRound r : rush) {
            md.append(String.format(Locale.ROOT, "| %d | %,d | %.2f | %,.0f | %.2f | %.2f | %.3f | %.3f | %d | %,.0f | %.3f |%n", r.shower(),
                    r.wallets(), r.gateway().seconds(), r.gateway().requestsPerSecond(), r.gateway().p50Ms(), r.gateway().p99Ms(),
                    r.cpuMsPerAnswer(), r.jitMsPerAnswer(), r.snapshotScans(), r.bare().requestsPerSecond(),
                    r.ratio()));
        }
        md.append(String.format(Locale.ROOT, "%nRatio to bare, min / median / max: %s; server CPU an answer: %s ms, besides the JIT compilers: %s ms.%n",
                Stats.of(rush.stream().map(RushRound::ratio).toList()).format(3),
                Stats.of(rush.stream().map(RushRound::cpuMsPerAnswer).toList()).format(3),
                Stats.of(rush.stream().map(RushRound::cpuMsPerAnswerBesidesJit).toList()).format(3)));
        return md.toString();
    }

    private static void row(StringBuilder md, String endpoint, String size, String arm, List<Run> runs, boolean gateway) {
        md.append("| ").append(endpoint).append(" | ").append(size).append(" | ").append(arm).append(" | ")
                .append(stats(runs, x -> x.wrk().requestsPerSecond()).format(0)).append(" | ")
                .append(stats(runs, x -> x.wrk().p50Ms()).format(2)).append(" | ")
                .append(stats(runs, x -> x.wrk().p99Ms()).format(2)).append(" | ")
                .append(percent(stats(runs, Run::serverBusy))).append(" | ")
                .append(percent(stats(runs, x -> x.wrk().wrkBusy()))).append(" | ")
                .append(gateway ? stats(runs, Run::missesPerSecond).format(0) : "").append(" |\n");
    }

    private static Stats stats(List<Run> runs, ToDoubleFunction<Run> figure) {
        return Stats.of(runs.stream().map(figure::applyAsDouble).toList());
    }

    /** min / median / max as percentages with one decimal: the compilers' small shares. */
    private static String percent1(Stats s) {
        return String.format(Locale.ROOT, "%.1f / %.1f / %.1f %%", s.min() * 100, s.median() * 100, s.max() * 100);
    }

    private static String percent(Stats s) {
        return String.format(Locale.ROOT, "%.0f / %.0f / %.0f %%", s.min() * 100, s.median() * 100, s.max() * 100);
    }

    private static String line(String log, String marker) {
        return log.lines().filter(l -> l.contains(marker)).findFirst()
                .orElseThrow(() -> new IllegalStateException("no '" + marker + "' line"));
    }

    /** The word after {@code marker} in {@code line}. */
    static String after(String line, String marker) {
        int at = line.indexOf(marker);
        if (at < 0) {
            throw new IllegalStateException("no '" + marker + "' in: " + line);
        }
        return line.substring(at + marker.length()).trim().split("\\s+")[0];
    }
}
