package dev.starfall.schemas.registry;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link SchemaRegistryClient} over the Confluent Schema Registry REST API, written from its public
 * documentation.
 *
 * <p>Registered ids and fetched schemas are cached, so once a (subject, schema) pair or an id has been
 * seen, serializing and deserializing make no HTTP call. All instances share one {@link HttpClient}
 * (connect timeout 5 s, request timeout 10 s). The base URL may be a comma-separated list; on an I/O
 * error the next URL is tried, and the one that answered last is tried first next time.
 *
 * <p>Thread-safe.
 */
public final class HttpSchemaRegistryClient implements SchemaRegistryClient {

    private static final Logger log = LoggerFactory.getLogger(HttpSchemaRegistryClient.class);

    /** Content type of requests and answers of the registry API. */
    public static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";

    private static final String ACCEPT = CONTENT_TYPE + ", application/vnd.schemaregistry+json; qs=0.9, application/json; qs=0.5";
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Created on first use, shared by every client of the JVM. */
    private static final class SharedHttp {
        static final HttpClient CLIENT = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(CONNECT_TIMEOUT)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    private record SubjectSchema(String subject, Schema schema) {
    }

    private final List<URI> baseUris;
    private final ConcurrentMap<SubjectSchema, Integer> idsBySubjectSchema = new ConcurrentHashMap<>();
    private final ConcurrentMap<Integer, Schema> schemasById = new ConcurrentHashMap<>();
    /** Index in {@link #baseUris} of the URL that answered last; tried first. */
    private volatile int preferred;

    /**
     * @param baseUrl the registry's base URL, e.g. {@code http://127.0.0.1:8081}, or a comma-separated
     *                list of them tried in order on I/O errors
     */
    public HttpSchemaRegistryClient(String baseUrl) {
        if (baseUrl == null || baseUrl.isBlank()) {
            throw new IllegalArgumentException("Schema registry URL is missing");
        }
        List<URI> uris = new ArrayList<>();
        for (String part : baseUrl.split(",")) {
            String url = part.trim();
            while (url.endsWith("/")) {
                url = url.substring(0, url.length() - 1);
            }
            if (url.isEmpty()) {
                continue;
            }
            URI uri;
            try {
                uri = URI.create(url);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("Invalid schema registry URL '" + url + "': " + e.getMessage(), e);
            }
            boolean http = "http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme());
            if (!http || uri.getHost() == null) {
                throw new IllegalArgumentException("Invalid schema registry URL '" + url + "': expected http(s)://host:port");
            }
            uris.add(uri);
        }
        if (uris.isEmpty()) {
            throw new IllegalArgumentException("Schema registry URL is missing: '" + baseUrl + "'");
        }
        this.baseUris = List.copyOf(uris);
    }

    @Override
    public int register(String subject, Schema schema) {
        SubjectSchema key = new SubjectSchema(requireSubject(subject), schema);
        Integer cached = idsBySubjectSchema.get(key);
        if (cached != null) {
            return cached;
        }
        String what = "registering a schema under subject '" + subject + "'";
        JsonNode answer = send("POST", "/subjects/" + segment(subject) + "/versions", schemaBody(schema), what);
        JsonNode id = answer.get("id");
        if (id == null || !id.canConvertToInt()) {
            throw new SchemaRegistryException("Unexpected answer " + what + ": no id in " + answer, null);
        }
        int schemaId = id.intValue();
        idsBySubjectSchema.putIfAbsent(key, schemaId);
        schemasById.putIfAbsent(schemaId, schema);
        return schemaId;
    }

    @Override
    public Schema schemaById(int id) {
        Schema cached = schemasById.get(id);
        if (cached != null) {
            return cached;
        }
        String what = "fetching schema id " + id;
        JsonNode answer = send("GET", "/schemas/ids/" + id, null, what);
        Schema schema = parseSchema(answer, what);
        Schema previous = schemasById.putIfAbsent(id, schema);
        return previous != null ? previous : schema;
    }

    @Override
    public boolean isCompatible(String subject, Schema schema) {
        String what = "checking compatibility of a schema with the latest version of subject '" + requireSubject(subject) + "'";
        try {
            JsonNode answer = send("POST", "/compatibility/subjects/" + segment(subject) + "/versions/latest", schemaBody(schema), what);
            JsonNode compatible = answer.get("is_compatible");
            if (compatible == null || !compatible.isBoolean()) {
                throw new SchemaRegistryException("Unexpected answer " + what + ": no is_compatible in " + answer, null);
            }
            return compatible.booleanValue();
        } catch (SchemaRegistryException e) {
            if (e.isSubjectOrVersionNotFound()) {
                return true;
            }
            throw e;
        }
    }

