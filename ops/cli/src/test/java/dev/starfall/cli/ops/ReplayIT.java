package dev.starfall.cli.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import dev.starfall.cli.CliTesting;
import dev.starfall.cli.Command;
import dev.starfall.cli.EmbeddedPipeline;
import dev.starfall.cli.PipelineProbe;
import dev.starfall.cli.RunOptions;
import dev.starfall.schemas.manifest.Manifest;
import dev.starfall.schemas.manifest.ManifestLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code starfall replay} against the whole embedded pipeline: the offline recomputation agrees with the gateway, the export is complete. */
class ReplayIT {

    @TempDir
    Path dataDir;

    private final Manifest manifest = ManifestLoader.loadDefault();

    @Test
    void shouldRecomputeEveryShowerLikeTheGatewayAndExportEveryTransfer() throws Exception {
        RunOptions options = new RunOptions(dataDir.resolve("run"), Optional.empty(), CliTesting.freePortPair(), 0, CliTesting.freePort(), 0,
                7, 150, 1200);
        try (EmbeddedPipeline pipeline = EmbeddedPipeline.start(manifest, options)) {
            assertThat(pipeline.ingestor().awaitCaughtUp(Duration.ofSeconds(120))).as("ingestor caught up").isTrue();
            long observed = pipeline.ingestor().stats().observedPublished();
            assertThat(observed).isPositive();
            PipelineProbe.awaitStable(pipeline.gatewayUrl(), manifest.schedule().showerCount(), Duration.ofSeconds(1), Duration.ofSeconds(120));
            String[] cluster = {"--bootstrap", pipeline.bootstrapServers(), "--registry", pipeline.registryUrl()};

            CliTesting.Result recompute = CliTesting.run(new ReplayCommand(),
                    concat(new String[] {"recompute", "--all", "--gateway", pipeline.gatewayUrl()}, cluster));
            assertThat(recompute.code()).as(recompute.out() + recompute.err()).isZero();
            assertThat(recompute.out()).contains("no differences in " + manifest.schedule().showerCount() + " showers")
                    .containsPattern("same \\([1-9][0-9]* wallets\\)");

            Path csv = dataDir.resolve("transfers.csv");
            CliTesting.Result export = CliTesting.run(new ReplayCommand(),
                    concat(new String[] {"export", "--topic", "transfers", "--format", "csv", "--out", csv.toString()}, cluster));
            assertThat(export.code()).as(export.err()).isZero();
            List<String> lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
            assertThat(lines.get(0)).startsWith("transfer_id,shower,");
            assertThat(lines).hasSize((int) observed + 1);
            int amount = ReplayCommand.ExportTopic.TRANSFERS.columns.indexOf("amount");
            assertThat(lines.subList(1, lines.size())).allSatisfy(l -> assertThat(new BigInteger(Csv.parseLine(l).get(amount))).isPositive());

            Path jsonl = dataDir.resolve("transfers.jsonl");
            CliTesting.Result shower1 = CliTesting.run(new ReplayCommand(),
                    concat(new String[] {"export", "--topic", "transfers", "--format", "jsonl", "--shower", "1", "--out", jsonl.toString()}, cluster));
            assertThat(shower1.code()).as(shower1.err()).isZero();
            assertThat(Files.readAllLines(jsonl, StandardCharsets.UTF_8)).isNotEmpty().allSatisfy(l -> assertThat(l).contains("\"shower\":1,"));

            Path results = dataDir.resolve("results-1.csv");
            CliTesting.Result exportResults = CliTesting.run(new ReplayCommand(),
                    concat(new String[] {"export", "--topic", "results", "--format", "csv", "--shower", "1", "--out", results.toString()}, cluster));
            assertThat(exportResults.code()).as(exportResults.err()).isZero();
            int meteors = Files.readAllLines(results, StandardCharsets.UTF_8).size() - 1;
            Path pool = dataDir.resolve("pool.csv");
            Files.writeString(pool, manifest.tiers().stream().map(t -> t.getName() + ",cid-" + t.getName() + "-a\n" + t.getName() + ",cid-"
                    + t.getName() + "-b\n").collect(java.util.stream.Collectors.joining("", "tier,cid\n", "")));
            Path mintFile = dataDir.resolve("mint-1.csv");
            CliTesting.Result mint = CliTesting.run(new ReplayCommand(),
                    concat(new String[] {"mint", "--shower", "1", "--image-pool", pool.toString(), "--out", mintFile.toString()}, cluster));
            if (meteors > 0) {
                assertThat(mint.code()).as(mint.err()).isZero();
                List<String> rows = Files.readAllLines(mintFile, StandardCharsets.UTF_8);
                assertThat(rows).hasSize(meteors + 1);
                assertThat(rows.get(1)).contains(",Meteor #1-1,cid-");
            } else {
                assertThat(mint.code()).isEqualTo(Command.FAILED);
                assertThat(mint.err()).contains("not closed yet");
            }
        }
    }

    private static String[] concat(String[] a, String[] b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
