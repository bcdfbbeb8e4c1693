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
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.starfall.embedded.EmbeddedKafka;
import dev.starfall.embedded.LoopbackPorts;
import dev.starfall.embedded.registry.SchemaRegistryServer;
import dev.starfall.projections.ProjectionsService;
import dev.starfall.schemas.TopicProvisioner;
import dev.starfall.schemas.Topics;
import dev.starfall.schemas.avro.TransferObserved;
import dev.starfall.schemas.manifest.Manifest;
import dev.starfall.schemas.manifest.ManifestLoader;
import dev.starfall.schemas.registry.HttpSchemaRegistryClient;
import dev.starfall.schemas.serde.AvroSerdes;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.state.HostInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two instances of the gateway, each with its own Streams instance of one application: any shower
 * or wallet asked of either gives the same answer; after one is killed (closed without leaving the
 * group, as a crash would), the other answers every shower, from its standby or after the rebalance.
 */
class GatewayFailoverIT {

    private static final int SHOWERS = 12;
    private static final int WALLETS = 4;

    @TempDir
    Path dir;

    private final ObjectMapper json = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final Manifest manifest = ManifestLoader.loadDefault();

    private record Instance(ProjectionsService projections, Gateway gateway, String base) {
    }

    @Test
    void shouldAnswerAlikeFromEitherInstanceAndSurviveOneBeingKilled() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start(EmbeddedKafka.Config.ephemeral(dir.resolve("kafka")));
             SchemaRegistryServer registry = SchemaRegistryServer.start(kafka.bootstrapServers(), 0)) {
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
                new TopicProvisioner(admin, (short) 1).ensure(Topics.PIPELINE, Duration.ofSeconds(30));
            }
            Map<Integer, Map<String, BigInteger>> expected = publish(kafka.bootstrapServers(), registry.url());
            Vertx vertx = NetTransport.AUTO.vertx(new VertxOptions()); // as serve: forwards go over the same transport
            Instance a = start(vertx, kafka, registry, "a");
            Instance b = start(vertx, kafka, registry, "b");
            try {
                Set<String> servers = new HashSet<>();
                for (int n = 1; n <= SHOWERS; n++) {
                    String path = "/api/v1/showers/" + n + "/leaderboard?limit=100";
                    JsonNode fromA = awaitAmounts(a.base() + path, expected.get(n));
                    JsonNode fromB = awaitAmounts(b.base() + path, expected.get(n));
                    assertThat(fromB.path("entries")).as("shower %d asked of either instance", n).isEqualTo(fromA.path("entries"));
                    servers.add(served(a.base() + path));
                    String wallet = GatewayIT.wallet(n * 100 + 1);
                    JsonNode wa = get(a.base() + "/api/v1/showers/" + n + "/wallets/" + wallet);
                    JsonNode wb = get(b.base() + "/api/v1/showers/" + n + "/wallets/" + wallet);
                    assertThat(wb.path("amount")).isEqualTo(wa.path("amount"));
                    assertThat(wb.path("rank")).isEqualTo(wa.path("rank"));
                }
                assertThat(servers).as("both instances own some showers").hasSize(2);

                // kill b: its HTTP server goes away and its Streams instance stops without leaving the group
                b.gateway().close();
                b.projections().streams().close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.REMAIN_IN_GROUP)
                        .withTimeout(Duration.ofSeconds(10)));
                for (int n = 1; n <= SHOWERS; n++) {
                    awaitAmounts(a.base() + "/api/v1/showers/" + n + "/leaderboard?limit=100", expected.get(n));
                }
            } finally {
                a.gateway().close();
                a.projections().close();
                vertx.close().await();
            }
        }
    }

    private Instance start(Vertx vertx, EmbeddedKafka kafka, SchemaRegistryServer registry, String name) throws Exception {
        int port = freePort();
        ProjectionsService projections = ProjectionsService.start(manifest, new ProjectionsService.Settings(kafka.bootstrapServers(),
                "failover-it", dir.resolve("state-" + name), "127.0.0.1:" + port, 1, 1,
                Map.of("session.timeout.ms", 6000, "heartbeat.interval.ms", 1500)), new HttpSchemaRegistryClient(registry.url()));
        Gateway gateway = Gateway.start(vertx, projections, manifest, new HostInfo("127.0.0.1", port),
                GatewayConfig.defaults().withRateLimit(0, 1), GatewayHooks.none());
        return new Instance(projections, gateway, "http://127.0.0.1:" + port);
    }

    private Map<Integer, Map<String, BigInteger>> publish(String bootstrap, String registryUrl) throws Exception {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        Map<Integer, Map<String, BigInteger>> expected = new HashMap<>();
        try (KafkaProducer<String, TransferObserved> producer = new KafkaProducer<>(p, new StringSerializer(),
                AvroSerdes.specific(TransferObserved.class, new HttpSchemaRegistryClient(registryUrl), false).serializer())) {
            for (int n = 1; n <= SHOWERS; n++) {
                Instant close = manifest.schedule().closeOf(n);
                for (int w = 1; w <= WALLETS; w++) {
                    String wallet = GatewayIT.wallet(n * 100 + w);
                    BigInteger amount = BigInteger.valueOf(1_000_000L * (w * 7 + n));
                    TransferObserved t = TransferObserved.newBuilder().setChain("terra-classic").setChainId("columbus-5")
                            .setTxHash("fo-" + n + "-" + w).setMessageIndex(0).setBlockHeight(n * 100L + w)
                            .setBlockTime(close.minusSeconds(60L * w)).setSender(wallet)
                            .setRecipient(manifest.event().getDestinationWallet()).setDenom("uusd")
                            .setAmount(new BigDecimal(amount)).setSourceEndpoint("failover-it").setObservedAt(Instant.now()).build();
                    producer.send(new ProducerRecord<>(Topics.TRANSFERS_OBSERVED.name(), wallet, t)).get();
                    expected.computeIfAbsent(n, k -> new HashMap<>()).put(wallet, amount);
                }
            }
        }
        return expected;
    }

    /** Polls until the leaderboard at {@code url} holds exactly {@code amounts}; 503s during rebalances are retried. */
    private JsonNode awaitAmounts(String url, Map<String, BigInteger> amounts) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            HttpResponse<String> r = send(url);
            last = r.statusCode() + " " + r.body();
            if (r.statusCode() == 200) {
                JsonNode board = json.readTree(r.body());
                Map<String, BigInteger> seen = new HashMap<>();
                board.path("entries").forEach(e -> seen.put(e.path("wallet").asText(), new BigInteger(e.path("amount").asText())));
                if (seen.equals(amounts)) {
                    return board;
                }
            }
            LockSupport.parkNanos(Duration.ofMillis(200).toNanos());
        }
        throw new AssertionError("no complete answer from " + url + " within 90 s; last: " + last);
    }

    private String served(String url) throws Exception {
        return send(url).headers().firstValue(Gateway.SERVED_BY).orElseThrow();
    }

    private JsonNode get(String url) throws Exception {
        HttpResponse<String> r = send(url);
        assertThat(r.statusCode()).as("%s: %s", url, r.body()).isEqualTo(200);
        return json.readTree(r.body());
    }

    private HttpResponse<String> send(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static int freePort() {
        return LoopbackPorts.free();
    }
}
