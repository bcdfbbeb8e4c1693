package dev.starfall.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.ServerSocket;
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

    @TempDir
    Path dataDir;

    private final ObjectMapper json = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final Manifest manifest = ManifestLoader.loadDefault();

    @Test
    void shouldServeTheGroundTruthAndResumeFromKeptState() throws Exception {
        RunOptions options = new RunOptions(dataDir, Optional.empty(), freePort(), 0, freePort(), 0, 7, 150, 1200);
        Map<Integer, Map<String, BigInteger>> truth;
        Map<Integer, String> firstAnswers = new HashMap<>();
        long published;
        try (EmbeddedPipeline pipeline = EmbeddedPipeline.start(manifest, options)) {
            assertThat(pipeline.ingestor().awaitCaughtUp(Duration.ofSeconds(120))).as("ingestor caught up").isTrue();
            published = pipeline.ingestor().stats().eventsPublished();
            truth = pipeline.simulator().groundTruth();
            awaitGroundTruth(pipeline.gatewayUrl(), truth);
            for (int shower = 1; shower <= manifest.schedule().showerCount(); shower++) {
                JsonNode board = get(pipeline.gatewayUrl(), shower);
                assertThat(amounts(board)).as("shower %d", shower).isEqualTo(truth.getOrDefault(shower, Map.of()));
                firstAnswers.put(shower, board.toString());
            }
        }
        assertThat(published).isPositive();

        RunOptions again = new RunOptions(dataDir, Optional.empty(), options.kafkaPort(), 0, options.httpPort(), 0, 7, 150, 1200);
        try (EmbeddedPipeline pipeline = EmbeddedPipeline.start(manifest, again)) {
            assertThat(pipeline.ingestor().awaitCaughtUp(Duration.ofSeconds(120))).isTrue();
            assertThat(pipeline.ingestor().stats().eventsPublished()).as("events published by the second run").isZero();
            assertThat(pipeline.simulatorServer().requests()).as("chain requests of the second run").isLessThanOrEqualTo(2);
            for (int shower = 1; shower <= manifest.schedule().showerCount(); shower++) {
                assertThat(awaitAnswer(pipeline.gatewayUrl(), shower).toString()).as("shower %d after restart", shower)
                        .isEqualTo(firstAnswers.get(shower));
            }
        }
    }

    /** Polls every shower until its leaderboard equals the ground truth, or the deadline passes. */
    private void awaitGroundTruth(String base, Map<Integer, Map<String, BigInteger>> truth) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        int showers = manifest.schedule().showerCount();
        int matching = 0;
        while (System.nanoTime() < deadline) {
            matching = 0;
            for (int shower = 1; shower <= showers; shower++) {
                JsonNode board = tryGet(base, shower);
                if (board != null && amounts(board).equals(truth.getOrDefault(shower, Map.of()))) {
                    matching++;
                }
            }
            if (matching == showers) {
                return;
            }
            LockSupport.parkNanos(Duration.ofMillis(200).toNanos());
        }
        // the per-shower assertions that follow report the difference
    }

    private JsonNode awaitAnswer(String base, int shower) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode board = tryGet(base, shower);
            if (board != null) {
                return board;
            }
            LockSupport.parkNanos(Duration.ofMillis(200).toNanos());
        }
        throw new AssertionError("no answer for shower " + shower);
    }

    private static Map<String, BigInteger> amounts(JsonNode board) {
        Map<String, BigInteger> out = new HashMap<>();
        board.path("entries").forEach(e -> out.put(e.path("wallet").asText(), new BigInteger(e.path("amount").asText())));
        return out;
    }

    private JsonNode get(String base, int shower) throws Exception {
        JsonNode board = tryGet(base, shower);
        assertThat(board).as("leaderboard of shower %d", shower).isNotNull();
        return board;
    }

    private JsonNode tryGet(String base, int shower) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/showers/" + shower + "/leaderboard?limit=1000"))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        return r.statusCode() == 200 ? json.readTree(r.body()) : null;
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
