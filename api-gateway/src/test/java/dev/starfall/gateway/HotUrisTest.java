package dev.starfall.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class HotUrisTest {

    private final GatewayMetrics metrics = new GatewayMetrics();
    private final GatewayMetrics.Route board = metrics.route("/api/v1/showers/:n/leaderboard");
    private final GatewayMetrics.Route summary = metrics.route("/api/v1/showers/:n");

    @Test
    void shouldNameTheKeyAndRouteOfEachUriNoted() {
        HotUris hot = new HotUris(10);
        hot.put("/api/v1/showers/22/leaderboard", "/api/v1/showers/22/leaderboard?limit=100&offset=0", board);
        hot.put("/api/v1/showers/22/leaderboard?limit=100", "/api/v1/showers/22/leaderboard?limit=100&offset=0", board);
        hot.put("/api/v1/showers/22", "/api/v1/showers/22", summary);

        assertThat(hot.get("/api/v1/showers/22/leaderboard?limit=100"))
                .isEqualTo(new HotUris.Hot("/api/v1/showers/22/leaderboard?limit=100&offset=0", board));
        assertThat(hot.get("/api/v1/showers/22").route()).isSameAs(summary);
        assertThat(hot.get("/api/v1/showers/22/leaderboard?limit=10")).as("never noted").isNull();
        assertThat(hot.get("/api/v1/showers/022")).isNull();
        assertThat(hot.size()).isEqualTo(3);
    }

    @Test
    void shouldKeepTheFirstKeyNotedForAUri() {
        HotUris hot = new HotUris(10);
        hot.put("/a", "k1", board);
        hot.put("/a", "k2", summary);

        assertThat(hot.get("/a")).isEqualTo(new HotUris.Hot("k1", board));
    }

    @Test
    void shouldStartAgainEmptyWhenFull() {
        HotUris hot = new HotUris(3);
        for (int i = 0; i < 3; i++) {
            hot.put("/u" + i, "k" + i, board);
        }
        assertThat(hot.size()).isEqualTo(3);

        hot.put("/u1", "k1", board); // known: nothing dropped
        assertThat(hot.size()).isEqualTo(3);
        hot.put("/u3", "k3", board);

        assertThat(hot.size()).isEqualTo(1);
        assertThat(hot.get("/u3")).isEqualTo(new HotUris.Hot("k3", board));
        assertThat(hot.get("/u0")).isNull();
        assertThatThrownBy(() -> new HotUris(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
