package dev.starfall.schemas.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.starfall.schemas.avro.TransferObserved;
import org.apache.avro.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The client against a scripted HTTP server that answers like the documented registry API. */
class HttpSchemaRegistryClientTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Schema SCHEMA = TransferObserved.getClassSchema();

    private record Request(String method, String rawPath, String contentType, String body) {
    }

    private record Answer(int status, String body) {
    }

    private HttpServer server;
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final Map<String, Answer> answers = new ConcurrentHashMap<>();

    @BeforeEach
    void startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    @AfterEach
    void stopServer() {
        server.stop(0);
    }

    private void handle(HttpExchange exchange) throws IOException {
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        String path = exchange.getRequestURI().getRawPath();
        requests.add(new Request(exchange.getRequestMethod(), path, exchange.getRequestHeaders().getFirst("Content-Type"), body));
        Answer answer = answers.getOrDefault(exchange.getRequestMethod() + " " + path,
                new Answer(404, "{\"error_code\":404,\"message\":\"HTTP 404 Not Found\"}"));
        byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", HttpSchemaRegistryClient.CONTENT_TYPE);
        exchange.sendResponseHeaders(answer.status(), bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private void answer(String methodAndPath, int status, String body) {
        answers.put(methodAndPath, new Answer(status, body));
    }

    private static String schemaAnswer(Map<String, Object> fields) {
        ObjectNode node = JSON.createObjectNode();
        fields.forEach((k, v) -> node.putPOJO(k, v));
        return node.toString();
    }

    @Test
    void shouldRegisterWithTheDocumentedRequestAndCacheTheId() throws IOException {
        answer("POST /subjects/t-value/versions", 200, "{\"id\":7}");
        HttpSchemaRegistryClient client = new HttpSchemaRegistryClient(url());

        assertThat(client.register("t-value", SCHEMA)).isEqualTo(7);
        assertThat(client.register("t-value", SCHEMA)).isEqualTo(7);
        assertThat(client.schemaById(7)).isEqualTo(SCHEMA);

        assertThat(requests).hasSize(1);
        Request request = requests.get(0);
        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.contentType()).isEqualTo("application/vnd.schemaregistry.v1+json");
        JsonNode body = JSON.readTree(request.body());
        assertThat(new Schema.Parser().parse(body.get("schema").textValue())).isEqualTo(SCHEMA);
    }

    @Test
    void shouldFetchASchemaByIdOnceAndThenServeItFromTheCache() {
        answer("GET /schemas/ids/12", 200, schemaAnswer(Map.of("schema", SCHEMA.toString())));
        HttpSchemaRegistryClient client = new HttpSchemaRegistryClient(url() + "/");

        assertThat(client.schemaById(12)).isEqualTo(SCHEMA);
        assertThat(client.schemaById(12)).isEqualTo(SCHEMA);

        assertThat(requests).extracting(Request::rawPath).containsExactly("/schemas/ids/12");
    }

    @Test
    void shouldCarryStatusAndErrorCodeAndNameTheIdOrSubject() {
        answer("GET /schemas/ids/99", 404, "{\"error_code\":40403,\"message\":\"Schema 99 not found\"}");
        answer("POST /subjects/t-value/versions", 409,
                "{\"error_code\":409,\"message\":\"Schema being registered is incompatible with an earlier schema\"}");
        HttpSchemaRegistryClient client = new HttpSchemaRegistryClient(url());

        assertThatThrownBy(() -> client.schemaById(99))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
                    assertThat(e.status()).isEqualTo(404);
                    assertThat(e.errorCode()).isEqualTo(SchemaRegistryException.SCHEMA_NOT_FOUND);
                })
                .hasMessageContaining("schema id 99")
                .hasMessageContaining("Schema 99 not found");
        assertThatThrownBy(() -> client.register("t-value", SCHEMA))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
                    assertThat(e.status()).isEqualTo(409);
                    assertThat(e.errorCode()).isEqualTo(SchemaRegistryException.INCOMPATIBLE_SCHEMA);
                })
                .hasMessageContaining("subject 't-value'");
    }

    @Test
    void shouldTreatAnUnknownSubjectAsCompatibleAndAsHavingNoLatestVersion() {
        answer("POST /compatibility/subjects/new-value/versions/latest", 404,
                "{\"error_code\":40401,\"message\":\"Subject 'new-value' not found.\"}");
        answer("GET /subjects/new-value/versions/latest", 404,
                "{\"error_code\":40401,\"message\":\"Subject 'new-value' not found.\"}");
        answer("POST /compatibility/subjects/old-value/versions/latest", 200, "{\"is_compatible\":false}");
        HttpSchemaRegistryClient client = new HttpSchemaRegistryClient(url());

        assertThat(client.isCompatible("new-value", SCHEMA)).isTrue();
        assertThat(client.latest("new-value")).isEmpty();
        assertThat(client.isCompatible("old-value", SCHEMA)).isFalse();
    }

    @Test
    void shouldReadTheLatestVersionAndTheSubjects() {
        answer("GET /subjects/t-value/versions/latest", 200,
                schemaAnswer(Map.of("subject", "t-value", "version", 3, "id", 21, "schema", SCHEMA.toString())));
        answer("GET /subjects", 200, "[\"t-value\",\"t-key\"]");
        HttpSchemaRegistryClient client = new HttpSchemaRegistryClient(url());

        assertThat(client.latest("t-value")).contains(new RegisteredSchema("t-value", 3, 21, SCHEMA));
        assertThat(client.subjects()).containsExactly("t-value", "t-key");
        assertThat(client.schemaById(21)).isEqualTo(SCHEMA);
        assertThat(requests).hasSize(2);
    }

    @Test
    void shouldPercentEncodeTheSubjectInThePath() {
        answer("POST /subjects/odd%20subject%2Fx/versions", 200, "{\"id\":1}");
        HttpSchemaRegistryClient client = new HttpSchemaRegistryClient(url());

        assertThat(client.register("odd subject/x", SCHEMA)).isEqualTo(1);
    }

    @Test
    void shouldTryTheNextUrlOnAnIoError() {
        answer("GET /subjects", 200, "[\"a\"]");
        HttpSchemaRegistryClient client = new HttpSchemaRegistryClient("http://127.0.0.1:" + closedPort() + ", " + url());

        assertThat(client.subjects()).containsExactly("a");
        assertThat(client.subjects()).containsExactly("a");
        assertThat(requests).hasSize(2);
    }

    @Test
    void shouldReportAnUnreachableRegistryWithItsUrls() {
        String dead = "http://127.0.0.1:" + closedPort();
        HttpSchemaRegistryClient client = new HttpSchemaRegistryClient(dead);

        assertThatThrownBy(() -> client.schemaById(5))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> assertThat(e.status()).isZero())
                .hasMessageContaining(dead)
                .hasMessageContaining("schema id 5");
    }

    @Test
    void shouldRejectAMalformedUrl() {
        assertThatThrownBy(() -> new HttpSchemaRegistryClient(" , "))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new HttpSchemaRegistryClient("localhost:8081"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("localhost:8081");
    }

    private static int closedPort() {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
