package dev.starfall.cli.ops;

import java.io.IOException;
import java.io.PrintStream;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.LongSupplier;

import com.fasterxml.jackson.databind.JsonNode;
import dev.starfall.cli.Args;
import dev.starfall.cli.Command;
import dev.starfall.cli.UsageException;

/**
 * {@code starfall await-ready}: waits until a gateway can take traffic (ready, and its projections
 * caught up with the transfer log), then prints every shower's digest; with {@code --compare-with},
 * compares them with another gateway's (blue/green: the new fleet against the one serving now).
 *
 * <p>Caught up means: every shower's digest answers and none has changed for {@code --settle}.
 * With {@code --compare-with}, the two are ready to swap as soon as all digests are equal; a
 * difference is final (exit 1) once both sides have been unchanged for {@code --settle}, so that a
 * fleet still reading the log, or a transfer arriving in between, is waited for.
 */
public final class AwaitReadyCommand implements Command {

    static final String GATEWAY = "--gateway";
    static final String COMPARE_WITH = "--compare-with";
    /** Give up after this long. */
    static final String TIMEOUT = "--timeout";
    static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(10);
    /** Time between polls. */
    static final String INTERVAL = "--interval";
    static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(1);
    /** How long the digests must stay unchanged to count as caught up. */
    static final String SETTLE = "--settle";
    static final Duration DEFAULT_SETTLE = Duration.ofSeconds(5);
    /** A progress line at least this often while nothing changes. */
    private static final Duration PROGRESS_EVERY = Duration.ofSeconds(10);

    /** Waits between polls; a test moves its clock instead. */
    interface Pause {
        void pause(Duration d) throws InterruptedException;
    }

    private final LongSupplier nanoClock;
    private final Pause pause;

    public AwaitReadyCommand() {
        this(System::nanoTime, d -> Thread.sleep(d.toMillis()));
    }

    AwaitReadyCommand(LongSupplier nanoClock, Pause pause) {
        this.nanoClock = nanoClock;
        this.pause = pause;
    }

    @Override
    public String name() {
        return "await-ready";
    }

    @Override
    public String summary() {
        return "wait until a gateway is ready and caught up, print its shower digests (blue/green: compare with another)";
    }

    @Override
    public String usage() {
        return "usage: starfall await-ready --gateway URL [--compare-with URL] [--timeout 10m] [--interval 1s] [--settle 5s]\n\n"
                + "Waits until the gateway at URL can take traffic, then prints the digest of every shower's ranking\n"
                + "(GET /api/v1/showers/N/digest: SHA-256 of the ranked wallets, amounts and tiers):\n"
                + "  1. GET /health/ready answers 200 (Kafka Streams running, stores restored) and GET /api/v1/status\n"
                + "     lists the application's instances;\n"
                + "  2. every shower's digest answers and none changes for --settle: the projections have caught up\n"
                + "     with the transfer log.\n"
                + "With --compare-with (e.g. the blue fleet while URL is green), the other gateway must serve the same\n"
                + "manifest, and the two are ready to swap once every shower's status and digest are equal. A difference\n"
                + "that stays while both sides are unchanged for --settle is reported (exit 1).\n"
                + "Progress goes to stderr, the digests to stdout. Exit 0 ready (and equal); 1 timed out or different;\n"
                + "2 bad usage.\n\noptions:\n"
                + OpsSupport.help(GATEWAY + " URL", "the gateway to wait for, e.g. http://green-1:8080 (required)")
                + OpsSupport.help(COMPARE_WITH + " URL", "a gateway to compare the digests with, e.g. http://blue-1:8080")
                + OpsSupport.help(TIMEOUT + " DURATION", "give up after this long (default " + text(DEFAULT_TIMEOUT) + "; 500ms, 30s, 10m, 1h)")
                + OpsSupport.help(INTERVAL + " DURATION", "time between polls (default " + text(DEFAULT_INTERVAL) + ")")
                + OpsSupport.help(SETTLE + " DURATION", "how long the digests must stay unchanged (default " + text(DEFAULT_SETTLE) + ")");
    }

