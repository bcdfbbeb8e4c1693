package dev.starfall.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import dev.starfall.gateway.NetTransport;
import org.junit.jupiter.api.Test;

class RunOptionsTest {

    @Test
    void shouldRunOnTheTransportThisMachineAllowsUnlessOneIsNamed() {
        assertThat(RunOptions.defaults().netTransport()).isEqualTo(NetTransport.AUTO);
        assertThat(RunOptions.parse(List.of("--net-transport", "io_uring")).netTransport()).isEqualTo(NetTransport.IO_URING);
        assertThat(RunOptions.parse(List.of("--net-transport", "nio", "--exit-when-caught-up")).exitingWhenCaughtUp().netTransport())
                .as("kept when the run is made to stop by itself").isEqualTo(NetTransport.NIO);
        assertThatThrownBy(() -> RunOptions.parse(List.of("--net-transport", "fast"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--net-transport: network transport must be one of auto, io_uring, epoll, nio; got 'fast'");
        assertThat(RunOptions.usage()).contains("--net-transport").contains("io_uring, epoll or nio (default auto)");
    }
}
