package dev.starfall.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.starfall.embedded.EmbeddedKafka;
import dev.starfall.embedded.registry.SchemaRegistryServer;
import dev.starfall.projections.ProjectionsService;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The blue/green path of the runbook on a real broker: blue serves under the default application
 * id; green starts beside it with a new application id, on the same broker and the same state
 * directory root, builds its own stores from the transfer log, and {@code starfall await-ready}
 * waits for it and finds every shower's digest equal to blue's.
 */
class BlueGreenIT {

    private static final Pattern DIGEST_ROW = Pattern.compile("(?m)^(\\d+)\\s+([A-Z]+)\\s+(\\d+)\\s+([0-9a-f]{64})");

    @TempDir
    Path dir;

    @Test
    void shouldBuildGreenBesideBlueAndAwaitTheSameDigests() throws Exception {
        CheckedManifest checked = CheckedManifest.load(Optional.empty(), Optional.empty());
        int showers = checked.manifest().schedule().showerCount();
        String blueId = ProjectionsService.Settings.applicationIdFor(checked.manifest());
        String greenId = blueId + "-g2";
        Path stateRoot = dir.resolve("state");

        try (EmbeddedKafka kafka = EmbeddedKafka.start(EmbeddedKafka.Config.ephemeral(dir.resolve("kafka")));
             SchemaRegistryServer registry = SchemaRegistryServer.start(kafka.bootstrapServers(), 0)) {
            Map<String, String> common = Map.of(
                    "STARFALL_BOOTSTRAP_SERVERS", kafka.bootstrapServers(),
                    "STARFALL_SCHEMA_REGISTRY_URL", registry.url(),
                    "STARFALL_BIND_HOST", "127.0.0.1");
            ServiceSettings ingestSettings = ServiceSettings.resolve(ServiceSettings.Use.INGEST, Map.of(), CliTesting.with(common,
                    "STARFALL_SIMULATOR", "true", "STARFALL_SIMULATOR_SEED", "5", "STARFALL_SIMULATOR_WALLETS", "60",
                    "STARFALL_SIMULATOR_TRANSACTIONS", "400", "STARFALL_ADMIN_PORT", "0"));
            try (IngestService ingest = IngestService.start(ingestSettings, checked.manifest());
                 ServeService blue = ServeService.start(serveSettings(common, stateRoot), checked)) {
                assertThat(ingest.ingestor().awaitCaughtUp(Duration.ofSeconds(120))).as("ingestor caught up").isTrue();
                assertThat(blue.applicationId()).isEqualTo(blueId);
                String blueUrl = "http://127.0.0.1:" + blue.gateway().port();

                CliTesting.Result blueReady = CliTesting.starfall(Map.of(), "await-ready", "--gateway", blueUrl, "--timeout", "240s",
                        "--settle", "3s");
                assertThat(blueReady.code()).as(blueReady.err()).isZero();
                Map<Integer, String> blueDigests = digests(blueReady.out());
                assertThat(blueDigests).hasSize(showers);

                try (ServeService green = ServeService.start(serveSettings(CliTesting.with(common, "STARFALL_APPLICATION_ID", greenId), stateRoot), checked)) {
                    assertThat(green.applicationId()).isEqualTo(greenId);
                    String greenUrl = "http://127.0.0.1:" + green.gateway().port();

                    CliTesting.Result greenReady = CliTesting.starfall(Map.of(), "await-ready", "--gateway", greenUrl,
                            "--compare-with", blueUrl, "--timeout", "240s", "--settle", "5s", "--interval", "2s");

                    assertThat(greenReady.code()).as(greenReady.out() + greenReady.err()).isZero();
                    assertThat(greenReady.out()).contains("same digests as " + blueUrl).doesNotContain("DIFFERENT");
                    assertThat(greenReady.err()).contains(greenUrl + ": ready; Streams RUNNING");
                    assertThat(digests(greenReady.out())).as("green's digests").isEqualTo(blueDigests);
                    assertThat(blueDigests.values()).as("some shower has wallets").anyMatch(d -> !d.startsWith("0 "));

                    assertThat(stateRoot.resolve(blueId)).as("blue's stores").isDirectory();
                    assertThat(stateRoot.resolve(greenId)).as("green's stores, beside blue's").isDirectory();
                    // each alone in its own group; a stream thread added or started for a catch-up is given back once caught up
                    assertThat(membersOnceCaughtUp(kafka.bootstrapServers(), blueId)).as("blue's group").isEqualTo(1);
                    assertThat(membersOnceCaughtUp(kafka.bootstrapServers(), greenId)).as("green's own group").isEqualTo(1);
                }
            }
        }
    }

    private ServiceSettings serveSettings(Map<String, String> env, Path stateRoot) throws Exception {
        return ServiceSettings.resolve(ServiceSettings.Use.SERVE, Map.of(), CliTesting.with(env,
                "STARFALL_ADVERTISED_HOST", "127.0.0.1", "STARFALL_HTTP_PORT", Integer.toString(CliTesting.freePort()),
                "STARFALL_STATE_DIR", stateRoot.toString(), "STARFALL_RATE_LIMIT_PER_SECOND", "0"));
    }

    /** Shower to "wallets digest" from the command's table. */
    private static Map<Integer, String> digests(String out) {
        Map<Integer, String> rows = new HashMap<>();
        Matcher m = DIGEST_ROW.matcher(out);
        while (m.find()) {
            rows.put(Integer.parseInt(m.group(1)), m.group(3) + " " + m.group(4));
        }
        return rows;
    }

    /** The group's members once there is one, or after a minute: a stream thread is a member. */
    private static int membersOnceCaughtUp(String bootstrap, String group) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        int members = members(bootstrap, group);
        while (members != 1 && System.nanoTime() < deadline) {
            LockSupport.parkNanos(Duration.ofMillis(250).toNanos());
            members = members(bootstrap, group);
        }
        return members;
    }

    private static int members(String bootstrap, String group) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            ConsumerGroupDescription d = admin.describeConsumerGroups(List.of(group)).all().get(30, TimeUnit.SECONDS).get(group);
            return d.members().size();
        }
    }
}