    @Override
    public int run(List<String> argv, Map<String, String> env, PrintStream out, PrintStream err) throws Exception {
        Args a = Args.parse(argv, Set.of(GATEWAY, COMPARE_WITH, TIMEOUT, INTERVAL, SETTLE), Set.of());
        if (a.help()) {
            out.print(usage());
            return OK;
        }
        Options o = new Options(new GatewayClient(url(a.require(GATEWAY), GATEWAY)),
                a.get(COMPARE_WITH).map(u -> new GatewayClient(url(u, COMPARE_WITH))),
                a.duration(TIMEOUT, DEFAULT_TIMEOUT), a.duration(INTERVAL, DEFAULT_INTERVAL), a.duration(SETTLE, DEFAULT_SETTLE));
        if (o.interval().isZero()) {
            throw new UsageException(INTERVAL + " must be positive");
        }
        return new Wait(o, out, err).run();
    }

    /** What to wait for: {@code gateway}, compared with {@code other} when present. */
    private record Options(GatewayClient gateway, Optional<GatewayClient> other, Duration timeout, Duration interval, Duration settle) {
    }

    private static String url(String v, String flag) {
        if (!v.startsWith("http://") && !v.startsWith("https://")) {
            throw new UsageException(flag + " must be an http(s) URL like http://host:8080, got '" + v + "'");
        }
        return v;
    }

    private static String text(Duration d) {
        return d.toMinutes() > 0 && d.toSecondsPart() == 0 ? d.toMinutes() + "m" : d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
    }

    /** One shower's digest answer: what is compared between two gateways. */
    record ShowerDigest(int shower, String status, long wallets, String digest) {
        static ShowerDigest of(JsonNode n) {
            return new ShowerDigest(n.path("shower").asInt(), n.path("status").asText(), n.path("wallets").asLong(), n.path("digest").asText());
        }

        String line() {
            return String.format("%-7d %-7s %8d  %s", shower, status, wallets, digest);
        }
    }

    /** The digests of one gateway as polled: what answered, and when that last changed. */
    private final class Side {
        final GatewayClient gateway;
        Map<Integer, ShowerDigest> digests = Map.of();
        int answered;
        String problem = "";
        long changedAt;

        Side(GatewayClient gateway) {
            this.gateway = gateway;
            this.changedAt = nanoClock.getAsLong();
        }

        /** Polls every shower once; complete when each answered 200. */
        void poll(int showers) throws InterruptedException {
            Map<Integer, ShowerDigest> now = new TreeMap<>();
            String firstProblem = "";
            for (int n = 1; n <= showers; n++) {
                try {
                    GatewayClient.Reply r = gateway.get("/api/v1/showers/" + n + "/digest");
                    if (r.ok()) {
                        now.put(n, ShowerDigest.of(r.body()));
                    } else if (firstProblem.isEmpty()) {
                        firstProblem = "shower " + n + ": " + r.status() + " " + r.message();
                    }
                } catch (IOException e) {
                    if (firstProblem.isEmpty()) {
                        firstProblem = "shower " + n + ": " + describe(e);
                    }
                }
            }
            if (!now.equals(digests)) {
                digests = now;
                changedAt = nanoClock.getAsLong();
            }
            answered = now.size();
            problem = firstProblem;
        }

        boolean complete(int showers) {
            return answered == showers;
        }

        Duration unchangedFor() {
            return Duration.ofNanos(nanoClock.getAsLong() - changedAt);
        }

        boolean settled(int showers, Duration settle) {
            return complete(showers) && unchangedFor().compareTo(settle) >= 0;
        }
    }

