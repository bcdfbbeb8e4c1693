package dev.starfall.cli;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.locks.LockSupport;

/** Test helpers for the ITs: every shower's leaderboard as a gateway answers it, polled until stable, and a digest of them. */
public final class PipelineProbe {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private PipelineProbe() {
    }

    /** Every shower's first leaderboard page (limit 1000) by shower; empty when any shower does not answer 200. */
    public static Optional<Map<Integer, String>> snapshot(String gateway, int showers) throws Exception {
        Map<Integer, String> bodies = new TreeMap<>();
        for (int shower = 1; shower <= showers; shower++) {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(gateway + "/api/v1/showers/" + shower + "/leaderboard?limit=1000"))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                return Optional.empty();
            }
            bodies.put(shower, r.body());
        }
        return Optional.of(bodies);
    }

    /**
     * Polls until two snapshots in a row, {@code quiet} apart, are equal and non-empty (some shower has an
     * entry), or fails at the deadline.
     */
    public static Map<Integer, String> awaitStable(String gateway, int showers, Duration quiet, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<Integer, String> previous = null;
        while (System.nanoTime() < deadline) {
            Optional<Map<Integer, String>> now = snapshot(gateway, showers);
            if (now.isPresent() && now.get().equals(previous) && now.get().values().stream().anyMatch(b -> b.contains("\"wallet\""))) {
                return now.get();
            }
            previous = now.orElse(null);
            LockSupport.parkNanos(quiet.toNanos());
        }
        throw new AssertionError("leaderboards of " + gateway + " not stable within " + timeout);
    }

    public static String digest(Map<Integer, String> bodies) throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        bodies.forEach((k, v) -> sha.update((k + "\n" + v + "\n").getBytes(StandardCharsets.UTF_8)));
        return HexFormat.of().formatHex(sha.digest());
    }
}
