package dev.starfall.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.starfall.embedded.EmbeddedKafka;
import dev.starfall.embedded.registry.SchemaRegistryServer;
import dev.starfall.projections.ProjectionsService;
import dev.starfall.schemas.TopicProvisioner;
import dev.starfall.schemas.Topics;
import dev.starfall.schemas.avro.TransferObserved;
import dev.starfall.schemas.manifest.Manifest;
import dev.starfall.schemas.manifest.ManifestLoader;
import dev.starfall.schemas.registry.HttpSchemaRegistryClient;
import dev.starfall.schemas.registry.SchemaRegistryClient;
import dev.starfall.schemas.serde.AvroSerdes;
import io.vertx.core.Vertx;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.state.HostInfo;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole read path on real parts: transfers published through a real broker and schema
 * registry, counted by the projections (RocksDB, exactly-once), answered over HTTP.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GatewayIT {

    private static final String ALICE = "terra1alicealicealicealicealicealice0001";
    private static final String BOB = "terra1bobbobbobbobbobbobbobbobbobbobbob0002";
    private static final String CAROL = "terra1carolcarolcarolcarolcarolcarol0003";
    private static final String DAVE = "terra1davedavedavedavedavedavedavedave0004";

    private final ObjectMapper json = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private Manifest manifest;
    private EmbeddedKafka kafka;
    private SchemaRegistryServer registry;
    private ProjectionsService projections;
    private Vertx vertx;
    private Gateway gateway;
    private String base;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        manifest = ManifestLoader.loadDefault();
        kafka = EmbeddedKafka.start(EmbeddedKafka.Config.ephemeral(dir.resolve("kafka")));
        registry = SchemaRegistryServer.start(kafka.bootstrapServers(), 0);
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            new TopicProvisioner(admin, (short) 1).ensure(Topics.PIPELINE, Duration.ofSeconds(30));
        }
        SchemaRegistryClient client = new HttpSchemaRegistryClient(registry.url());
        int port = freePort();
        HostInfo self = new HostInfo("127.0.0.1", port);
        projections = ProjectionsService.start(manifest, new ProjectionsService.Settings(kafka.bootstrapServers(),
                "gateway-it", dir.resolve("state"), "127.0.0.1:" + port, 0, 1), AvroSerdes.specific(TransferObserved.class, client, false));
        vertx = Vertx.vertx();
        gateway = Gateway.start(vertx, projections, manifest, self, "127.0.0.1");
        base = "http://127.0.0.1:" + port;
    }

    @AfterAll
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
        if (vertx != null) {
            vertx.close().await();
        }
        if (projections != null) {
            projections.close();
        }
        if (registry != null) {
            registry.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void shouldAnswerExactlyTheSumsOfThePublishedTransfers() throws Exception {
        Instant close1 = manifest.schedule().closeOf(1);
        Instant close2 = manifest.schedule().closeOf(2);
        List<TransferObserved> transfers = new ArrayList<>();
        // shower 1: alice 8 + 4.5 UST (in two transfers), bob 30 UST, carol 7.999999 UST (below the minimum)
        transfers.add(transfer("tx-a1", 0, ALICE, "8000000", close1.minusSeconds(3600)));
        transfers.add(transfer("tx-a2", 0, ALICE, "4500000", close1.minusSeconds(60)));
        transfers.add(transfer("tx-b1", 0, BOB, "30000000", close1.minusSeconds(1800)));
        transfers.add(transfer("tx-c1", 0, CAROL, "7999999", close1.minusSeconds(10)));
        // the same transfer again (a re-ingest) must not count twice
        transfers.add(transfer("tx-b1", 0, BOB, "30000000", close1.minusSeconds(1800)));
        // exactly at the close belongs to shower 1; a millisecond later to shower 2
        transfers.add(transfer("tx-d1", 0, DAVE, "12500000", close1));
        transfers.add(transfer("tx-d2", 1, DAVE, "100000000000000000000000", close1.plusMillis(1)));
        // an 18-decimal-sized amount in shower 2, beyond a long
        transfers.add(transfer("tx-a3", 0, ALICE, "9000000", close2.minusSeconds(5)));
        publish(transfers);

        JsonNode board = await("/api/v1/showers/1/leaderboard?limit=10", b -> b.path("transfers").asLong() == 5);

        assertThat(board.path("wallets").asLong()).isEqualTo(4);
        assertThat(board.path("eligibleWallets").asLong()).isEqualTo(3);
        assertThat(board.path("raised").asText()).isEqualTo("62999999");
        assertThat(entries(board)).containsExactly(
                List.of("1", BOB, "30000000", "legendary"),
                // equal amounts: alice reached 12.5 UST a minute before the close, dave at the close
                List.of("2", ALICE, "12500000", "common"),
                List.of("3", DAVE, "12500000", "common"),
                List.of("4", CAROL, "7999999", "null"));

        JsonNode alice = get("/api/v1/showers/1/wallets/" + ALICE, 200);
        assertThat(alice.path("amount").asText()).isEqualTo("12500000");
        assertThat(alice.path("transfers").asLong()).isEqualTo(2);
        assertThat(alice.path("rank").asLong()).isEqualTo(2);
        assertThat(alice.path("tier").asText()).isEqualTo("common");
        assertThat(alice.path("eligible").asBoolean()).isTrue();

        JsonNode shower2 = await("/api/v1/showers/2/leaderboard", b -> b.path("transfers").asLong() == 2);
        assertThat(entries(shower2)).containsExactly(
                List.of("1", DAVE, "100000000000000000000000", "legendary"),
                List.of("2", ALICE, "9000000", "common"));
    }

    @Test
    void shouldRejectBadRequestsWithJsonErrors() throws Exception {
        assertThat(get("/api/v1/showers/45/leaderboard", 404).path("error").asText()).isEqualTo("unknown_shower");
        assertThat(get("/api/v1/showers/x/leaderboard", 400).path("error").asText()).isEqualTo("bad_shower");
        assertThat(get("/api/v1/showers/1/leaderboard?limit=0", 400).path("error").asText()).isEqualTo("bad_limit");
        assertThat(get("/api/v1/showers/1/leaderboard?limit=5000", 400).path("message").asText()).contains("1..1000");
        assertThat(get("/api/v1/showers/1/wallets/not-an-address!", 400).path("error").asText()).isEqualTo("bad_address");
        await("/health/ready", b -> "ready".equals(b.path("status").asText()));
        assertThat(get("/api/v1/showers/3/wallets/" + ALICE, 404).path("error").asText()).isEqualTo("not_found");
        assertThat(get("/health/live", 200).path("status").asText()).isEqualTo("live");
    }

    private static List<List<String>> entries(JsonNode board) {
        List<List<String>> out = new ArrayList<>();
        board.path("entries").forEach(e -> out.add(List.of(e.path("rank").asText(), e.path("wallet").asText(),
                e.path("amount").asText(), e.path("tier").isNull() ? "null" : e.path("tier").asText())));
        return out;
    }

    private TransferObserved transfer(String tx, int msg, String sender, String amount, Instant at) {
        return TransferObserved.newBuilder()
                .setChain("terra-classic").setChainId("columbus-5").setTxHash(tx).setMessageIndex(msg)
                .setBlockHeight(5_000_000L).setBlockTime(at).setSender(sender)
                .setRecipient(manifest.event().getDestinationWallet()).setDenom("uusd")
                .setAmount(new BigDecimal(new BigInteger(amount))).setMemo(null)
                .setSourceEndpoint("gateway-it").setObservedAt(Instant.now()).build();
    }

    private void publish(List<TransferObserved> transfers) throws Exception {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        SchemaRegistryClient client = new HttpSchemaRegistryClient(registry.url());
        try (KafkaProducer<String, TransferObserved> producer = new KafkaProducer<>(p, new StringSerializer(),
                AvroSerdes.specific(TransferObserved.class, client, false).serializer())) {
            for (TransferObserved t : transfers) {
                producer.send(new ProducerRecord<>(Topics.TRANSFERS_OBSERVED.name(), t.getSender(), t)).get();
            }
        }
    }

    private JsonNode get(String path, int expectedStatus) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as("status of %s: %s", path, r.body()).isEqualTo(expectedStatus);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
        return json.readTree(r.body());
    }

    /** Polls until the answer satisfies {@code done}; fails with the last answer after 60 s. */
    private JsonNode await(String path, Predicate<JsonNode> done) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        Map<String, Object> last = new HashMap<>();
        while (System.nanoTime() < deadline) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + path)).build(), HttpResponse.BodyHandlers.ofString());
            last.put("status", r.statusCode());
            last.put("body", r.body());
            if (r.statusCode() == 200) {
                JsonNode body = json.readTree(r.body());
                if (done.test(body)) {
                    return body;
                }
            }
            LockSupport.parkNanos(Duration.ofMillis(100).toNanos());
        }
        throw new AssertionError("no satisfying answer from " + path + " within 60 s; last: " + last);
    }

    private static int freePort() throws Exception {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
