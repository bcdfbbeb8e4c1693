package dev.starfall.bench;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Plain GETs against a service on loopback, for readiness and completion checks. */
public final class Http {

    private static final Logger log = LoggerFactory.getLogger(Http.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** HTTP/1.1, as the services' own clients and wrk: the gateway answers nothing else on cleartext (README). */
    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();

    private Http() {
    }

    /** The one client of the suite's own requests on loopback, for those that need more than a plain GET. */
    public static HttpClient client() {
        return CLIENT;
    }

    /** The status code, or -1 when nothing answers. */
    public static int status(String url) {
        try {
            return CLIENT.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /**
     * The JSON body of a 200 answer; empty for any other answer, a body that is not JSON, or none
     * (a GET that gets no answer is sent once more: {@link #send}).
     */
    public static Optional<JsonNode> json(String url) {
        try {
            HttpResponse<byte[]> r = send(url, HttpResponse.BodyHandlers.ofByteArray());
            return r.statusCode() == 200 ? Optional.of(JSON.readTree(r.body())) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /** What a GET of {@code url} gets now, for an error message: its status and the start of its body, or why none came. */
    public static String describe(String url) {
        try {
            HttpResponse<String> r = send(url, HttpResponse.BodyHandlers.ofString());
            String body = r.body();
            return "HTTP " + r.statusCode() + " " + (body.length() > 200 ? body.substring(0, 200) + "..." : body);
        } catch (IOException e) {
            return e.toString();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    /**
     * A GET of {@code url} ({@link #fresh}), sent once more when it gets no answer: a GET that goes
     * out on a kept connection just as its server closes it for being idle (the services' idle
     * timeout is a minute) fails without an answer ("EOF reached while reading", "Connection
     * reset") though the server is well, and a client sends it again. The second attempt's
     * warning says what the first got (ops/bench/REPORT.md, row 74). A connection refused or not
     * made in time is not sent again: the GET never reached a server. The callers that meet it are
     * polling a service that is not listening yet; sending it again only doubled each poll and
     * logged a warning for it (ops/bench/REPORT.md, row 76).
     *
     * @throws IOException the connection's failure; or the second attempt's, with the first's as suppressed
     */
    static <T> HttpResponse<T> send(String url, HttpResponse.BodyHandler<T> body) throws IOException, InterruptedException {
        try {
            return CLIENT.send(fresh(url), body);
        } catch (ConnectException | HttpConnectTimeoutException notConnected) {
            throw notConnected;
        } catch (IOException first) {
            log.warn("GET {} got no answer ({}); sending it again", url, first.toString());
            try {
                return CLIENT.send(fresh(url), body);
            } catch (IOException second) {
                second.addSuppressed(first);
                throw second;
            }
        }
    }

    /** A GET of {@code url} that asks past any cache ({@code Cache-Control: no-cache}). */
    private static HttpRequest fresh(String url) {
        return HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).header("Cache-Control", "no-cache").build();
    }

    /** Polls {@code url} until it answers 200; returns the seconds waited. */
    public static double awaitOk(String url, Duration timeout, Child child) throws InterruptedException {
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (status(url) == 200) {
                return (System.nanoTime() - start) / 1e9;
            }
            if (child != null && !child.isAlive()) {
                throw new IllegalStateException(child.name() + " exited while waiting for " + url + "; see " + child.log());
            }
            Thread.sleep(20);
        }
        throw new IllegalStateException(url + " did not answer 200 within " + timeout + (child == null ? "" : "; see " + child.log()));
    }
}
