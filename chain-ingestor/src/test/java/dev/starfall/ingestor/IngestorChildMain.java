package dev.starfall.ingestor;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

import dev.starfall.ingestor.source.RetryPolicy;
import dev.starfall.ingestor.source.WatchTarget;
import dev.starfall.ingestor.source.fcd.FcdSource;
import dev.starfall.ingestor.source.http.CircuitBreaker;
import dev.starfall.ingestor.source.http.EndpointPool;
import dev.starfall.schemas.manifest.ManifestLoader;
import dev.starfall.schemas.registry.HttpSchemaRegistryClient;

/**
 * An ingestor in a process of its own, for {@link IngestorIT}'s {@code kill -9} test: reads an FCD
 * simulator with small pages, windows and batches, so a backfill takes many Kafka transactions.
 * Prints one ready line to stdout once started; runs until killed.
 *
 * <p>Arguments: bootstrap servers, schema registry URL, FCD base URL, chain id to stamp.
 */
public final class IngestorChildMain {

    /** The line printed once the ingestor thread runs. */
    public static final String READY = "INGESTOR-READY";

    private IngestorChildMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        String bootstrap = args[0];
        String registryUrl = args[1];
        String fcdUrl = args[2];
        String chainId = args[3];
        WatchTarget manifestTarget = WatchTarget.of(ManifestLoader.loadDefault());
        WatchTarget target = new WatchTarget(manifestTarget.chain(), chainId, manifestTarget.wallet(), manifestTarget.denom());
        FcdSource source = FcdSource.builder(fcdUrl, target)
                .pageLimit(10)
                .windowPages(4)
                .batchSize(10)
                .pacing(new EndpointPool.Settings(60, 5, CircuitBreaker.Config.DEFAULT))
                .retryPolicy(new RetryPolicy(8, Duration.ofMillis(20), Duration.ofMillis(200), 2.0, Duration.ofSeconds(1)))
                .build();
        IngestorConfig config = IngestorConfig.defaults(bootstrap)
                .withPollInterval(Duration.ofMillis(200))
                .withFailureBackoff(Duration.ofMillis(200))
                .withCursorHeartbeat(Duration.ofMillis(200));
        Ingestor ingestor = Ingestor.create(config, source, new HttpSchemaRegistryClient(registryUrl));
        ingestor.start();
        PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true, StandardCharsets.UTF_8);
        out.println(READY);
        new CountDownLatch(1).await();
    }
}
