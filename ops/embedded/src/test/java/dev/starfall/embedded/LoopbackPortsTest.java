package dev.starfall.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

class LoopbackPortsTest {

    @Test
    void shouldHandOutBindablePortsBelowTheEphemeralRangeAndNeverTheSameTwice() throws Exception {
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            int start = LoopbackPorts.freeRange(2);
            assertThat(start).isBetween(10_000, 32_000 - 2);
            assertThat(seen.add(start)).as("port %d handed out twice", start).isTrue();
            assertThat(seen.add(start + 1)).as("port %d handed out twice", start + 1).isTrue();
            int single = LoopbackPorts.free();
            assertThat(seen.add(single)).as("port %d handed out twice", single).isTrue();
        }
        int port = LoopbackPorts.free();
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            assertThat(s.getLocalPort()).isEqualTo(port);
        }
    }

    @Test
    void shouldSkipAPortThatIsTaken() throws Exception {
        int taken = LoopbackPorts.free();
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), taken + 1));
            int next = LoopbackPorts.free();
            assertThat(next).isNotEqualTo(taken + 1);
        }
    }

    @Test
    void shouldRefuseAnEmptyOrHugeRange() {
        assertThatThrownBy(() -> LoopbackPorts.freeRange(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> LoopbackPorts.freeRange(101)).isInstanceOf(IllegalArgumentException.class);
    }
}
