package dev.starfall.bench.reads;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Locale;

import org.junit.jupiter.api.Test;

class GatewayReadyLineTest {

    @Test
    void shouldReadTheTransportTheGatewayReportsOnItsReadyLine() {
        // as GatewayMain prints it
        String ready = String.format(Locale.ROOT, "%s %s caught up in %.1f s %s %s", GatewayMain.READY, "http://127.0.0.1:4051", 41.25,
                GatewayMain.TRANSPORT, "io_uring");
        assertThat(ReadsBench.after(ready, GatewayMain.TRANSPORT)).isEqualTo("io_uring");
        assertThat(ReadsBench.after("12:01:02 INFO " + GatewayMain.READY + " http://x caught up in 3.0 s " + GatewayMain.TRANSPORT + "  nio  ",
                GatewayMain.TRANSPORT)).isEqualTo("nio");
        assertThatThrownBy(() -> ReadsBench.after(GatewayMain.READY + " http://x caught up in 3.0 s", GatewayMain.TRANSPORT))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("no 'on transport'");
    }
}
