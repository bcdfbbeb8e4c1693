package dev.starfall.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HttpTest {

    private ServerSocket server;
    private Thread acceptor;
    private final AtomicInteger connections = new AtomicInteger();

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.close();
            acceptor.join(5_000);
        }
    }

    /** A loopback HTTP/1.1 server that reads each request and closes its first {@code dropped} connections without an answer. */
    private String serve(int dropped) throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        acceptor = new Thread(() -> {
            while (!server.isClosed()) {
                try (Socket s = server.accept()) {
                    readRequest(s.getInputStream());
                    if (connections.incrementAndGet() <= dropped) {
                        continue; // closed, as a server closes a connection idle too long
                    }
                    byte[] body = "{\"ok\":true}".getBytes(StandardCharsets.UTF_8);
                    OutputStream out = s.getOutputStream();
                    out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + body.length
                            + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.write(body);
                    out.flush();
                } catch (IOException e) {
                    // the server socket closed: the test is over
                }
            }
        }, "http-test-server");
        acceptor.setDaemon(true);
        acceptor.start();
        return "http://127.0.0.1:" + server.getLocalPort() + "/x";
    }

    private static void readRequest(InputStream in) throws IOException {
        int matched = 0;
        byte[] end = "\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        int b;
        while (matched < end.length && (b = in.read()) >= 0) {
            matched = b == end[matched] ? matched + 1 : (b == end[0] ? 1 : 0);
        }
    }

    /**
     * How many connections one GET makes against a server that answers none: the JDK's client sends
     * a GET once more by itself in some cases (here, a new connection closed before an answer).
     */
    private int connectionsOfOneGet(String url) throws Exception {
        int before = connections.get();
        try {
            HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.discarding());
            throw new AssertionError("the server answered");
        } catch (IOException expected) {
            return connections.get() - before;
        }
    }

    @Test
    void shouldSendAGetOnceMoreWhenItGetsNoAnswer() throws Exception {
        int one = connectionsOfOneGet(serve(Integer.MAX_VALUE));
        stop();
        connections.set(0);

        String url = serve(one);
        assertThat(Http.json(url)).hasValueSatisfying(json -> assertThat(json.path("ok").asBoolean()).isTrue());
        assertThat(connections.get()).as("a GET that got no answer, and one more that did").isEqualTo(one + 1);
    }

    @Test
    void shouldNotSendAgainWhenNothingListens() throws Exception {
        int port;
        try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = closed.getLocalPort();
        }
        String url = "http://127.0.0.1:" + port + "/api/v1/status";
        assertThatThrownBy(() -> Http.send(url, HttpResponse.BodyHandlers.discarding()))
                .isInstanceOf(ConnectException.class)
                .satisfies(e -> assertThat(e.getSuppressed()).as("a first attempt kept as suppressed: sent again").isEmpty());
        assertThat(Http.json(url)).isEmpty();
    }

    @Test
    void shouldGiveUpAfterTheSecondAttempt() throws Exception {
        String url = serve(Integer.MAX_VALUE);
        int one = connectionsOfOneGet(url);
        connections.set(0);
        assertThat(Http.json(url)).isEmpty();
        assertThat(connections.get()).as("one GET and one more").isEqualTo(2 * one);
        assertThat(Http.describe(url)).contains("IOException");
    }
}
