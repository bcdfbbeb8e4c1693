package dev.starfall.cli.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;
import java.util.stream.IntStream;

import dev.starfall.cli.CliTesting;
import dev.starfall.cli.Command;
import dev.starfall.cli.UsageException;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@code starfall await-ready} against fake gateways, on a clock that moves only when the command waits. */
class AwaitReadyCommandTest {

    private static final Map<Integer, String> FINAL = Map.of(1, "aa", 2, "bb", 3, "cc");

    private final AtomicLong nanos = new AtomicLong();
    private final AwaitReadyCommand command = new AwaitReadyCommand(nanos::get, d -> nanos.addAndGet(d.toNanos()));
    private final List<FakeGateway> gateways = new ArrayList<>();

    private static final Vertx VERTX = Vertx.vertx();

    @AfterEach
    void stop() {
        gateways.forEach(g -> g.server.close().await());
    }

    @AfterAll
    static void closeVertx() {
        VERTX.close().await();
    }

    @Test
    void shouldWaitUntilReadyAndSettledThenPrintEveryShowersDigest() throws Exception {
        FakeGateway green = gateway("levana", "m1", 3, round -> round < 4 ? Map.of(1, "a" + round, 2, "bb", 3, "cc") : FINAL);

        CliTesting.Result r = run("--gateway", green.url(), "--settle", "5s", "--interval", "1s");

        assertThat(r.code()).as(r.err()).isEqualTo(Command.OK);
        assertThat(green.readyPolls.get()).isEqualTo(3);
        assertThat(r.err()).contains(green.url() + ": not ready (503: stores restoring)", green.url() + ": ready; Streams RUNNING; instances: "
                + "green-1:8080 (2 active, 0 standby partitions)");
        assertThat(r.out()).startsWith("shower  status   wallets  digest\n").contains( "1       CLOSED         7  aa", "3       CLOSED         7  cc",
                "ready: 3 showers, digests unchanged for 5s");
        assertThat(green.rounds.get()).as("settled 5 s after the last change at round 3").isBetween(9, 10);
    }

