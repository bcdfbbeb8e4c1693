package dev.starfall.bench.reads;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.starfall.bench.ThreadCpu;
import dev.starfall.gateway.Gateway;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;

/**
 * One pass over a list of request paths, each asked once, on {@code CONNECTIONS} keep-alive
 * connections, each connection asking the next path as soon as its answer is in (closed loop, as
 * wrk; wrk itself cannot stop after a number of requests: its main thread sleeps for the whole
 * {@code -d}). Prints one line: answers, seconds, req/s, p50 and p99 of each request's time, the
 * answers that were not 200, and the CPU seconds the server process ({@code SERVER_PID}) used over
 * the pass, and how much of that its JIT compiler threads used. Before the pass it asks the bare
 * endpoint for as many requests, and at least
 * {@link #WARM_REQUESTS} ({@code /bench/bare/{WARM_BYTES}}), so that the pass does not also measure
 * this JVM's warm-up.
 * For the rush after a close ({@link ReadsBench}): answers that are slow only the first time.
 *
 * <pre>java -cp "starfall-bench.jar:lib/*" dev.starfall.bench.reads.RushProbe HOST PORT PATHS_FILE CONNECTIONS ENCODING WARM_BYTES SERVER_PID</pre>
 */
public final class RushProbe {

    /** The line {@link ReadsBench} reads the figures from. */
    static final String LINE = "rush pass:";
    /** The fewest requests this JVM makes before the pass: a few seconds of JIT warm-up for its client. */
    static final int WARM_REQUESTS = 50_000;

    private RushProbe() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 7) {
            System.err.println("usage: RushProbe HOST PORT PATHS_FILE CONNECTIONS ENCODING (none for no header) WARM_BYTES SERVER_PID");
            System.exit(2);
        }
        String host = args[0];
        int port = Integer.parseInt(args[1]);
        List<String> paths = Files.readAllLines(Path.of(args[2]), StandardCharsets.UTF_8).stream().filter(p -> !p.isEmpty()).toList();
        int connections = Integer.parseInt(args[3]);
        String encoding = args[4];
        String warm = Gateway.BARE_PREFIX + Integer.parseInt(args[5]);
        long server = Long.parseLong(args[6]);
        if (paths.isEmpty()) {
            throw new IllegalArgumentException("no paths in " + args[2]);
        }
        Vertx vertx = Vertx.vertx();
        try {
            HttpClient http = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setDefaultHost(host).setDefaultPort(port),
                    new PoolOptions().setHttp1MaxSize(connections));
            // -Drush.warm=0 skips the warm-up, e.g. to profile the server through the pass alone
            int warmRequests = Integer.getInteger("rush.warm", Math.max(paths.size(), WARM_REQUESTS));
            if (warmRequests > 0) {
                pass(http, Collections.nCopies(warmRequests, warm), connections, encoding);
            }
            long cpu = ThreadCpu.processTicks(server);
            long compilers = ThreadCpu.compilerTicks(server);
            Pass p = pass(http, paths, connections, encoding);
            double serverCpu = (ThreadCpu.processTicks(server) - cpu) / 100.0; // USER_HZ is 100 on Linux
            double compilersCpu = (ThreadCpu.compilerTicks(server) - compilers) / 100.0;
            long[] nanos = p.nanos().clone();
            Arrays.sort(nanos);
            System.out.printf(Locale.ROOT, "%s %d answered (%d not 200) in %.3f s: %.1f req/s, p50 %.3f ms, p99 %.3f ms, server %.2f CPU s"
                            + " (JIT compilers %.2f)%n", LINE, nanos.length, p.notOk(), p.seconds(), nanos.length / p.seconds(),
                    percentile(nanos, 0.50) / 1e6, percentile(nanos, 0.99) / 1e6, serverCpu, compilersCpu);
        } finally {
            vertx.close().await();
        }
    }

    /** The value at quantile {@code q} of sorted values (nearest rank). */
    private static long percentile(long[] sorted, double q) {
        return sorted[(int) Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
    }

    /** Each request's time in nanoseconds, the answers that were not 200, and the pass's seconds from first request to last answer. */
    private record Pass(long[] nanos, int notOk, double seconds) {
    }

    private static Pass pass(HttpClient http, List<String> paths, int connections, String encoding) throws Exception {
        long[] nanos = new long[paths.size()];
        AtomicInteger next = new AtomicInteger();
        AtomicInteger answered = new AtomicInteger();
        AtomicInteger notOk = new AtomicInteger();
        CompletableFuture<Void> done = new CompletableFuture<>();
        long start = System.nanoTime();
        for (int c = 0; c < Math.min(connections, paths.size()); c++) {
            ask(http, paths, encoding, next, answered, notOk, nanos, done);
        }
        done.get(30, TimeUnit.MINUTES);
        return new Pass(nanos, notOk.get(), (System.nanoTime() - start) / 1e9);
    }

    /** Asks the next path, and on its answer the one after, until every path is asked. */
    private static void ask(HttpClient http, List<String> paths, String encoding, AtomicInteger next, AtomicInteger answered,
                            AtomicInteger notOk, long[] nanos, CompletableFuture<Void> done) {
        int i = next.getAndIncrement();
        if (i >= paths.size()) {
            return;
        }
        long sent = System.nanoTime();
        Future<Integer> status = http.request(HttpMethod.GET, paths.get(i)).compose(req -> {
            if (!encoding.equals("none")) {
                req.putHeader("Accept-Encoding", encoding);
            }
            return req.send().compose(resp -> resp.body().map(body -> resp.statusCode()));
        });
        status.onComplete(r -> {
            nanos[i] = System.nanoTime() - sent;
            if (r.failed() || r.result() != 200) {
                notOk.incrementAndGet();
            }
            if (answered.incrementAndGet() == paths.size()) {
                done.complete(null);
            } else {
                ask(http, paths, encoding, next, answered, notOk, nanos, done);
            }
        });
    }
}
