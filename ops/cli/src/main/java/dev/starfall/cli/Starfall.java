package dev.starfall.cli;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import dev.starfall.schemas.manifest.Manifest;
import dev.starfall.schemas.manifest.ManifestException;
import dev.starfall.schemas.manifest.ManifestLoader;

/** The {@code starfall} command. */
public final class Starfall {

    private Starfall() {
    }

    public static void main(String[] args) {
        System.exit(run(Arrays.asList(args), System.out, System.err));
    }

    static int run(List<String> args, PrintStream out, PrintStream err) {
        if (args.isEmpty() || args.get(0).equals("--help") || args.get(0).equals("help")) {
            out.print("usage: starfall <command> [options]\n\ncommands:\n  run    the whole pipeline on this machine (embedded broker, registry, simulator)\n\n"
                    + RunOptions.usage());
            return args.isEmpty() ? 2 : 0;
        }
        if (!args.get(0).equals("run")) {
            err.println("unknown command '" + args.get(0) + "'; try: starfall --help");
            return 2;
        }
        RunOptions options;
        Manifest manifest;
        try {
            options = RunOptions.parse(args.subList(1, args.size()));
            manifest = options.manifest().map(ManifestLoader::load).orElseGet(ManifestLoader::loadDefault);
        } catch (IllegalArgumentException | ManifestException e) {
            err.println("starfall: " + e.getMessage());
            return 2;
        }
        return runPipeline(manifest, options, out);
    }

    private static int runPipeline(Manifest manifest, RunOptions options, PrintStream out) {
        CountDownLatch stopped = new CountDownLatch(1);
        EmbeddedPipeline pipeline = EmbeddedPipeline.start(manifest, options);
        Thread hook = new Thread(() -> {
            out.println("Stopping...");
            pipeline.close();
            out.println("Stopped; state kept in " + options.dataDir().toAbsolutePath());
            stopped.countDown();
        }, "starfall-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);

        String api = pipeline.gatewayUrl();
        out.println();
        out.println("starfall is running: " + manifest.event().getName() + " (" + manifest.schedule().showerCount() + " showers)");
        out.println("  leaderboard      " + api + "/api/v1/showers/1/leaderboard?limit=10");
        out.println("  a wallet         " + api + "/api/v1/showers/1/wallets/{address}");
        out.println("  readiness        " + api + "/health/ready");
        out.println("  kafka            " + pipeline.bootstrapServers());
        out.println("  schema registry  " + pipeline.registryUrl() + "/subjects");
        out.println("  chain simulator  " + pipeline.simulatorServer().baseUrl() + "/v1/txs?account="
                + manifest.event().getDestinationWallet() + "&limit=10");
        out.println("Ctrl-C stops it; a second run resumes from " + options.dataDir().toAbsolutePath());
        try {
            if (pipeline.ingestor().awaitCaughtUp(Duration.ofMinutes(10))) {
                out.println("Ingestor caught up: " + pipeline.ingestor().stats().eventsPublished() + " events published by this run");
            }
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }
}