    /** One run of the command. */
    private final class Wait {
        private final GatewayClient gateway;
        private final Optional<GatewayClient> other;
        private final Options options;
        private final PrintStream out;
        private final PrintStream err;
        private final long start;
        private final long deadline;
        private final Set<String> announced = new HashSet<>();
        private String lastProgress = "";
        private long lastProgressAt;

        Wait(Options options, PrintStream out, PrintStream err) {
            this.options = options;
            this.gateway = options.gateway();
            this.other = options.other();
            this.out = out;
            this.err = err;
            this.start = nanoClock.getAsLong();
            this.deadline = start + options.timeout().toNanos();
        }

        int run() throws InterruptedException {
            Optional<Integer> showers = awaitReady();
            if (showers.isEmpty()) {
                return timedOut("not ready: " + lastProgress);
            }
            if (showers.get() < 0) {
                return FAILED;
            }
            return awaitDigests(showers.get());
        }

        /** Until ready: the shower count; -1 when the two gateways serve different manifests; empty on timeout. */
        private Optional<Integer> awaitReady() throws InterruptedException {
            while (true) {
                String state;
                try {
                    state = readiness(gateway);
                    if (state.isEmpty() && other.isPresent()) {
                        String o = readiness(other.get());
                        state = o.isEmpty() ? "" : other.get().base() + " (to compare with) " + o;
                    }
                    if (state.isEmpty()) {
                        return Optional.of(checkManifests());
                    }
                } catch (IOException e) {
                    state = "not reachable (" + describe(e) + ")";
                }
                progress(state);
                if (!waitMore()) {
                    return Optional.empty();
                }
            }
        }

        /** Empty when ready; else why not. Prints the instances once ready. */
        private String readiness(GatewayClient g) throws IOException, InterruptedException {
            GatewayClient.Reply ready = g.get("/health/ready");
            if (!ready.ok()) {
                return "not ready (" + ready.status() + ": " + ready.message() + ")";
            }
            GatewayClient.Reply status = g.get("/api/v1/status");
            if (!status.ok()) {
                return "status answers " + status.status() + ": " + status.message();
            }
            JsonNode s = status.body();
            if (s.hasNonNull("instancesUnavailable")) {
                return "ready, but the application's instances are not known yet (" + s.path("instancesUnavailable").asText() + ")";
            }
            List<String> instances = new ArrayList<>();
            s.path("instances").forEach(i -> instances.add(i.path("instance").asText() + " (" + i.path("activePartitions").size()
                    + " active, " + i.path("standbyPartitions").size() + " standby partitions)"));
            if (announced.add(g.base())) {
                err.println(g.base() + ": ready; Streams " + s.path("streams").asText() + "; instances: " + String.join(", ", instances));
            }
            return "";
        }

        /** The shower count; -1 (after saying why) when the gateway compared with serves another manifest. */
        private int checkManifests() throws IOException, InterruptedException {
            JsonNode event = gateway.getOk("/api/v1/event");
            if (other.isPresent()) {
                JsonNode o = other.get().getOk("/api/v1/event");
                if (!event.path("id").equals(o.path("id")) || !event.path("digest").equals(o.path("digest"))) {
                    err.println("starfall await-ready: " + gateway.base() + " serves event " + event.path("id").asText() + " (manifest digest "
                            + event.path("digest").asText() + "), " + other.get().base() + " serves " + o.path("id").asText()
                            + " (manifest digest " + o.path("digest").asText() + "): nothing to compare");
                    return -1;
                }
            }
            return event.path("showers").size();
        }