    @Override
    public Optional<RegisteredSchema> latest(String subject) {
        String what = "fetching the latest version of subject '" + requireSubject(subject) + "'";
        JsonNode answer;
        try {
            answer = send("GET", "/subjects/" + segment(subject) + "/versions/latest", null, what);
        } catch (SchemaRegistryException e) {
            if (e.isSubjectOrVersionNotFound()) {
                return Optional.empty();
            }
            throw e;
        }
        JsonNode version = answer.get("version");
        JsonNode id = answer.get("id");
        if (version == null || !version.canConvertToInt() || id == null || !id.canConvertToInt()) {
            throw new SchemaRegistryException("Unexpected answer " + what + ": " + answer, null);
        }
        Schema schema = parseSchema(answer, what);
        Schema previous = schemasById.putIfAbsent(id.intValue(), schema);
        return Optional.of(new RegisteredSchema(subject, version.intValue(), id.intValue(), previous != null ? previous : schema));
    }

    @Override
    public List<String> subjects() {
        String what = "listing subjects";
        JsonNode answer = send("GET", "/subjects", null, what);
        if (!answer.isArray()) {
            throw new SchemaRegistryException("Unexpected answer " + what + ": " + answer, null);
        }
        List<String> subjects = new ArrayList<>(answer.size());
        answer.forEach(node -> subjects.add(node.asText()));
        return List.copyOf(subjects);
    }

    @Override
    public String toString() {
        return "HttpSchemaRegistryClient" + baseUris;
    }

    private JsonNode send(String method, String path, String body, String what) {
        int start = preferred;
        IOException last = null;
        for (int attempt = 0; attempt < baseUris.size(); attempt++) {
            int index = (start + attempt) % baseUris.size();
            URI uri = URI.create(baseUris.get(index) + path);
            HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                    .timeout(REQUEST_TIMEOUT)
                    .header("Accept", ACCEPT);
            if (body != null) {
                request.header("Content-Type", CONTENT_TYPE)
                        .method(method, HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
            } else {
                request.method(method, HttpRequest.BodyPublishers.noBody());
            }
            HttpResponse<String> response;
            try {
                response = SharedHttp.CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            } catch (IOException e) {
                log.debug("Schema registry {} failed {}: {}", baseUris.get(index), what, e.toString());
                last = e;
                continue;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SchemaRegistryException("Interrupted while " + what, e);
            }
            preferred = index;
            return handle(response, what);
        }
        throw new SchemaRegistryException("Could not reach the schema registry at " + baseUris + " while " + what
                + ": " + (last == null ? "no URL" : last), last);
    }

    private static JsonNode handle(HttpResponse<String> response, String what) {
        int status = response.statusCode();
        String text = response.body() == null ? "" : response.body();
        JsonNode json = null;
        try {
            json = text.isBlank() ? null : JSON.readTree(text);
        } catch (JsonProcessingException e) {
            if (status / 100 == 2) {
                throw new SchemaRegistryException("Unreadable answer " + what + " (HTTP " + status + "): " + abbreviate(text), e);
            }
        }
        if (status / 100 == 2) {
            if (json == null) {
                throw new SchemaRegistryException("Empty answer " + what + " (HTTP " + status + ")", null);
            }
            return json;
        }
        int errorCode = status;
        String message = abbreviate(text);
        if (json != null && json.isObject()) {
            JsonNode code = json.get("error_code");
            if (code != null && code.canConvertToInt()) {
                errorCode = code.intValue();
            }
            JsonNode msg = json.get("message");
            if (msg != null && msg.isTextual()) {
                message = msg.textValue();
            }
        }
        throw new SchemaRegistryException(status, errorCode,
                "Schema registry refused " + what + ": " + message + " (HTTP " + status + ", error_code " + errorCode + ")");
    }

    private static Schema parseSchema(JsonNode answer, String what) {
        JsonNode type = answer.get("schemaType");
        if (type != null && type.isTextual() && !"AVRO".equalsIgnoreCase(type.textValue())) {
            throw new SchemaRegistryException("Unsupported answer " + what + ": schema type " + type.textValue() + ", only AVRO is supported", null);
        }
        JsonNode text = answer.get("schema");
        if (text == null || !text.isTextual()) {
            throw new SchemaRegistryException("Unexpected answer " + what + ": no schema in " + answer, null);
        }
        try {
            return new Schema.Parser().parse(text.textValue());
        } catch (SchemaParseException e) {
            throw new SchemaRegistryException("Invalid Avro schema in the answer " + what + ": " + e.getMessage(), e);
        }
    }

    private static String schemaBody(Schema schema) {
        ObjectNode body = JSON.createObjectNode();
        body.put("schema", schema.toString());
        return body.toString();
    }

    private static String requireSubject(String subject) {
        if (subject == null || subject.isEmpty()) {
            throw new IllegalArgumentException("Subject must not be empty");
        }
        return subject;
    }

    /** Percent-encodes one path segment (URLEncoder is for forms: it turns spaces into '+'). */
    static String segment(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String abbreviate(String text) {
        return text.length() <= 500 ? text : text.substring(0, 500) + "...";
    }
}
