package dev.starfall.bench.reads;

import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;

import com.fasterxml.jackson.databind.JsonNode;
import dev.starfall.bench.Http;
import dev.starfall.gateway.Gateway;
import dev.starfall.gateway.GatewayConfig;
import dev.starfall.gateway.GatewayHooks;
import dev.starfall.gateway.NetTransport;
import dev.starfall.projections.ProjectionsService;
import dev.starfall.schemas.manifest.Manifest;
import dev.starfall.schemas.manifest.ManifestLoader;
import dev.starfall.schemas.registry.HttpSchemaRegistryClient;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The process measured by {@link ReadsBench}: the projections and the gateway against the bench
 * broker, as one serving instance, with the bare endpoint answered by the gateway's own server on
 * the path of a kept answer, the per-client rate limit off, and an explicit number of event loops. Prints
 * {@link #READY} once the projections hold the whole history (the sum of {@code raised} over
 * {@code /api/v1/showers} equals what was written); stops cleanly on SIGTERM.
 *
 * <p>Arguments: bootstrap servers, registry URL, state directory, HTTP port, event loops, the total
 * written (minor units).
 */
public final class GatewayMain {

    private static final Logger log = LoggerFactory.getLogger(GatewayMain.class);

    public static final String READY = "GATEWAY READY";
    /** Ends the {@link #READY} line, followed by the network transport the gateway runs on. */
    public static final String TRANSPORT = "on transport";
    /** Names the network transport, as {@code STARFALL_NET_TRANSPORT} does; the product's default when unset. */
    public static final String TRANSPORT_PROPERTY = "reads.transport";

    private GatewayMain() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 6) {
            System.err.println("usage: GatewayMain <bootstrap> <registry-url> <state-dir> <http-port> <event-loops> <raised-total>");
            System.exit(2);
        }
        String bootstrap = args[0];
        int port = Integer.parseInt(args[3]);
        int eventLoops = Integer.parseInt(args[4]);
        BigInteger expected = new BigInteger(args[5]);
        Path stateDir = Path.of(args[2]).toAbsolutePath();
        Files.createDirectories(stateDir);
        long start = System.nanoTime();

        Manifest manifest = ManifestLoader.loadDefault();
        HostInfo self = new HostInfo("127.0.0.1", port);
        ProjectionsService projections = ProjectionsService.start(manifest, new ProjectionsService.Settings(bootstrap,
                ProjectionsService.Settings.applicationIdFor(manifest), stateDir, self.host() + ":" + self.port(), 0, 1),
                new HttpSchemaRegistryClient(args[1]));
        // the product's default unless -Dreads.transport names one (through BENCH_SERVER_JVM_OPTS)
        NetTransport.Resolution transport = NetTransport.parse(System.getProperty(TRANSPORT_PROPERTY, NetTransport.AUTO.id())).resolveHere();
        Vertx vertx = transport.vertx(new VertxOptions().setEventLoopPoolSize(eventLoops));
        Gateway gateway;
        try {
            gateway = Gateway.start(vertx, projections, manifest, self,
                    GatewayConfig.defaults().withRateLimit(0, 1).withBenchEndpoint(true), GatewayHooks.none());
        } catch (RuntimeException e) {
            // the Streams threads would keep the JVM alive, and the benchmark waiting for a gateway that never comes
            log.error("The gateway did not start on port {}", port, e);
            System.exit(1);
            return;
        }

        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            gateway.close();
            vertx.close().await();
            projections.close();
            stopped.countDown();
        }, "gateway-shutdown"));

        String base = "http://127.0.0.1:" + port;
        try {
            Http.awaitOk(base + "/health/ready", Duration.ofMinutes(10), null);
            BigInteger seen = BigInteger.ZERO;
            while (!seen.equals(expected)) {
                Thread.sleep(2_000); // each look reads every shower's summary from the stores: not too often while catching up
                seen = raised(base).orElse(BigInteger.ZERO);
                if (seen.compareTo(expected) > 0) {
                    throw new IllegalStateException("the showers hold " + seen + " but only " + expected + " was written");
                }
            }
        } catch (RuntimeException e) {
            log.error("The gateway did not catch up with the history", e);
            System.exit(1);
        }
        // one write, so that the line reaches the log whole
        System.out.println(String.format(Locale.ROOT, "%s %s caught up in %.1f s %s %s", READY, base, (System.nanoTime() - start) / 1e9,
                TRANSPORT, transport.transport().id()));
        System.out.flush();
        stopped.await();
    }

    /** The sum of {@code raised} over every shower, or empty while a shower is unavailable. */
    private static Optional<BigInteger> raised(String base) {
        Optional<JsonNode> showers = Http.json(base + "/api/v1/showers");
        if (showers.isEmpty()) {
            return Optional.empty();
        }
        BigInteger sum = BigInteger.ZERO;
        for (JsonNode s : showers.get().path("showers")) {
            if (!s.hasNonNull("raised")) {
                return Optional.empty();
            }
            sum = sum.add(new BigInteger(s.get("raised").asText()));
        }
        return Optional.of(sum);
    }
}
