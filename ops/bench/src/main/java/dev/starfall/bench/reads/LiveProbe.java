package dev.starfall.bench.reads;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.starfall.bench.HistoryWriter;
import dev.starfall.bench.ThreadCpu;
import dev.starfall.schemas.manifest.ManifestLoader;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;

/**
 * Live feeds by hand, against a gateway held by {@code reads} ({@code -Dreads.hold=true}): opens
 * {@code clients} server-sent event streams of the last shower's top 100, with the given
 * {@code Accept-Encoding} ({@code none} for no header), writes 100 transfers a second into that
 * shower (so the board changes at every poll of the feed), and prints, over {@code seconds}, the
 * server's CPU (cores) and the bytes the clients received per second. Run it with 0 clients for
 * the floor of the writes alone. {@code reads} runs it in each round (pinned to the client's core);
 * by hand it needs a held gateway. {@code SEQUENCE}, optional, is the first sequence number of the
 * transfers it writes (distinct from any written before).
 *
 * <pre>java -cp "starfall-bench.jar:lib/*" dev.starfall.bench.reads.LiveProbe HOST PORT BOOTSTRAP REGISTRY SERVER_PID CLIENTS SECONDS ENCODING [SEQUENCE]</pre>
 */
public final class LiveProbe {

    private LiveProbe() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 8 && args.length != 9) {
            System.err.println("usage: LiveProbe HOST PORT BOOTSTRAP REGISTRY SERVER_PID CLIENTS SECONDS ENCODING (none for no header) [SEQUENCE]");
            System.exit(2);
        }
        String host = args[0];
        int port = Integer.parseInt(args[1]);
        String bootstrap = args[2];
        String registry = args[3];
        long pid = Long.parseLong(args[4]);
        int clients = Integer.parseInt(args[5]);
        int seconds = Integer.parseInt(args[6]);
        String encoding = args[7];
        long sequence = args.length == 9 ? Long.parseLong(args[8]) : 900_000_000L + System.nanoTime() % 1_000_000_000L;
        int shower = ManifestLoader.loadDefault().schedule().showerCount();
        List<String> topUps = topOfShower(host, port, shower);

        Vertx vertx = Vertx.vertx();
        try {
            var http = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true), new PoolOptions().setHttp1MaxSize(Math.max(1, clients)));
            AtomicLong bytes = new AtomicLong();
            AtomicInteger open = new AtomicInteger();
            AtomicInteger failed = new AtomicInteger();
            for (int i = 0; i < clients; i++) {
                http.request(HttpMethod.GET, port, host, "/api/v1/showers/" + shower + "/live?limit=100").compose(req -> {
                    if (!encoding.equals("none")) {
                        req.putHeader("Accept-Encoding", encoding);
                    }
                    return req.send();
                }).onSuccess(resp -> {
                    open.incrementAndGet();
                    resp.handler(b -> bytes.addAndGet(b.length()));
                }).onFailure(e -> failed.incrementAndGet());
            }
            long deadline = System.currentTimeMillis() + 30_000;
            while (open.get() + failed.get() < clients && System.currentTimeMillis() < deadline) {
                Thread.sleep(50);
            }
            HistoryWriter writer = new HistoryWriter(ManifestLoader.loadDefault(), 100_000, 7);
            try (HistoryWriter.Trickle trickle = writer.trickle(bootstrap, registry, shower, sequence, ReadsBench.LIVE_TRANSFERS_PER_SECOND,
                    topUps)) {
                Thread.sleep(3_000);
                long cpu = ThreadCpu.processTicks(pid);
                long received = bytes.get();
                long start = System.nanoTime();
                Thread.sleep(seconds * 1000L);
                double elapsed = (System.nanoTime() - start) / 1e9;
                System.out.printf(Locale.ROOT, "clients %d (open %d, failed %d), Accept-Encoding %s: server %.3f cores, clients received %,.0f bytes/s, "
                                + "%,d transfers written%n", clients, open.get(), failed.get(), encoding, (ThreadCpu.processTicks(pid) - cpu) / 100.0 / elapsed,
                        (bytes.get() - received) / elapsed, trickle.written());
            }
        } finally {
            vertx.close().await();
        }
    }

    /** The wallets of a shower's top 1,000, whose top-ups half of the written transfers are. */
    private static List<String> topOfShower(String host, int port, int shower) throws Exception {
        String board = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://" + host + ":" + port + "/api/v1/showers/" + shower
                + "/leaderboard?limit=1000")).build(), HttpResponse.BodyHandlers.ofString()).body();
        List<String> wallets = new ArrayList<>();
        Matcher m = Pattern.compile("\"wallet\":\"([^\"]+)\"").matcher(board);
        while (m.find()) {
            wallets.add(m.group(1));
        }
        if (wallets.isEmpty()) {
            throw new IllegalStateException("no wallets in shower " + shower + "'s leaderboard: " + board);
        }
        return wallets;
    }
}
