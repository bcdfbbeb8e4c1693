package dev.starfall.cli;

import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * When {@code starfall run --exit-when-caught-up} may stop: the gateway's {@code /api/v1/showers}
 * shows, for every shower, the amount raised that the simulator's own model of the chain gives
 * (its ground truth), so everything the ingestor published has been counted by the projections.
 */
final class CaughtUp {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration POLL = Duration.ofMillis(200);

    private CaughtUp() {
    }

    /** Per shower, the amount it should show as raised: the sum of the ground truth's senders. */
    static Map<Integer, BigInteger> expectedRaised(Map<Integer, Map<String, BigInteger>> groundTruth) {
        Map<Integer, BigInteger> raised = new TreeMap<>();
        groundTruth.forEach((shower, senders) -> raised.put(shower, senders.values().stream().reduce(BigInteger.ZERO, BigInteger::add)));
        return raised;
    }

    /**
     * Whether the {@code /api/v1/showers} answer shows every one of showers 1 to {@code showers}
     * with its expected amount raised (zero when {@code expected} does not name it); a shower that
     * is missing or unavailable is not caught up.
     */
    static boolean counted(JsonNode answer, Map<Integer, BigInteger> expected, int showers) {
        Map<Integer, BigInteger> shown = new TreeMap<>();
        for (JsonNode s : answer.path("showers")) {
            JsonNode raised = s.path("raised");
            if (s.path("shower").isInt() && (raised.isTextual() || raised.isIntegralNumber())) {
                try {
                    shown.put(s.path("shower").asInt(), new BigInteger(raised.asText()));
                } catch (NumberFormatException e) {
                    // not an amount: this shower is not caught up
                }
            }
        }
        for (int n = 1; n <= showers; n++) {
            if (!expected.getOrDefault(n, BigInteger.ZERO).equals(shown.get(n))) {
                return false;
            }
        }
        return true;
    }

    /** Polls {@code gatewayUrl/api/v1/showers} until {@link #counted} holds; false at the deadline. */
    static boolean await(String gatewayUrl, Map<Integer, BigInteger> expected, int showers, Duration timeout) throws InterruptedException {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create(gatewayUrl + "/api/v1/showers")).timeout(Duration.ofSeconds(10)).build();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200 && counted(JSON.readTree(r.body()), expected, showers)) {
                    return true;
                }
            } catch (IOException e) {
                // not answering (or not JSON) yet: ask again
            }
            Thread.sleep(POLL.toMillis());
        }
        return false;
    }
}
