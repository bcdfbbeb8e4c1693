package dev.starfall.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.starfall.embedded.EmbeddedKafka;
import dev.starfall.embedded.registry.SchemaRegistryServer;
import dev.starfall.projections.Stores;
import dev.starfall.schemas.manifest.ManifestLoader;
import dev.starfall.schemas.manifest.signing.HaltNotice;
import dev.starfall.schemas.manifest.signing.HaltNotices;
import dev.starfall.schemas.manifest.signing.ManifestKeys;
import dev.starfall.schemas.manifest.signing.ManifestSigner;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code starfall ingest} and two {@code starfall serve} instances against a cluster they did not
 * start (a broker and a registry standing in for external ones), on a signed manifest: both
 * instances answer every shower with the simulator's ground truth (routing between them), and both
 * follow a signed halt notice; a third, started fresh once they have stopped, restores the same
 * answers.
 */
class ServeAndIngestIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(120);

    @TempDir
    Path dir;

    private final ObjectMapper json = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void shouldServeTheGroundTruthFromTwoInstancesAndFollowAHalt() throws Exception {
        KeyPair key = ManifestKeys.generate();
        Path pub = dir.resolve("m.pub");
        ManifestKeys.writePublicKey(key.getPublic(), pub);
        Path manifestFile = dir.resolve("event.json");
        try (InputStream in = ManifestLoader.class.getClassLoader().getResourceAsStream(ManifestLoader.DEFAULT_RESOURCE)) {
            Files.write(manifestFile, in.readAllBytes());
        }
        ManifestSigner.signFile(manifestFile, key.getPrivate());
        CheckedManifest checked = CheckedManifest.load(Optional.of(manifestFile), Optional.of(pub));
        int showers = checked.manifest().schedule().showerCount();

        try (EmbeddedKafka kafka = EmbeddedKafka.start(EmbeddedKafka.Config.ephemeral(dir.resolve("kafka")));
             SchemaRegistryServer registry = SchemaRegistryServer.start(kafka.bootstrapServers(), 0)) {
            Map<String, String> common = Map.of(
                    "STARFALL_BOOTSTRAP_SERVERS", kafka.bootstrapServers(),
                    "STARFALL_SCHEMA_REGISTRY_URL", registry.url(),
                    "STARFALL_MANIFEST", manifestFile.toString(),
                    "STARFALL_MANIFEST_PUBLIC_KEY", pub.toString());
            ServiceSettings ingestSettings = ServiceSettings.resolve(ServiceSettings.Use.INGEST, Map.of(), CliTesting.with(common,
                    "STARFALL_SIMULATOR", "true", "STARFALL_SIMULATOR_SEED", "11", "STARFALL_SIMULATOR_WALLETS", "120",
                    "STARFALL_SIMULATOR_TRANSACTIONS", "900", "STARFALL_BIND_HOST", "127.0.0.1", "STARFALL_ADMIN_PORT", Integer.toString(CliTesting.freePort())));
            Map<Integer, Map<String, BigInteger>> truth;
            try (IngestService ingest = IngestService.start(ingestSettings, checked.manifest());
                 ServeService one = ServeService.start(serveSettings(common, "state-1"), checked)) {
                assertThat(streamThreads(one)).as("the first instance, with no local state and alone but nothing to restore, starts "
                        + "with one stream thread").isEqualTo(1);
                awaitTrue(() -> one.projections().streams().state() == KafkaStreams.State.RUNNING);
                try (ServeService two = ServeService.start(serveSettings(common, "state-2"), checked)) {
                    assertThat(streamThreads(two)).as("the second, with no local state but another instance running, starts with one")
                            .isEqualTo(1);
                    assertThat(ingest.ingestor().awaitCaughtUp(TIMEOUT)).as("ingestor caught up").isTrue();
                    URI metricsUri = URI.create("http://127.0.0.1:" + ingestSettings.adminPort() + "/metrics");
                    String metrics = http.send(HttpRequest.newBuilder(metricsUri).build(), HttpResponse.BodyHandlers.ofString()).body();
                    assertThat(metrics).as("the ingest admin listener").containsPattern("starfall_ingest_requests_total\\{source=\"[^\"]+\"} [1-9]")
                            .contains("starfall_ingest_lag_seconds{", "endpoint=\"simulator\"");
                    truth = ingest.simulator().orElseThrow().groundTruth();
                    assertGroundTruth(List.of("http://127.0.0.1:" + one.gateway().port(), "http://127.0.0.1:" + two.gateway().port()),
                            truth, showers);
                    // with the application shared, each runs one stream thread (CatchUpThread)
                    awaitTrue(() -> streamThreads(one) == 1 && streamThreads(two) == 1);

                    HaltNotice halt = HaltNotice.of(checked.manifest().event().getId(), HaltNotice.State.HALTED, "halted for the test",
                            Instant.now()).signedWith(key.getPrivate());
                    try (Producer<String, byte[]> producer = HaltNotices.producer(kafka.bootstrapServers(), Duration.ofSeconds(30))) {
                        HaltNotices.publish(producer, halt, key.getPublic(), Duration.ofSeconds(30));
                    }
                    awaitTrue(() -> one.haltWatcher().orElseThrow().halted() && two.haltWatcher().orElseThrow().halted());
                    assertThat(one.haltWatcher().orElseThrow().current()).contains(halt);
                }
            }
            // A new instance replacing the lost ones, on an empty state directory and alone, with the changelogs
            // holding more than the (lowered) threshold: it starts with two stream threads and gives one back.
            try (ServeService three = ServeService.start(serveSettings(common, "state-3"), checked, 1)) {
                assertThat(streamThreads(three)).as("a fresh instance alone with state to restore starts with two stream threads")
                        .isEqualTo(2);
                assertGroundTruth(List.of("http://127.0.0.1:" + three.gateway().port()), truth, showers);
                awaitTrue(() -> streamThreads(three) == 1);
            }
        }
    }

    /** Waits until every instance at {@code urls} answers each shower's leaderboard as {@code truth} has it. */
    private void assertGroundTruth(List<String> urls, Map<Integer, Map<String, BigInteger>> truth, int showers) throws Exception {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        Map<String, Integer> matching = new HashMap<>();
        while (System.nanoTime() < deadline) {
            for (String url : urls) {
                int m = 0;
                for (int shower = 1; shower <= showers; shower++) {
                    JsonNode board = leaderboard(url, shower);
                    if (board != null && amounts(board).equals(truth.getOrDefault(shower, Map.of()))) {
                        m++;
                    }
                }
                matching.put(url, m);
            }
            if (matching.values().stream().allMatch(m -> m == showers)) {
                break;
            }
            LockSupport.parkNanos(Duration.ofMillis(250).toNanos());
        }
        assertThat(matching).as("showers matching the ground truth per instance").containsOnlyKeys(urls)
                .allSatisfy((url, m) -> assertThat(m).as(url).isEqualTo(showers));
    }

    @Test
    void shouldRefuseToServeStateBuiltByAnEarlierVersion() throws Exception {
        CheckedManifest checked = CheckedManifest.load(Optional.empty(), Optional.empty());
        try (EmbeddedKafka kafka = EmbeddedKafka.start(EmbeddedKafka.Config.ephemeral(dir.resolve("kafka")));
             SchemaRegistryServer registry = SchemaRegistryServer.start(kafka.bootstrapServers(), 0)) {
            ServiceSettings settings = serveSettings(Map.of(
                    "STARFALL_BOOTSTRAP_SERVERS", kafka.bootstrapServers(),
                    "STARFALL_SCHEMA_REGISTRY_URL", registry.url()), "state");
            String retired = Stores.RETIRED.keySet().iterator().next();
            String changelog = Stores.changelog(settings.applicationIdFor(checked.manifest()), retired);
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
                admin.createTopics(List.of(new NewTopic(changelog, 1, (short) 1))).all().get();
            }

            assertThatThrownBy(() -> ServeService.start(settings, checked).close())
                    .as("serve on an application whose state has the changelog of a retired store")
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining(changelog)
                    .hasMessageContaining("starfall reset");
        }
    }

    private ServiceSettings serveSettings(Map<String, String> common, String stateDir) throws Exception {
        return ServiceSettings.resolve(ServiceSettings.Use.SERVE, Map.of(), CliTesting.with(common,
                "STARFALL_ADVERTISED_HOST", "127.0.0.1", "STARFALL_BIND_HOST", "127.0.0.1",
                "STARFALL_HTTP_PORT", Integer.toString(CliTesting.freePort()), "STARFALL_STATE_DIR", dir.resolve(stateDir).toString(),
                "STARFALL_RATE_LIMIT_PER_SECOND", "0"));
    }

    private JsonNode leaderboard(String base, int shower) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/showers/" + shower + "/leaderboard?limit=1000"))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        return r.statusCode() == 200 ? json.readTree(r.body()) : null;
    }

    private static Map<String, BigInteger> amounts(JsonNode board) {
        Map<String, BigInteger> out = new HashMap<>();
        board.path("entries").forEach(e -> out.put(e.path("wallet").asText(), new BigInteger(e.path("amount").asText())));
        return out;
    }

    private static long streamThreads(ServeService service) {
        return service.projections().streams().metadataForLocalThreads().stream()
                .filter(t -> !t.threadState().equals("DEAD") && !t.threadState().equals("PENDING_SHUTDOWN")).count();
    }

    private static void awaitTrue(java.util.function.BooleanSupplier condition) {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out");
            }
            LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
        }
    }
}
