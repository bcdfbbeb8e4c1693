package dev.starfall.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class RouteTableTest {

    private final RouteTable table = table("/api/v1/showers/:n/leaderboard", "/api/v1/showers/:n/wallets/:address", "/api/v1/showers/:n",
            "/api/v1/showers", "/health/live");

    private static RouteTable table(String... templates) {
        RouteTable t = new RouteTable();
        for (String template : templates) {
            t.add(template, ctx -> {
            });
        }
        return t;
    }

    private Optional<String> template(String path) {
        return table.match(path).map(m -> m.route().template());
    }

    @Test
    void shouldMatchLiteralsAndParametersSegmentBySegment() {
        assertThat(template("/api/v1/showers")).hasValue("/api/v1/showers");
        assertThat(template("/api/v1/showers/3")).hasValue("/api/v1/showers/:n");
        assertThat(template("/api/v1/showers/3/leaderboard")).hasValue("/api/v1/showers/:n/leaderboard");
        assertThat(table.match("/api/v1/showers/22/wallets/terra1abc").orElseThrow().params())
                .isEqualTo(Map.of("n", "22", "address", "terra1abc"));
        assertThat(table.match("/api/v1/showers").orElseThrow().values()).isEmpty();
    }

    @Test
    void shouldRefuseOtherSegmentCountsEmptyParametersAndOtherLiterals() {
        assertThat(template("/api/v1/showers/3/leaderboard/x")).isEmpty();
        assertThat(template("/api/v1/showers/3/wallets")).isEmpty();
        assertThat(template("/api/v1/showers//leaderboard")).isEmpty();
        assertThat(template("/api/v1/shower")).isEmpty();
        assertThat(template("/api/v1/showersX")).isEmpty();
        assertThat(template("/api/v1/showers/3/leaderboards")).isEmpty();
        assertThat(template("/health")).isEmpty();
        assertThat(template("/")).isEmpty();
        assertThat(template("")).isEmpty();
        assertThat(template(null)).isEmpty();
        assertThat(template("/api/v1/showers/1/wallets/a/b/c/d")).as("longer than every template").isEmpty();
        assertThat(template("//")).isEmpty();
        assertThat(table("/:x").match("/")).isEmpty();
        assertThat(table("/:x").match("/y").orElseThrow().params()).isEqualTo(Map.of("x", "y"));
    }

    @Test
    void shouldMatchTemplatesOfTheSameSegmentCountInTheOrderAdded() {
        RouteTable t = table("/a/:x/c", "/a/:x", "/a/b/:y", "/a/b");
        assertThat(t.match("/a/b/c").orElseThrow().params()).isEqualTo(Map.of("x", "b"));
        assertThat(t.match("/a/b/d").orElseThrow().params()).isEqualTo(Map.of("y", "d"));
        assertThat(t.match("/a/b").orElseThrow().route().template()).isEqualTo("/a/:x");
        assertThat(t.match("/a/b/").orElseThrow().route().template()).isEqualTo("/a/:x");
        assertThat(t.match("/a")).isEmpty();
        assertThat(t.templates()).containsExactly("/a/:x/c", "/a/:x", "/a/b/:y", "/a/b");
    }

    @Test
    void shouldAcceptOneTrailingSlashAsTheRouterDoes() {
        assertThat(template("/api/v1/showers/")).hasValue("/api/v1/showers");
        assertThat(template("/api/v1/showers/3/")).hasValue("/api/v1/showers/:n");
        assertThat(template("/health/live/")).hasValue("/health/live");
    }

    @Test
    void shouldPercentDecodeParameters() {
        assertThat(table.match("/api/v1/showers/4%32/wallets/a%20b").orElseThrow().params())
                .isEqualTo(Map.of("n", "42", "address", "a b"));
    }

    @Test
    void shouldTryRoutesInTheOrderAdded() {
        RouteTable t = table("/a/:x", "/a/b");
        assertThat(t.match("/a/b").orElseThrow().route().template()).isEqualTo("/a/:x");
        assertThat(t.templates()).containsExactly("/a/:x", "/a/b");
    }

    @Test
    void shouldRefuseMalformedTemplates() {
        assertThatThrownBy(() -> table("api")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> table("/a//b")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> table("/a/:")).isInstanceOf(IllegalArgumentException.class);
    }
}
