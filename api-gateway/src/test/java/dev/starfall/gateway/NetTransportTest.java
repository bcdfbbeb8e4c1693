package dev.starfall.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.RequestOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

class NetTransportTest {

    private static final Optional<String> CAN = Optional.empty();

    private static Optional<String> cannot(String why) {
        return Optional.of(why);
    }

    @ParameterizedTest(name = "[{0}] is {1}")
    @CsvSource({"auto,AUTO", "AUTO,AUTO", "io_uring,IO_URING", "io-uring,IO_URING", " IO_URING ,IO_URING", "epoll,EPOLL", "nio,NIO", "Nio,NIO"})
    void shouldParseEveryWayAnOperatorWritesAChoice(String written, NetTransport expected) {
        assertThat(NetTransport.parse(written)).isEqualTo(expected);
    }

    @Test
    void shouldRefuseAnUnknownChoiceNamingTheOnesThatExist() {
        for (String bad : new String[] {"uring", "kqueue", "", "native"}) {
            assertThatThrownBy(() -> NetTransport.parse(bad)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("network transport must be one of auto, io_uring, epoll, nio; got '" + bad + "'");
        }
    }

    @Test
    void shouldTakeTheFirstTransportThisMachineAllowsAndSayWhatItPassedOver() {
        assertThat(NetTransport.AUTO.resolve(t -> CAN)).isEqualTo(new NetTransport.Resolution(NetTransport.IO_URING, List.of()));
        assertThat(NetTransport.AUTO.resolve(t -> CAN).describe()).isEqualTo("io_uring");

        Map<NetTransport, Optional<String>> noUring = Map.of(NetTransport.IO_URING, cannot("io_uring_setup: Operation not permitted"),
                NetTransport.EPOLL, CAN, NetTransport.NIO, CAN);
        NetTransport.Resolution epoll = NetTransport.AUTO.resolve(noUring::get);
        assertThat(epoll.transport()).isEqualTo(NetTransport.EPOLL);
        assertThat(epoll.describe()).isEqualTo("epoll (io_uring unavailable: io_uring_setup: Operation not permitted)");

        Map<NetTransport, Optional<String>> javaOnly = Map.of(NetTransport.IO_URING, cannot("no native library"),
                NetTransport.EPOLL, cannot("noexec temporary directory"), NetTransport.NIO, CAN);
        NetTransport.Resolution nio = NetTransport.AUTO.resolve(javaOnly::get);
        assertThat(nio.transport()).isEqualTo(NetTransport.NIO);
        assertThat(nio.passedOver()).containsExactly("io_uring unavailable: no native library", "epoll unavailable: noexec temporary directory");
    }

    @Test
    void shouldRunANamedTransportOrRefuseToStartSayingWhy() {
        Map<NetTransport, Optional<String>> noUring = Map.of(NetTransport.IO_URING, cannot("kernel too old"), NetTransport.EPOLL, CAN,
                NetTransport.NIO, CAN);
        assertThat(NetTransport.EPOLL.resolve(noUring::get)).isEqualTo(new NetTransport.Resolution(NetTransport.EPOLL, List.of()));
        assertThat(NetTransport.NIO.resolve(noUring::get).transport()).isEqualTo(NetTransport.NIO);
        assertThatThrownBy(() -> NetTransport.IO_URING.resolve(noUring::get)).isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("the io_uring network transport is not available here: kernel too old");
        assertThatThrownBy(() -> NetTransport.AUTO.resolve(t -> cannot("none"))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("io_uring unavailable: none; epoll unavailable: none; nio unavailable: none");
    }

    @Test
    void shouldShipEpollForLinuxOnX86AndArm() {
        String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch");
        assumeThat(os).as("Netty's native transports are Linux's").startsWith("linux");
        assumeThat(Arrays.asList("amd64", "x86_64", "aarch64")).as("the architectures whose libraries the gateway ships").contains(arch);
        // epoll runs on every Linux kernel this project supports: unavailable here means its library is not on the class path
        assertThat(NetTransport.EPOLL.unavailability()).isEmpty();
        assertThat(NetTransport.NIO.unavailability()).isEmpty();
        assertThat(NetTransport.AUTO.resolveHere().transport()).isIn(NetTransport.IO_URING, NetTransport.EPOLL);
    }

    /** A real server and client on loopback over each transport this machine allows: bodies larger than a socket's buffer, in both directions. */
    @ParameterizedTest(name = "[{0}]")
    @EnumSource(NetTransport.class)
    void shouldServeRequestsOverEachTransportThisMachineAllows(NetTransport choice) throws Exception {
        assumeThat(choice == NetTransport.AUTO || choice.unavailability().isEmpty()).as(choice + " runs here").isTrue();
        byte[] big = new byte[3 << 20];
        new Random(11).nextBytes(big);
        Vertx vertx = choice.vertx(new VertxOptions().setEventLoopPoolSize(1));
        try {
            assertThat(vertx.isNativeTransportEnabled()).isEqualTo(choice.resolveHere().transport() != NetTransport.NIO);
            HttpServer server = vertx.createHttpServer()
                    .requestHandler(req -> req.body().onSuccess(body -> req.response().end(
                            req.path().equals("/echo") ? body : Buffer.buffer(big))))
                    .listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
            HttpClient client = vertx.createHttpClient();
            for (int i = 0; i < 3; i++) {
                Buffer got = fetch(vertx, client, server.actualPort(), "/big", Buffer.buffer());
                assertThat(got.getBytes()).as("a 3 MiB answer, byte for byte").isEqualTo(big);
                Buffer echoed = fetch(vertx, client, server.actualPort(), "/echo", Buffer.buffer(big));
                assertThat(echoed.getBytes()).as("a 3 MiB request body, echoed").isEqualTo(big);
            }
        } finally {
            vertx.close().await(10, TimeUnit.SECONDS);
        }
    }

    /**
     * One exchange, run on the event loop. From the test's thread, a request on a kept-alive
     * connection could be sent, and answered, before the test's thread asked for the answer's body,
     * whose first pieces Vert.x then drops (an empty body here, once in a few runs, on every
     * transport); on the event loop the body is asked for before the answer's first piece is read.
     */
    private static Buffer fetch(Vertx vertx, HttpClient client, int port, String path, Buffer body) throws Exception {
        Promise<Buffer> got = Promise.promise();
        vertx.runOnContext(v -> client.request(new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1").setPort(port).setURI(path))
                .compose(req -> req.send(body))
                .compose(HttpClientResponse::body)
                .onComplete(got));
        return got.future().await(20, TimeUnit.SECONDS);
    }
}