    @Test
    void shouldTimeOutWhileNotReady() throws Exception {
        FakeGateway green = gateway("levana", "m1", 3, round -> FINAL);
        green.readyAfter = Integer.MAX_VALUE;

        CliTesting.Result r = run("--gateway", green.url(), "--timeout", "10s");

        assertThat(r.code()).isEqualTo(Command.FAILED);
        assertThat(r.err()).contains("timed out after 10 s waiting for " + green.url() + ": not ready: not ready (503: stores restoring)");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void shouldTimeOutWhileTheDigestsKeepChanging() throws Exception {
        FakeGateway green = gateway("levana", "m1", 3, round -> Map.of(1, "a" + round, 2, "bb", 3, "cc"));

        CliTesting.Result r = run("--gateway", green.url(), "--timeout", "20s");

        assertThat(r.code()).isEqualTo(Command.FAILED);
        assertThat(r.err()).contains("timed out after 20 s", "digests: 3 of 3 showers answer, unchanged for 0 s");
    }

    @Test
    void shouldPassAsSoonAsGreenEqualsBlue() throws Exception {
        FakeGateway blue = gateway("levana", "m1", 3, round -> FINAL);
        FakeGateway green = gateway("levana", "m1", 3, round -> round < 3 ? Map.of(1, "a" + round, 2, "bb", 3, "cc") : FINAL);

        CliTesting.Result r = run("--gateway", green.url(), "--compare-with", blue.url());

        assertThat(r.code()).as(r.err()).isEqualTo(Command.OK);
        assertThat(r.out()).contains("1       CLOSED         7  aa", "  same", "ready: 3 showers, same digests as " + blue.url());
        assertThat(green.rounds.get()).isEqualTo(3);
    }

    @Test
    void shouldFailOnADifferenceThatStaysWhileBothAreUnchanged() throws Exception {
        FakeGateway blue = gateway("levana", "m1", 3, round -> FINAL);
        FakeGateway green = gateway("levana", "m1", 3, round -> Map.of(1, "aa", 2, "XX", 3, "cc"));

        CliTesting.Result r = run("--gateway", green.url(), "--compare-with", blue.url(), "--settle", "3s");

        assertThat(r.code()).isEqualTo(Command.FAILED);
        assertThat(r.out()).contains("2       CLOSED         7  XX", "DIFFERENT: CLOSED 7 bb",
                "DIFFERENT: 1 of 3 showers differ from " + blue.url() + " while both stayed unchanged for 3s");
    }

    @Test
    void shouldRefuseToCompareGatewaysOfDifferentManifests() throws Exception {
        FakeGateway blue = gateway("levana", "m1", 3, round -> FINAL);
        FakeGateway green = gateway("levana", "m2", 3, round -> FINAL);

        CliTesting.Result r = run("--gateway", green.url(), "--compare-with", blue.url());

        assertThat(r.code()).isEqualTo(Command.FAILED);
        assertThat(r.err()).contains("(manifest digest m2)", "(manifest digest m1): nothing to compare");
    }

    @Test
    void shouldRejectBadOptionsAsUsage() {
        assertThatThrownBy(() -> run()).isInstanceOf(UsageException.class).hasMessage("--gateway is required");
        assertThatThrownBy(() -> run("--gateway", "green:8080")).hasMessageContaining("--gateway must be an http(s) URL");
        assertThatThrownBy(() -> run("--gateway", "http://green:8080", "--timeout", "forever"))
                .hasMessageContaining("--timeout must be a duration like 500ms");
        assertThatThrownBy(() -> run("--gateway", "http://green:8080", "--interval", "0s")).hasMessageContaining("--interval must be positive");
    }

    private CliTesting.Result run(String... args) throws Exception {
        return CliTesting.run(command, args);
    }

    private FakeGateway gateway(String eventId, String manifestDigest, int showers, IntFunction<Map<Integer, String>> digestsAtRound) {
        FakeGateway g = new FakeGateway(eventId, manifestDigest, showers, digestsAtRound);
        gateways.add(g);
        return g;
    }

    /** A gateway's health, status, event and digest routes; ready from the {@code readyAfter}-th readiness poll. */
    private static final class FakeGateway {
        final HttpServer server;
        final AtomicInteger readyPolls = new AtomicInteger();
        /** Digest rounds: requests for shower 1's digest. */
        final AtomicInteger rounds = new AtomicInteger();
        volatile int readyAfter = 3;
        private final String event;
        private final IntFunction<Map<Integer, String>> digestsAtRound;

        FakeGateway(String eventId, String manifestDigest, int showers, IntFunction<Map<Integer, String>> digestsAtRound) {
            this.digestsAtRound = digestsAtRound;
            this.event = "{\"id\":\"" + eventId + "\",\"digest\":\"" + manifestDigest + "\",\"showers\":["
                    + String.join(",", IntStream.rangeClosed(1, showers).mapToObj(n -> "{\"shower\":" + n + "}").toList()) + "]}";
            this.server = VERTX.createHttpServer().requestHandler(this::answer).listen(0, "127.0.0.1").await();
        }

        private void answer(HttpServerRequest req) {
            String path = req.path();
            HttpServerResponse r = req.response().putHeader("Content-Type", "application/json");
            if (path.equals("/health/ready")) {
                boolean ready = readyPolls.incrementAndGet() >= readyAfter;
                r.setStatusCode(ready ? 200 : 503).end(ready ? "{\"status\":\"ready\"}" : "{\"error\":\"not_ready\",\"message\":\"stores restoring\"}");
            } else if (path.equals("/api/v1/status")) {
                r.end("{\"instance\":\"green-1:8080\",\"streams\":\"RUNNING\",\"ready\":true,"
                        + "\"instances\":[{\"instance\":\"green-1:8080\",\"activePartitions\":[\"t-0\",\"t-1\"],\"standbyPartitions\":[]}]}");
            } else if (path.equals("/api/v1/event")) {
                r.end(event);
            } else {
                int n = Integer.parseInt(path.split("/")[4]);
                int round = n == 1 ? rounds.incrementAndGet() : rounds.get();
                r.end("{\"shower\":" + n + ",\"status\":\"CLOSED\",\"wallets\":7,\"digest\":\"" + digestsAtRound.apply(round).get(n) + "\"}");
            }
        }

        String url() {
            return "http://127.0.0.1:" + server.actualPort();
        }
    }
}
