package dev.starfall.cli.ops;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;

/** GET requests to one gateway over a client shared by all of them, answers decoded as JSON. */
final class GatewayClient {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);

    private static final HttpClient SHARED = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(CONNECT_TIMEOUT).build();

    /**
     * One answer.
     *
     * @param status the HTTP status
     * @param body   the body as JSON; {@link MissingNode} when it is not JSON
     * @param text   the body as text
     */
    record Reply(int status, JsonNode body, String text) {
        boolean ok() {
            return status == 200;
        }

        /** The gateway's error message ({@code {"message": ...}}), else the body. */
        String message() {
            return body.hasNonNull("message") ? body.path("message").asText() : text;
        }
    }

    private final String base;

    /** @param baseUrl e.g. {@code http://host:8080}; a trailing slash is dropped */
    GatewayClient(String baseUrl) {
        this.base = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    }

    String base() {
        return base;
    }

    /** The answer to {@code GET base + path}, whatever its status. */
    Reply get(String path) throws IOException, InterruptedException {
        HttpResponse<String> r = SHARED.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(REQUEST_TIMEOUT).build(),
                HttpResponse.BodyHandlers.ofString());
        JsonNode body;
        try {
            body = JSON.readTree(r.body());
        } catch (JsonProcessingException e) {
            body = MissingNode.getInstance();
        }
        return new Reply(r.statusCode(), body == null ? MissingNode.getInstance() : body, r.body());
    }

    /** The JSON answer to {@code GET base + path}; anything but 200 is an {@link IllegalStateException} naming the URL. */
    JsonNode getOk(String path) throws IOException, InterruptedException {
        Reply r = get(path);
        if (!r.ok()) {
            throw new IllegalStateException("GET " + base + path + " answered " + r.status() + ": " + r.text());
        }
        return r.body();
    }
}
