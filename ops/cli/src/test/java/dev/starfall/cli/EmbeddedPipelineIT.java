package dev.starfall.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.starfall.schemas.manifest.Manifest;
import dev.starfall.schemas.manifest.ManifestLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@code starfall run} does, end to end on real parts: the simulated chain is ingested, every
 * shower's leaderboard equals the simulator's ground truth, and a second run on the same data
 * directory gives the same answers without re-reading the chain.
 */
class EmbeddedPipelineIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(120);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    /**
     * Longer than the ingestor's cursor heartbeat (5 s) and the age of a task's watermark (1 s): the
     * showers' status moves with the chain-time watermark after the amounts are in.
     */
    private static final Duration QUIET = Duration.ofSeconds(7);

    @TempDir
    Path dataDir;

    private final ObjectMapper json = new ObjectMapper();
    private final Manifest manifest = ManifestLoader.loadDefault();

    @Test
    void shouldServeTheGroundTruthAndResumeFromKeptState() throws Exception {
        int showers = manifest.schedule().showerCount();
        RunOptions options = new RunOptions(dataDir, Optional.empty(), CliTesting.freePortPair(), 0, CliTesting.freePort(), 0, 7, 150, 1200);
        Map<Integer, String> firstAnswers;
        long published;
        try (EmbeddedPipeline pipeline = EmbeddedPipeline.start(manifest, options)) {
            assertThat(pipeline.ingestor().awaitCaughtUp(TIMEOUT)).as("ingestor caught up").isTrue();
            published = pipeline.ingestor().stats().eventsPublished();
            Map<Integer, Map<String, BigInteger>> truth = pipeline.simulator().groundTruth();
            awaitGroundTruth(pipeline.gatewayUrl(), truth);
            firstAnswers = PipelineProbe.awaitStable(pipeline.gatewayUrl(), showers, QUIET, TIMEOUT);
            for (int shower = 1; shower <= showers; shower++) {
                assertThat(amounts(json.readTree(firstAnswers.get(shower)))).as("shower %d", shower)
                        .isEqualTo(truth.getOrDefault(shower, Map.of()));
            }
            assertNoTopUpOfferedOnceClosed(pipeline.gatewayUrl(), firstAnswers);
        }
        assertThat(published).isPositive();

        RunOptions again = new RunOptions(dataDir, Optional.empty(), options.kafkaPort(), 0, options.httpPort(), 0, 7, 150, 1200);
        try (EmbeddedPipeline pipeline = EmbeddedPipeline.start(manifest, again)) {
            assertThat(pipeline.ingestor().awaitCaughtUp(TIMEOUT)).isTrue();
            assertThat(pipeline.ingestor().stats().eventsPublished()).as("events published by the second run").isZero();
            long requests = pipeline.simulatorServer().requests();
            assertThat(requests).as("chain requests of the second run: the head and the newest page per walk, nothing older")
                    .isLessThanOrEqualTo(2 * pipeline.ingestor().stats().walks());
            Map<Integer, String> after = awaitEqual(pipeline.gatewayUrl(), firstAnswers);
            for (int shower = 1; shower <= showers; shower++) {
                assertThat(after.get(shower)).as("shower %d after restart", shower).isEqualTo(firstAnswers.get(shower));
            }
        }
    }

    /**
     * A wallet below the top tier of a closed shower is told its standing and no amount to top up:
     * a transfer after the close counts for the next shower, never for that one.
     */
    private void assertNoTopUpOfferedOnceClosed(String base, Map<Integer, String> boards) throws Exception {
        int checked = 0;
        for (Map.Entry<Integer, String> e : boards.entrySet()) {
            JsonNode board = json.readTree(e.getValue());
            JsonNode entries = board.path("entries");
            if (!board.path("status").asText().equals("CLOSED") || entries.size() < 2) {
                continue;
            }
            JsonNode last = entries.get(entries.size() - 1);
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/showers/" + e.getKey() + "/wallets/"
                    + last.path("wallet").asText())).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            JsonNode standing = json.readTree(r.body());
            assertThat(standing.path("status").asText()).isEqualTo("CLOSED");
            assertThat(standing.path("rank").asLong()).isEqualTo(last.path("rank").asLong());
            assertThat(standing.has("nextTier")).isTrue();
            assertThat(standing.path("nextTier").isNull()).as("shower %d: %s", e.getKey(), standing).isTrue();
            checked++;
        }
        assertThat(checked).as("closed showers with two wallets or more").isPositive();
    }

    /** Polls every shower until its leaderboard's amounts equal the ground truth, or the deadline passes. */
    private void awaitGroundTruth(String base, Map<Integer, Map<String, BigInteger>> truth) throws Exception {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            Optional<Map<Integer, String>> now = PipelineProbe.snapshot(base, manifest.schedule().showerCount());
            if (now.isPresent() && matches(now.get(), truth)) {
                return;
            }
            LockSupport.parkNanos(Duration.ofMillis(200).toNanos());
        }
        // the per-shower assertions that follow report the difference
    }

    private boolean matches(Map<Integer, String> boards, Map<Integer, Map<String, BigInteger>> truth) throws Exception {
        for (Map.Entry<Integer, String> e : boards.entrySet()) {
            if (!amounts(json.readTree(e.getValue())).equals(truth.getOrDefault(e.getKey(), Map.of()))) {
                return false;
            }
        }
        return true;
    }

    /** Polls until every shower answers as {@code expected}; the last answers at the deadline. */
    private Map<Integer, String> awaitEqual(String base, Map<Integer, String> expected) throws Exception {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        Map<Integer, String> last = Map.of();
        while (System.nanoTime() < deadline) {
            Optional<Map<Integer, String>> now = PipelineProbe.snapshot(base, expected.size());
            if (now.isPresent()) {
                last = now.get();
                if (last.equals(expected)) {
                    break;
                }
            }
            LockSupport.parkNanos(Duration.ofMillis(250).toNanos());
        }
        return last;
    }

    private static Map<String, BigInteger> amounts(JsonNode board) {
        Map<String, BigInteger> out = new HashMap<>();
        board.path("entries").forEach(e -> out.put(e.path("wallet").asText(), new BigInteger(e.path("amount").asText())));
        return out;
    }
}
