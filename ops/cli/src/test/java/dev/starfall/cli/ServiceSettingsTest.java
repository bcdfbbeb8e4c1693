package dev.starfall.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

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
        assertThat(ServiceSettings.resolve(ServiceSettings.Use.INGEST, Map.of("--source-url", "https://fcd.example"), Map.of()).sourceUrl())
                .contains("https://fcd.example");
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
                "STARFALL_SIMULATOR");
    }
}
