package dev.starfall.cli.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import dev.starfall.cli.CliTesting;
import dev.starfall.cli.Command;
import dev.starfall.cli.EmbeddedPipeline;
import dev.starfall.cli.PipelineProbe;
import dev.starfall.cli.RunOptions;
import dev.starfall.embedded.EmbeddedKafka;
import dev.starfall.projections.ProjectionsService;
import dev.starfall.schemas.manifest.Manifest;
import dev.starfall.schemas.manifest.ManifestLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code starfall reset} on the embedded pipeline: refused while the projections run; with them
 * stopped it rewinds the offsets and deletes the local state, and the rebuilt leaderboards equal
 * the ones before.
 */
class ResetIT {

    @TempDir
    Path dataDir;

    private final Manifest manifest = ManifestLoader.loadDefault();

    @Test
    void shouldRefuseWhileRunningAndRebuildTheSameLeaderboardsAfterAReset() throws Exception {
        int kafkaPort = CliTesting.freePortPair();
        RunOptions options = new RunOptions(dataDir, Optional.empty(), kafkaPort, 0, CliTesting.freePort(), 0, 7, 150, 1200);
        String applicationId = ProjectionsService.Settings.applicationIdFor(manifest);
        Path stateDir = dataDir.resolve("streams");
        int showers = manifest.schedule().showerCount();
        String before;
        try (EmbeddedPipeline pipeline = EmbeddedPipeline.start(manifest, options)) {
            assertThat(pipeline.ingestor().awaitCaughtUp(Duration.ofSeconds(120))).as("ingestor caught up").isTrue();
            before = PipelineProbe.digest(PipelineProbe.awaitStable(pipeline.gatewayUrl(), showers, Duration.ofSeconds(1), Duration.ofSeconds(120)));

            CliTesting.Result refused = CliTesting.run(new ResetCommand(), "--bootstrap", pipeline.bootstrapServers(),
                    "--state-dir", stateDir.toString());
            assertThat(refused.code()).isEqualTo(Command.FAILED);
            assertThat(refused.err()).contains("refused", "active member", "Stop every projections instance");
            assertThat(stateDir.resolve(applicationId)).exists();
        }

        try (EmbeddedKafka kafka = EmbeddedKafka.start(new EmbeddedKafka.Config(dataDir.resolve("kafka"), kafkaPort, kafkaPort + 1, Map.of()))) {
            CliTesting.Result reset = CliTesting.run(new ResetCommand(), "--bootstrap", kafka.bootstrapServers(),
                    "--state-dir", stateDir.toString());
            assertThat(reset.code()).as(reset.out() + reset.err()).isZero();
            assertThat(reset.out()).contains("no active members", "deleted local state", "reset done");
        }
        assertThat(Files.exists(stateDir.resolve(applicationId))).as("local state deleted").isFalse();

        try (EmbeddedPipeline pipeline = EmbeddedPipeline.start(manifest, options)) {
            assertThat(pipeline.ingestor().awaitCaughtUp(Duration.ofSeconds(120))).isTrue();
            assertThat(pipeline.ingestor().stats().eventsPublished()).as("the chain is not re-read").isZero();
            long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            String after = null;
            while (System.nanoTime() < deadline && !before.equals(after)) {
                after = PipelineProbe.digest(PipelineProbe.awaitStable(pipeline.gatewayUrl(), showers, Duration.ofSeconds(1),
                        Duration.ofSeconds(120)));
            }
            assertThat(after).as("leaderboards rebuilt from the log").isEqualTo(before);
        }
    }
}