        private int awaitDigests(int showers) throws InterruptedException {
            Side self = new Side(gateway);
            Optional<Side> them = other.map(Side::new);
            while (true) {
                self.poll(showers);
                if (them.isPresent()) {
                    them.get().poll(showers);
                }
                if (them.isEmpty() && self.settled(showers, options.settle())) {
                    print(self, Optional.empty());
                    out.println("ready: " + showers + " showers, digests unchanged for " + text(options.settle()) + " (" + elapsed() + " s)");
                    return OK;
                }
                if (them.isPresent() && self.complete(showers) && them.get().complete(showers)) {
                    int differences = differences(self, them.get());
                    if (differences == 0) {
                        print(self, them);
                        out.println("ready: " + showers + " showers, same digests as " + them.get().gateway.base() + " (" + elapsed() + " s)");
                        return OK;
                    }
                    if (self.settled(showers, options.settle()) && them.get().settled(showers, options.settle())) {
                        print(self, them);
                        out.println("DIFFERENT: " + differences + " of " + showers + " showers differ from " + them.get().gateway.base()
                                + " while both stayed unchanged for " + text(options.settle()));
                        return FAILED;
                    }
                }
                progress(digestProgress(self, them, showers));
                if (!waitMore()) {
                    if (self.complete(showers)) {
                        print(self, them);
                    }
                    return timedOut(digestProgress(self, them, showers));
                }
            }
        }

        private String digestProgress(Side self, Optional<Side> them, int showers) {
            StringBuilder b = new StringBuilder("digests: " + self.answered + " of " + showers + " showers answer");
            if (!self.problem.isEmpty()) {
                b.append(" (").append(self.problem).append(")");
            }
            b.append(", unchanged for ").append(self.unchangedFor().toSeconds()).append(" s");
            if (them.isPresent()) {
                Side t = them.get();
                b.append("; ").append(t.gateway.base()).append(": ").append(t.answered).append(" answer");
                if (!t.problem.isEmpty()) {
                    b.append(" (").append(t.problem).append(")");
                }
                if (self.complete(showers) && t.complete(showers)) {
                    b.append(", ").append(differences(self, t)).append(" differ");
                }
            }
            return b.toString();
        }

        private void print(Side self, Optional<Side> them) {
            out.println(them.isPresent() ? String.format("%-7s %-7s %8s  %-64s  %s", "shower", "status", "wallets", "digest", them.get().gateway.base())
                    : String.format("%-7s %-7s %8s  %s", "shower", "status", "wallets", "digest"));
            for (ShowerDigest d : self.digests.values()) {
                String compared = them.map(t -> {
                    ShowerDigest o = t.digests.get(d.shower());
                    return Objects.equals(o, d) ? "  same" : "  DIFFERENT: " + (o == null ? "no answer" : o.status() + " " + o.wallets() + " " + o.digest());
                }).orElse("");
                out.println(d.line() + compared);
            }
        }

        private int differences(Side self, Side them) {
            int n = 0;
            for (Map.Entry<Integer, ShowerDigest> e : self.digests.entrySet()) {
                if (!e.getValue().equals(them.digests.get(e.getKey()))) {
                    n++;
                }
            }
            return n;
        }

        /** Prints a progress line when it says something new, or every {@link #PROGRESS_EVERY}. */
        private void progress(String state) {
            long now = nanoClock.getAsLong();
            if (!state.equals(lastProgress) || now - lastProgressAt >= PROGRESS_EVERY.toNanos()) {
                err.println(gateway.base() + ": " + state + " (" + elapsed() + " s)");
                lastProgress = state;
                lastProgressAt = now;
            }
        }

        /** Waits one interval; false when the deadline has passed. */
        private boolean waitMore() throws InterruptedException {
            long left = deadline - nanoClock.getAsLong();
            if (left <= 0) {
                return false;
            }
            pause.pause(Duration.ofNanos(Math.min(left, options.interval().toNanos())));
            return true;
        }

        private int timedOut(String state) {
            err.println("starfall await-ready: timed out after " + elapsed() + " s waiting for " + gateway.base() + ": " + state);
            return FAILED;
        }

        private long elapsed() {
            return Duration.ofNanos(nanoClock.getAsLong() - start).toSeconds();
        }
    }

    private static String describe(IOException e) {
        if (e instanceof HttpTimeoutException) {
            return "timed out";
        }
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }
}
