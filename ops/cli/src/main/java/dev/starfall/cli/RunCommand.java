package dev.starfall.cli;

import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import dev.starfall.schemas.manifest.Manifest;
import dev.starfall.schemas.manifest.ManifestException;

/** {@code starfall run}: the whole pipeline on this machine. */
final class RunCommand implements Command {

    @Override
    public String name() {
        return "run";
    }

    @Override
    public String summary() {
        return "the whole pipeline on this machine (embedded broker, registry, simulator)";
    }

    @Override
    public String usage() {
        return RunOptions.usage();
    }

    @Override
    public int run(List<String> args, Map<String, String> env, PrintStream out, PrintStream err) {
        if (args.contains(Args.HELP)) {
            out.print(usage());
            return OK;
        }
        RunOptions options;
        try {
            options = RunOptions.parse(args);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage(), e);
        }
        CheckedManifest checked;
        try {
            checked = CheckedManifest.load(options.manifest(), options.publicKey());
        } catch (ManifestException e) {
            throw new UsageException(e.getMessage(), e);
        }
        return runPipeline(checked.manifest(), options, out);
    }

    /** How long a run waits to catch up before it gives up, with or without {@code --exit-when-caught-up}. */
    private static final Duration CATCH_UP_TIMEOUT = Duration.ofMinutes(10);

    private static int runPipeline(Manifest manifest, RunOptions options, PrintStream out) {
        CountDownLatch stopped = new CountDownLatch(1);
        EmbeddedPipeline pipeline = EmbeddedPipeline.start(manifest, options);
        Runnable stop = () -> {
            out.println("Stopping...");
            pipeline.close();
            out.println("Stopped; state kept in " + options.dataDir().toAbsolutePath());
            stopped.countDown();
        };
        Thread hook = new Thread(stop, "starfall-shutdown");
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
        out.println("  manifest         " + (options.publicKey().isPresent() ? "signature verified" : "signature NOT checked (no --public-key)")
                + ", digest " + manifest.digest().substring(0, 12));
        out.println(options.exitWhenCaughtUp() ? "It stops by itself once caught up (" + RunOptions.EXIT_WHEN_CAUGHT_UP + ")"
                : "Ctrl-C stops it; a second run resumes from " + options.dataDir().toAbsolutePath());
        try {
            boolean ingested = pipeline.ingestor().awaitCaughtUp(CATCH_UP_TIMEOUT);
            if (ingested) {
                out.println("Ingestor caught up: " + pipeline.ingestor().stats().eventsPublished() + " events published by this run");
            }
            if (options.exitWhenCaughtUp()) {
                boolean counted = ingested && CaughtUp.await(api, CaughtUp.expectedRaised(pipeline.simulator().groundTruth()),
                        manifest.schedule().showerCount(), CATCH_UP_TIMEOUT);
                out.println(counted ? "Caught up: every shower counts the whole simulated chain"
                        : "Not caught up within " + CATCH_UP_TIMEOUT.toMinutes() + " minutes");
                if (removeHook(hook)) {
                    stop.run();
                }
                stopped.await();
                return counted ? OK : FAILED;
            }
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return OK;
    }

    /** False when the JVM is already shutting down, so the hook runs (or ran) anyway. */
    private static boolean removeHook(Thread hook) {
        try {
            return Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            return false;
        }
    }
}
