package dev.starfall.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Optional;
import java.util.function.Function;

import dev.starfall.gateway.NetTransport;
import org.junit.jupiter.api.Test;

class RunOptionsTest {

    @Test
    void shouldRunOnTheTransportThisMachineAllowsUnlessOneIsNamed() {
        assertThat(RunOptions.defaults().netTransport()).isEqualTo(NetTransport.AUTO);
        assertThat(RunOptions.parse(List.of("--net-transport", "io_uring"), t -> Optional.empty()).netTransport()).isEqualTo(NetTransport.IO_URING);
        assertThat(RunOptions.parse(List.of("--net-transport", "nio", "--exit-when-caught-up")).exitingWhenCaughtUp().netTransport())
                .as("kept when the run is made to stop by itself").isEqualTo(NetTransport.NIO);
        assertThatThrownBy(() -> RunOptions.parse(List.of("--net-transport", "fast"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--net-transport: network transport must be one of auto, io_uring, epoll, nio; got 'fast'");
        assertThat(RunOptions.usage()).contains("--net-transport").contains("io_uring, epoll or nio (default auto)");
    }

    @Test
    void shouldRefuseANamedTransportThisMachineCannotRunNamingTheOptionAndWhy() {
        Function<NetTransport, Optional<String>> noIoUring = t -> t == NetTransport.IO_URING
                ? Optional.of("io_uring_setup: Operation not permitted") : Optional.empty();

        assertThatThrownBy(() -> RunOptions.parse(List.of("--net-transport", "io_uring"), noIoUring))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--net-transport: the io_uring network transport is not available here: io_uring_setup: Operation not permitted"
                        + " (auto falls back to the next that is: io_uring, epoll, nio)");
        assertThat(RunOptions.parse(List.of("--net-transport", "epoll"), noIoUring).netTransport()).isEqualTo(NetTransport.EPOLL);
        assertThat(RunOptions.parse(List.of("--net-transport", "auto"), t -> Optional.of("none here")).netTransport())
                .as("auto is resolved when Vert.x starts, where it logs what it passed over").isEqualTo(NetTransport.AUTO);
    }
}
