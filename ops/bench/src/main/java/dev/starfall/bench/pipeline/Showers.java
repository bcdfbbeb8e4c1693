package dev.starfall.bench.pipeline;

import java.math.BigInteger;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import dev.starfall.bench.Http;

/** What {@code GET /api/v1/showers} says in total: the completion check of the pipeline benchmarks. */
record Showers(BigInteger raised, long transfers, long late, int unavailable) {

    static Optional<Showers> read(String gateway) {
        return Http.json(gateway + "/api/v1/showers").map(Showers::of);
    }

    static Showers of(JsonNode body) {
        BigInteger raised = BigInteger.ZERO;
        long transfers = 0;
        long late = 0;
        int unavailable = 0;
        for (JsonNode s : body.path("showers")) {
            if (!s.has("raised")) {
                unavailable++;
                continue;
            }
            raised = raised.add(new BigInteger(s.path("raised").asText("0")));
            transfers += s.path("transfers").asLong();
            late += s.path("late").asLong();
        }
        return new Showers(raised, transfers, late, unavailable);
    }

    /** Polls until the showers' raised total equals {@code expected}; returns the seconds waited. */
    static double awaitRaised(String gateway, BigInteger expected, java.time.Duration timeout, dev.starfall.bench.Child child)
            throws InterruptedException {
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        Showers last = null;
        while (System.nanoTime() < deadline) {
            Optional<Showers> s = read(gateway);
            if (s.isPresent()) {
                last = s.get();
                if (last.raised().equals(expected)) {
                    return (System.nanoTime() - start) / 1e9;
                }
            }
            if (child != null && !child.isAlive()) {
                throw new IllegalStateException(child.name() + " exited; see " + child.log());
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("raised never reached " + expected + " within " + timeout + "; last " + last);
    }
}
