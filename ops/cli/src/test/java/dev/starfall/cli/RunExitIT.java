package dev.starfall.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import dev.starfall.cli.CliTesting.Result;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code starfall run --exit-when-caught-up} ends by itself, exit 0, once every shower counts the
 * simulated chain, and keeps its state (it is the image's training run for class data sharing).
 */
class RunExitIT {

    @TempDir
    Path dataDir;

    @Test
    @Timeout(value = 5, unit = java.util.concurrent.TimeUnit.MINUTES)
    void shouldStopByItselfOnceCaughtUp() throws Exception {
        Result r = CliTesting.starfall(Map.of(), "run", "--exit-when-caught-up", "--data-dir", dataDir.toString(),
                "--kafka-port", Integer.toString(CliTesting.freePortPair()), "--registry-port", Integer.toString(CliTesting.freePort()),
                "--http-port", Integer.toString(CliTesting.freePort()), "--seed", "7", "--wallets", "150", "--transactions", "1200");

        assertThat(r.code()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("Ingestor caught up", "Caught up: every shower counts the whole simulated chain", "Stopped; state kept in");
        try (var files = Files.walk(dataDir.resolve("streams"))) {
            assertThat(files.filter(p -> p.getFileName().toString().equals("rocksdb")).count())
                    .as("RocksDB stores kept in the data directory").isPositive();
        }
    }
}
