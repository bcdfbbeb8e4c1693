package dev.starfall.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.function.Function;

import dev.starfall.gateway.NetTransport;
import dev.starfall.ingestor.IngestorConfig;
import dev.starfall.ingestor.source.SourceSettings;
import dev.starfall.ingestor.source.Sources;
import dev.starfall.ingestor.source.http.EndpointPool;
import dev.starfall.ingestor.source.lcd.LcdQuery;
import dev.starfall.projections.ProjectionsService;
import dev.starfall.schemas.manifest.Manifest;
import dev.starfall.schemas.manifest.ManifestLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServiceSettingsTest {

    @Test
    void shouldUseTheDefaultsWhenNothingIsSet() {
        ServiceSettings s = ServiceSettings.resolve(ServiceSettings.Use.SERVE, Map.of(), Map.of());

        assertThat(s.bootstrapServers()).isEqualTo("localhost:9092");
        assertThat(s.schemaRegistryUrl()).isEqualTo("http://localhost:8081");
        assertThat(s.manifest()).isEmpty();
        assertThat(s.manifestPublicKey()).isEmpty();
        assertThat(s.httpPort()).isEqualTo(8080);
        assertThat(s.applicationServer()).isEqualTo("localhost:8080");
        assertThat(s.replicationFactor()).isEqualTo((short) 1);
        assertThat(s.rateLimitPerSecond()).isEqualTo(200);
        assertThat(s.netTransport()).isEqualTo(NetTransport.AUTO);
    }

    @Test
    void shouldReadTheNetworkTransportAndNameItsSettingWhenItIsUnknown() {
        assertThat(ServiceSettings.resolve(ServiceSettings.Use.SERVE, Map.of(), Map.of("STARFALL_NET_TRANSPORT", "epoll"),
                t -> Optional.empty()).netTransport())
                .isEqualTo(NetTransport.EPOLL);
        assertThat(ServiceSettings.resolve(ServiceSettings.Use.SERVE, Map.of("--net-transport", "nio"), Map.of("STARFALL_NET_TRANSPORT", "epoll"))
                .netTransport()).isEqualTo(NetTransport.NIO);
        assertThatThrownBy(() -> ServiceSettings.resolve(ServiceSettings.Use.SERVE, Map.of(), Map.of("STARFALL_NET_TRANSPORT", "kqueue")))
                .isInstanceOf(UsageException.class)
                .hasMessage("STARFALL_NET_TRANSPORT: network transport must be one of auto, io_uring, epoll, nio; got 'kqueue'");
        assertThat(ServiceSettings.flags(ServiceSettings.Use.SERVE)).contains("--net-transport");
        assertThat(ServiceSettings.flags(ServiceSettings.Use.INGEST)).doesNotContain("--net-transport");
    }

    @Test
    void shouldRefuseANamedTransportThisMachineCannotRunNamingItsSettingAndWhy() {
        Function<NetTransport, Optional<String>> noNative = t -> t == NetTransport.NIO ? Optional.empty()
                : Optional.of("failed to load the native library");

        assertThatThrownBy(() -> ServiceSettings.resolve(ServiceSettings.Use.SERVE, Map.of(), Map.of("STARFALL_NET_TRANSPORT", "epoll"),
                noNative))
                .isInstanceOf(UsageException.class)
                .hasMessage("STARFALL_NET_TRANSPORT: the epoll network transport is not available here: failed to load the native library"
                        + " (auto falls back to the next that is: io_uring, epoll, nio)");
        assertThatThrownBy(() -> ServiceSettings.resolve(ServiceSettings.Use.SERVE, Map.of("--net-transport", "io_uring"), Map.of(),
                noNative))
                .isInstanceOf(UsageException.class).hasMessageStartingWith("--net-transport: the io_uring network transport is not available");
        assertThat(ServiceSettings.resolve(ServiceSettings.Use.SERVE, Map.of(), Map.of("STARFALL_NET_TRANSPORT", "nio"), noNative)
                .netTransport()).isEqualTo(NetTransport.NIO);
        assertThat(ServiceSettings.resolve(ServiceSettings.Use.SERVE, Map.of(), Map.of(), noNative).netTransport())
                .as("auto falls back when Vert.x starts").isEqualTo(NetTransport.AUTO);
        assertThat(ServiceSettings.resolve(ServiceSettings.Use.INGEST, Map.of(), Map.of("STARFALL_NET_TRANSPORT", "epoll",
                "STARFALL_SIMULATOR", "true"), noNative).netTransport()).as("ingest has no gateway: the setting is not its own").isEqualTo(NetTransport.AUTO);
    }

    @Test
    void shouldReadTheEnvironmentAndLetFlagsWin() {
        Map<String, String> env = Map.of("STARFALL_BOOTSTRAP_SERVERS", "kafka:9092", "STARFALL_HTTP_PORT", "9000",
                "STARFALL_ADVERTISED_HOST", "serve-1", "STARFALL_MANIFEST_PUBLIC_KEY", "/keys/m.pub", "STARFALL_STANDBY_REPLICAS", "1");

        ServiceSettings s = ServiceSettings.resolve(ServiceSettings.Use.SERVE, Map.of("--http-port", "9100"), env);

        assertThat(s.bootstrapServers()).isEqualTo("kafka:9092");
        assertThat(s.httpPort()).isEqualTo(9100);
        assertThat(s.applicationServer()).isEqualTo("serve-1:9100");
        assertThat(s.manifestPublicKey()).isEqualTo(Optional.of(Path.of("/keys/m.pub")));
        assertThat(s.standbyReplicas()).isEqualTo(1);
        assertThat(ServiceSettings.describe(ServiceSettings.Use.SERVE, Map.of("--http-port", "9100"), env))
                .containsEntry("STARFALL_HTTP_PORT", "9100 [--http-port]")
                .containsEntry("STARFALL_BOOTSTRAP_SERVERS", "kafka:9092 [environment]")
                .containsEntry("STARFALL_RATE_LIMIT_PER_SECOND", "200 [default]");
    }

    @Test
    void shouldTreatAnEmptyVariableAsUnset() {
        ServiceSettings s = ServiceSettings.resolve(ServiceSettings.Use.SERVE, Map.of(), Map.of("STARFALL_MANIFEST_PUBLIC_KEY", " ",
                "STARFALL_HTTP_PORT", ""));

        assertThat(s.manifestPublicKey()).isEmpty();
        assertThat(s.httpPort()).isEqualTo(8080);
    }

    @Test
    void shouldNameTheVariableOfAnInvalidValue() {
        assertThatThrownBy(() -> ServiceSettings.resolve(ServiceSettings.Use.SERVE, Map.of(), Map.of("STARFALL_HTTP_PORT", "eighty")))
                .isInstanceOf(UsageException.class).hasMessageContaining("STARFALL_HTTP_PORT must be an integer");
        assertThatThrownBy(() -> ServiceSettings.resolve(ServiceSettings.Use.SERVE, Map.of(), Map.of("STARFALL_REPLICATION_FACTOR", "0")))
                .hasMessageContaining("STARFALL_REPLICATION_FACTOR must be in 1..32");
        assertThatThrownBy(() -> ServiceSettings.resolve(ServiceSettings.Use.INGEST, Map.of(), Map.of("STARFALL_SIMULATOR", "maybe")))
                .hasMessageContaining("STARFALL_SIMULATOR must be true or false");
    }

    @Test
    void shouldRequireASourceOrTheSimulatorToIngest() {
        assertThatThrownBy(() -> ServiceSettings.resolve(ServiceSettings.Use.INGEST, Map.of(), Map.of()))
                .hasMessageContaining("STARFALL_SOURCE_URL");
        assertThat(ServiceSettings.resolve(ServiceSettings.Use.INGEST, Map.of(), Map.of("STARFALL_SIMULATOR", "true")).simulator()).isTrue();
        assertThat(ServiceSettings.resolve(ServiceSettings.Use.INGEST, Map.of("--source-url", "https://fcd.example"), Map.of()).source()
                .endpoints()).containsExactly(new EndpointPool.EndpointConfig("primary", "https://fcd.example", 1));
    }

    @Test
    void shouldDefaultTheApplicationIdToTheManifestsAndTakeANewOne() {
        Manifest manifest = ManifestLoader.loadDefault();

        ServiceSettings blue = ServiceSettings.resolve(ServiceSettings.Use.SERVE, Map.of(), Map.of());
        ServiceSettings green = ServiceSettings.resolve(ServiceSettings.Use.SERVE, Map.of(),
                Map.of("STARFALL_APPLICATION_ID", "starfall-projections-levana-g2"));

        assertThat(blue.applicationId()).isEmpty();
        assertThat(blue.applicationIdFor(manifest)).isEqualTo(ProjectionsService.Settings.applicationIdFor(manifest));
        assertThat(green.applicationIdFor(manifest)).isEqualTo("starfall-projections-levana-g2");
        assertThatThrownBy(() -> ServiceSettings.resolve(ServiceSettings.Use.SERVE, Map.of("--application-id", "blue green"), Map.of()))
                .isInstanceOf(UsageException.class).hasMessageContaining("--application-id must be 1 to 200 letters, digits");
        assertThat(ServiceSettings.flags(ServiceSettings.Use.INGEST)).doesNotContain("--application-id");
    }

    @Test
    void shouldUseTheIngestDefaultsOfTheChainSources() {
        ServiceSettings s = ServiceSettings.resolve(ServiceSettings.Use.INGEST, Map.of(), Map.of("STARFALL_SIMULATOR", "true"));

        assertThat(s.source().endpoints()).isEmpty();
        assertThat(s.source().ratePerSecond()).isEqualTo(EndpointPool.Settings.DEFAULT.ratePerSecond());
        assertThat(s.source().burst()).isEqualTo(EndpointPool.Settings.DEFAULT.burst());
        assertThat(s.source().requestTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(s.source().chainOptions()).isEqualTo(Sources.ChainOptions.DEFAULT);
        assertThat(s.adminPort()).isEqualTo(9464);
        assertThat(s.bindHost()).isEqualTo("0.0.0.0");
        assertThat(s.ingestorConfig()).isEqualTo(IngestorConfig.defaults(s.bootstrapServers()));
    }

    @Test
    void shouldReadTheIngestorsPollIntervalAndTransactionSize() {
        ServiceSettings s = ServiceSettings.resolve(ServiceSettings.Use.INGEST, Map.of("--ingest-poll-interval", "500ms"),
                Map.of("STARFALL_SIMULATOR", "true", "STARFALL_INGEST_POLL_INTERVAL", "5s", "STARFALL_INGEST_TRANSACTION_EVENTS", "800"));

        assertThat(s.ingestorConfig().pollInterval()).as("the flag wins over the variable").isEqualTo(Duration.ofMillis(500));
        assertThat(s.ingestorConfig().maxTransactionEvents()).isEqualTo(800);
        assertThat(s.ingestorConfig().withPollInterval(IngestorConfig.defaults("x").pollInterval()).withMaxTransactionEvents(5_000))
                .as("nothing else differs from the defaults").isEqualTo(IngestorConfig.defaults(s.bootstrapServers()));
        Map<String, String> sim = Map.of("STARFALL_SIMULATOR", "true");
        assertThatThrownBy(() -> resolveIngest(sim, "STARFALL_INGEST_POLL_INTERVAL", "10ms"))
                .hasMessageContaining("STARFALL_INGEST_POLL_INTERVAL must be between");
        assertThatThrownBy(() -> resolveIngest(sim, "STARFALL_INGEST_TRANSACTION_EVENTS", "0"))
                .hasMessageContaining("STARFALL_INGEST_TRANSACTION_EVENTS must be in 1..");
        assertThat(ServiceSettings.flags(ServiceSettings.Use.SERVE)).doesNotContain("--ingest-poll-interval", "--ingest-transaction-events");
    }

    @Test
    void shouldReadSeveralWeightedEndpointsAndTheirPacing() {
        Map<String, String> env = Map.of(
                "STARFALL_SOURCE_URL", "helius=https://rpc.helius.example/?x@3, triton=https://triton.example:8899/rpc@1,spare=http://10.0.0.9@0",
                "STARFALL_SOURCE_RATE_PER_SECOND", "2.5",
                "STARFALL_SOURCE_BURST", "5",
                "STARFALL_SOURCE_REQUEST_TIMEOUT", "1500ms",
                "STARFALL_LCD_DIALECT", "QUERY",
                "STARFALL_SOLANA_TOKEN_ACCOUNTS", "7xKXtg2CW87d97TXJSDpbD5jBkheTqA83TZRuJosgAsU, 9WzDXwBbmkg8ZTbNMqUxvQRAyrZzDsGYdLVL9zYtAWWM",
                "STARFALL_ADMIN_PORT", "0");

        assertThatThrownBy(() -> ServiceSettings.resolve(ServiceSettings.Use.INGEST, Map.of(), env))
                .as("a query string is not a base URL").hasMessageContaining("STARFALL_SOURCE_URL: URL of helius must be the API's base URL");

        Map<String, String> fixed = new HashMap<>(env);
        fixed.put("STARFALL_SOURCE_URL", "helius=https://rpc.helius.example/@3, triton=https://triton.example:8899/rpc@1,spare=http://10.0.0.9@0");
        ServiceSettings s = ServiceSettings.resolve(ServiceSettings.Use.INGEST, Map.of(), fixed);

        assertThat(s.source().endpoints()).containsExactly(
                new EndpointPool.EndpointConfig("helius", "https://rpc.helius.example", 3),
                new EndpointPool.EndpointConfig("triton", "https://triton.example:8899/rpc", 1),
                new EndpointPool.EndpointConfig("spare", "http://10.0.0.9", 0));
        assertThat(s.source().ratePerSecond()).isEqualTo(2.5);
        assertThat(s.source().burst()).isEqualTo(5);
        assertThat(s.source().requestTimeout()).isEqualTo(Duration.ofMillis(1500));
        assertThat(s.source().lcdDialect()).isEqualTo(LcdQuery.Dialect.QUERY);
        assertThat(s.source().solanaTokenAccounts()).containsExactly("7xKXtg2CW87d97TXJSDpbD5jBkheTqA83TZRuJosgAsU",
                "9WzDXwBbmkg8ZTbNMqUxvQRAyrZzDsGYdLVL9zYtAWWM");
        assertThat(s.adminPort()).isZero();
        SourceSettings settings = s.source().settings(s.source().endpoints());
        assertThat(settings.pacing().ratePerSecond()).isEqualTo(2.5);
        assertThat(settings.pacing().burst()).isEqualTo(5);
        assertThat(settings.requestTimeout()).isEqualTo(Duration.ofMillis(1500));
        assertThat(settings.endpoints()).hasSize(3);
    }

    @Test
    void shouldNameTheSettingOfAnInvalidIngestValue() {
        Map<String, String> sim = Map.of("STARFALL_SIMULATOR", "true");
        assertThatThrownBy(() -> resolveIngest(sim, "STARFALL_SOURCE_RATE_PER_SECOND", "fast"))
                .hasMessageContaining("STARFALL_SOURCE_RATE_PER_SECOND must be a number, got 'fast'");
        assertThatThrownBy(() -> resolveIngest(sim, "STARFALL_SOURCE_RATE_PER_SECOND", "0"))
                .hasMessageContaining("STARFALL_SOURCE_RATE_PER_SECOND must be in");
        assertThatThrownBy(() -> resolveIngest(sim, "STARFALL_SOURCE_BURST", "0")).hasMessageContaining("STARFALL_SOURCE_BURST must be in 1..");
        assertThatThrownBy(() -> resolveIngest(sim, "STARFALL_SOURCE_REQUEST_TIMEOUT", "ten"))
                .hasMessageContaining("STARFALL_SOURCE_REQUEST_TIMEOUT must be a duration like 500ms, 10s");
        assertThatThrownBy(() -> resolveIngest(sim, "STARFALL_SOURCE_REQUEST_TIMEOUT", "0s"))
                .hasMessageContaining("STARFALL_SOURCE_REQUEST_TIMEOUT must be between");
        assertThatThrownBy(() -> resolveIngest(sim, "STARFALL_LCD_DIALECT", "graphql"))
                .hasMessageContaining("STARFALL_LCD_DIALECT must be events (Cosmos SDK 0.45/0.47) or query (SDK 0.50+), got 'graphql'");
        assertThatThrownBy(() -> resolveIngest(sim, "STARFALL_SOLANA_TOKEN_ACCOUNTS", "7xKXtg2CW87d97TXJSDpbD5jBkheTqA83TZRuJosgAsU,,"))
                .hasMessageContaining("STARFALL_SOLANA_TOKEN_ACCOUNTS has an empty item");
        assertThatThrownBy(() -> resolveIngest(sim, "STARFALL_SOLANA_TOKEN_ACCOUNTS", "0xdeadbeef"))
                .hasMessageContaining("STARFALL_SOLANA_TOKEN_ACCOUNTS must be Solana addresses (base58 of 32 bytes), got '0xdeadbeef'");
        assertThatThrownBy(() -> resolveIngest(sim, "STARFALL_ADMIN_PORT", "70000")).hasMessageContaining("STARFALL_ADMIN_PORT must be in 0..65535");
        assertThatThrownBy(() -> ServiceSettings.resolve(ServiceSettings.Use.INGEST, Map.of("--source-url", "a=https://x.example@1,a=https://y.example@1"),
                Map.of())).hasMessageContaining("--source-url: endpoint name 'a' is used twice");
    }

    private static ServiceSettings resolveIngest(Map<String, String> base, String variable, String value) {
        Map<String, String> env = new HashMap<>(base);
        env.put(variable, value);
        return ServiceSettings.resolve(ServiceSettings.Use.INGEST, Map.of(), env);
    }

    @Test
    void shouldReadDurationsAsOperatorsWriteThem() {
        assertThat(Durations.parse("500ms", "x")).isEqualTo(Duration.ofMillis(500));
        assertThat(Durations.parse(" 10s ", "x")).isEqualTo(Duration.ofSeconds(10));
        assertThat(Durations.parse("5m", "x")).isEqualTo(Duration.ofMinutes(5));
        assertThat(Durations.parse("1h", "x")).isEqualTo(Duration.ofHours(1));
        assertThat(Durations.parse("PT1M30S", "x")).isEqualTo(Duration.ofSeconds(90));
        assertThatThrownBy(() -> Durations.parse("-PT1S", "--timeout")).hasMessageContaining("--timeout must not be negative");
        assertThatThrownBy(() -> Durations.parse("soon", "--timeout")).isInstanceOf(UsageException.class)
                .hasMessageContaining("--timeout must be a duration");
    }

    @Test
    void shouldApplyAStreamsPropertiesFileAndRefuseWhatOtherSettingsOwn(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("streams.properties"), "# for brokers that collect client metrics\n"
                + "enable.metrics.push = true\nmain.consumer.session.timeout.ms=30000\n");

        ServiceSettings s = ServiceSettings.resolve(ServiceSettings.Use.SERVE, Map.of(), Map.of("STARFALL_STREAMS_PROPERTIES", file.toString()));

        assertThat(s.streamsProperties()).containsExactly(Map.entry("enable.metrics.push", "true"),
                Map.entry("main.consumer.session.timeout.ms", "30000"));
        assertThat(ServiceSettings.resolve(ServiceSettings.Use.SERVE, Map.of(), Map.of()).streamsProperties()).isEmpty();
        // applied over starfall's own settings, last
        Properties streams = ProjectionsService.properties(new ProjectionsService.Settings("kafka:9092", "app", dir, "serve-1:8080", 0, 1,
                Map.copyOf(s.streamsProperties())));
        assertThat(streams.get("enable.metrics.push")).isEqualTo("true");
        assertThat(streams.get("main.consumer.session.timeout.ms")).isEqualTo("30000");

        Path guarantee = Files.writeString(dir.resolve("alo.properties"), "processing.guarantee=at_least_once\n");
        assertThatThrownBy(() -> ServiceSettings.resolve(ServiceSettings.Use.SERVE, Map.of("--streams-properties", guarantee.toString()), Map.of()))
                .isInstanceOf(UsageException.class)
                .hasMessageContaining("--streams-properties: " + guarantee + " sets processing.guarantee, which stays exactly_once_v2");
        Path id = Files.writeString(dir.resolve("id.properties"), "application.id=other\n");
        assertThatThrownBy(() -> ServiceSettings.resolve(ServiceSettings.Use.SERVE, Map.of(), Map.of("STARFALL_STREAMS_PROPERTIES", id.toString())))
                .hasMessageContaining("STARFALL_STREAMS_PROPERTIES: " + id + " sets application.id, which is set by STARFALL_APPLICATION_ID");
        assertThatThrownBy(() -> ServiceSettings.resolve(ServiceSettings.Use.SERVE, Map.of(),
                Map.of("STARFALL_STREAMS_PROPERTIES", dir.resolve("missing.properties").toString())))
                .isInstanceOf(UsageException.class).hasMessageContaining("cannot read " + dir.resolve("missing.properties"));
        assertThat(ServiceSettings.flags(ServiceSettings.Use.INGEST)).doesNotContain("--streams-properties");
    }

    @Test
    void shouldOfferOnlyTheFlagsOfEachService() {
        assertThat(ServiceSettings.flags(ServiceSettings.Use.SERVE)).contains("--advertised-host", "--manifest-public-key")
                .doesNotContain("--source-url", "--simulator");
        assertThat(ServiceSettings.flags(ServiceSettings.Use.INGEST)).contains("--source-url", "--simulator", "--manifest-public-key")
                .doesNotContain("--advertised-host");
        assertThat(ServiceSettings.VARIABLES).contains("STARFALL_BOOTSTRAP_SERVERS", "STARFALL_SCHEMA_REGISTRY_URL", "STARFALL_MANIFEST",
                "STARFALL_MANIFEST_PUBLIC_KEY", "STARFALL_HTTP_PORT", "STARFALL_ADVERTISED_HOST", "STARFALL_STATE_DIR",
                "STARFALL_STANDBY_REPLICAS", "STARFALL_REPLICATION_FACTOR", "STARFALL_RATE_LIMIT_PER_SECOND", "STARFALL_SOURCE_URL",
                "STARFALL_SIMULATOR", "STARFALL_APPLICATION_ID", "STARFALL_SOURCE_RATE_PER_SECOND", "STARFALL_SOURCE_BURST",
                "STARFALL_SOURCE_REQUEST_TIMEOUT", "STARFALL_LCD_DIALECT", "STARFALL_SOLANA_TOKEN_ACCOUNTS", "STARFALL_ADMIN_PORT");
    }
}
