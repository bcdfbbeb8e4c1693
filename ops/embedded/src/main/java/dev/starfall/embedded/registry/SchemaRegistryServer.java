package dev.starfall.embedded.registry;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starfall.schemas.Topics;
import dev.starfall.schemas.registry.HttpSchemaRegistryClient;
import dev.starfall.schemas.registry.SchemaRegistryException;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A schema registry that speaks the documented subset of Confluent's REST API that clients and the
 * usual tools use, for AVRO schemas, stored in the compacted Kafka topic {@link Topics#SCHEMAS}.
 *
 * <p>Endpoints: {@code GET /subjects}, {@code GET|POST /subjects/{s}/versions},
 * {@code GET|DELETE /subjects/{s}/versions/{v}} ({@code v} may be {@code latest}),
 * {@code GET /subjects/{s}/versions/{v}/schema}, {@code POST|DELETE /subjects/{s}},
 * {@code GET /schemas/ids/{id}} (and {@code /schema}, {@code /versions}, {@code /subjects}),
 * {@code GET /schemas/types}, {@code GET|PUT|DELETE /config}, {@code GET|PUT|DELETE /config/{s}},
 * {@code POST /compatibility/subjects/{s}/versions[/{v}]} (with {@code ?verbose=true}). Deletes are soft;
 * ids are global, increasing and never reused.
 *
 * <p>Threading: reads are answered on the event loop from {@link RegistryState}; registrations and
 * config changes run one at a time on a dedicated single-thread worker, are written to Kafka and read
 * back before the answer; compatibility checks and lookups run on the worker pool. The event loop never
 * blocks. One registry instance per {@code _schemas} topic.
 */
public final class SchemaRegistryServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SchemaRegistryServer.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CONTENT_TYPE = HttpSchemaRegistryClient.CONTENT_TYPE;
    private static final String HOST = "127.0.0.1";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);
    private static final long MAX_BODY_BYTES = 16L * 1024 * 1024;
    private static final AtomicInteger INSTANCES = new AtomicInteger();

    /** A body that is already JSON text (a schema), sent as is. */
    private record RawJson(String json) {
    }

    /** A schema from a request body: parsed, and its canonical text (how it is stored and compared). */
    private record RequestSchema(Schema schema, String canonical) {
    }

    private final Vertx vertx;
    private final boolean ownsVertx;
    private final RegistryState state;
    private final SchemaStore store;
    private final WorkerExecutor writer;
    private final ReentrantLock storeLock = new ReentrantLock();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile HttpServer http;
    private volatile int port;

    private SchemaRegistryServer(Vertx vertx, boolean ownsVertx, RegistryState state, SchemaStore store, WorkerExecutor writer) {
        this.vertx = vertx;
        this.ownsVertx = ownsVertx;
        this.state = state;
        this.store = store;
        this.writer = writer;
    }

    /**
     * Starts a registry on {@code vertx}, which the caller owns and closes. Reads {@code _schemas} (created
     * if missing) to its end, then listens on {@code 127.0.0.1:port} (0 picks a free port). Blocks: call
     * it off the event loop.
     */
    public static SchemaRegistryServer start(Vertx vertx, String bootstrapServers, int port) {
        return start(vertx, false, bootstrapServers, port);
    }

    /** Like {@link #start(Vertx, String, int)} with a Vert.x instance of its own, closed by {@link #close()}. */
    public static SchemaRegistryServer start(String bootstrapServers, int port) {
        Vertx vertx = Vertx.vertx();
        try {
            return start(vertx, true, bootstrapServers, port);
        } catch (RuntimeException e) {
            vertx.close();
            throw e;
        }
    }

    private static SchemaRegistryServer start(Vertx vertx, boolean ownsVertx, String bootstrapServers, int port) {
        if (Context.isOnEventLoopThread()) {
            throw new IllegalStateException("SchemaRegistryServer.start blocks; call it off the event loop");
        }
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("Invalid port " + port);
        }
        RegistryState state = new RegistryState();
        SchemaStore store = new SchemaStore(bootstrapServers, state);
        try {
            store.open(START_TIMEOUT);
        } catch (RuntimeException e) {
            store.close();
            throw new IllegalStateException("Could not read the schemas topic " + Topics.SCHEMAS.name() + " from "
                    + bootstrapServers + ": " + e.getMessage(), e);
        }
        WorkerExecutor writer = vertx.createSharedWorkerExecutor(
                "starfall-schema-registry-writer-" + INSTANCES.incrementAndGet(), 1, 2, TimeUnit.MINUTES);
        SchemaRegistryServer server = new SchemaRegistryServer(vertx, ownsVertx, state, store, writer);
        try {
            // HTTP/1.1 only, as the gateway: Vert.x's cleartext upgrade to HTTP/2 can garble a large answer
            HttpServer http = vertx.createHttpServer(new HttpServerOptions().setHttp2ClearTextEnabled(false)).requestHandler(server.router());
            server.http = await(http.listen(port, HOST), "listening on " + HOST + ":" + port, START_TIMEOUT);
            server.port = http.actualPort();
        } catch (RuntimeException e) {
            server.closeQuietly();
            throw e;
        }
        log.info("Schema registry ready on {} ({} schema(s) in {} subject(s) from topic {})",
                server.url(), state.schemaCount(), state.subjects(false).size(), Topics.SCHEMAS.name());
        return server;
    }

    /** The base URL, e.g. {@code http://127.0.0.1:8081}. */
    public String url() {
        return "http://" + HOST + ":" + port;
    }

    public int port() {
        return port;
    }

    // ------------------------------------------------------------------ routes

    private Router router() {
        Router router = Router.router(vertx);
        router.route().handler(BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES));

        router.get("/").handler(ctx -> reply(ctx, JSON.createObjectNode()));
        router.get("/schemas/types").handler(ctx -> reply(ctx, JSON.createArrayNode().add("AVRO")));

        router.get("/subjects").handler(ctx -> read(ctx, () -> strings(state.subjects(flag(ctx, "deleted")))));
        router.get("/subjects/:subject/versions").handler(this::listVersions);
        router.post("/subjects/:subject/versions").handler(this::register);
        router.get("/subjects/:subject/versions/:version").handler(ctx -> read(ctx, () -> versionJson(versionOf(ctx))));
        router.get("/subjects/:subject/versions/:version/schema").handler(ctx -> read(ctx, () -> new RawJson(versionOf(ctx).schema())));
        router.delete("/subjects/:subject/versions/:version").handler(this::deleteVersion);
        router.post("/subjects/:subject").handler(this::lookup);
        router.delete("/subjects/:subject").handler(this::deleteSubject);

        router.get("/schemas/ids/:id").handler(ctx -> read(ctx, () -> JSON.createObjectNode().put("schema", schemaOf(ctx))));
        router.get("/schemas/ids/:id/schema").handler(ctx -> read(ctx, () -> new RawJson(schemaOf(ctx))));
        router.get("/schemas/ids/:id/versions").handler(ctx -> read(ctx, () -> idVersions(ctx)));
        router.get("/schemas/ids/:id/subjects").handler(ctx -> read(ctx, () -> idSubjects(ctx)));

        router.get("/config").handler(ctx -> read(ctx, () -> levelJson("compatibilityLevel", state.globalLevel())));
        router.put("/config").handler(ctx -> putLevel(ctx, null));
        router.delete("/config").handler(ctx -> deleteLevel(ctx, null));
        router.get("/config/:subject").handler(this::getSubjectLevel);
        router.put("/config/:subject").handler(ctx -> putLevel(ctx, ctx.pathParam("subject")));
        router.delete("/config/:subject").handler(ctx -> deleteLevel(ctx, ctx.pathParam("subject")));

        router.post("/compatibility/subjects/:subject/versions/:version").handler(this::checkCompatibility);
        router.post("/compatibility/subjects/:subject/versions").handler(this::checkCompatibility);

        router.errorHandler(404, ctx -> error(ctx, 404, 404, "HTTP 404 Not Found"));
        router.errorHandler(405, ctx -> error(ctx, 405, 405, "HTTP 405 Method Not Allowed"));
        router.errorHandler(413, ctx -> error(ctx, 413, 413, "Request body larger than " + MAX_BODY_BYTES + " bytes"));
        router.errorHandler(500, ctx -> failure(ctx, ctx.failure()));
        return router;
    }

    private void listVersions(RoutingContext ctx) {
        read(ctx, () -> {
            String subject = ctx.pathParam("subject");
            List<SchemaVersion> versions = state.versions(subject, flag(ctx, "deleted"));
            if (versions.isEmpty()) {
                throw subjectNotFound(subject);
            }
            ArrayNode array = JSON.createArrayNode();
            versions.forEach(v -> array.add(v.version()));
            return array;
        });
    }

    private void register(RoutingContext ctx) {
        String subject = ctx.pathParam("subject");
        String body = ctx.body().asString();
        write(ctx, () -> {
            RequestSchema request = parseRequest(body);
            Optional<SchemaVersion> existing = state.find(subject, request.canonical());
            if (existing.isPresent()) {
                return JSON.createObjectNode().put("id", existing.get().id());
            }
            CompatibilityLevel level = state.effectiveLevel(subject);
            List<String> problems = level.check(request.schema(), state.versions(subject, false), state::parsed);
            if (!problems.isEmpty()) {
                throw new SchemaRegistryException(409, SchemaRegistryException.INCOMPATIBLE_SCHEMA,
                        "Schema being registered is incompatible with an earlier schema for subject '" + subject
                                + "' (compatibility " + level + "): " + String.join("; ", problems));
            }
            int id = state.idOf(request.canonical()).orElseGet(() -> state.maxId() + 1);
            int version = state.maxVersion(subject) + 1;
            store.write(List.of(new SchemaVersion(subject, version, id, request.canonical(), false)));
            return JSON.createObjectNode().put("id", id);
        });
    }

    private void lookup(RoutingContext ctx) {
        String subject = ctx.pathParam("subject");
        String body = ctx.body().asString();
        compute(ctx, () -> {
            RequestSchema request = parseRequest(body);
            if (!state.exists(subject)) {
                throw subjectNotFound(subject);
            }
            SchemaVersion found = state.find(subject, request.canonical()).orElseThrow(() -> new SchemaRegistryException(
                    404, SchemaRegistryException.SCHEMA_NOT_FOUND, "Schema not found under subject '" + subject + "'."));
            return versionJson(found);
        });
    }

    private void deleteSubject(RoutingContext ctx) {
        String subject = ctx.pathParam("subject");
        boolean permanent = flag(ctx, "permanent");
        write(ctx, () -> {
            if (permanent) {
                throw new SchemaRegistryException(422, 422, "Permanent deletion of subject '" + subject
                        + "' is not supported by this registry: schema ids must never be reused. Soft-delete instead.");
            }
            List<SchemaVersion> active = state.versions(subject, false);
            if (active.isEmpty()) {
                if (!state.versions(subject, true).isEmpty()) {
                    throw new SchemaRegistryException(404, SchemaRegistryException.SUBJECT_SOFT_DELETED,
                            "Subject '" + subject + "' was soft deleted.");
                }
                throw subjectNotFound(subject);
            }
            store.write(active.stream().map(SchemaVersion::asDeleted).toList());
            ArrayNode versions = JSON.createArrayNode();
            active.forEach(v -> versions.add(v.version()));
            return versions;
        });
    }

    private void deleteVersion(RoutingContext ctx) {
        String subject = ctx.pathParam("subject");
        String versionParam = ctx.pathParam("version");
        boolean permanent = flag(ctx, "permanent");
        write(ctx, () -> {
            if (permanent) {
                throw new SchemaRegistryException(422, 422, "Permanent deletion of a version of subject '" + subject
                        + "' is not supported by this registry: schema ids must never be reused. Soft-delete instead.");
            }
            SchemaVersion version = resolveVersion(subject, versionParam, false);
            store.write(List.of(version.asDeleted()));
            return IntNode.valueOf(version.version());
        });
    }

    private void getSubjectLevel(RoutingContext ctx) {
        read(ctx, () -> {
            String subject = ctx.pathParam("subject");
            Optional<CompatibilityLevel> level = state.subjectLevel(subject);
            if (level.isPresent()) {
                return levelJson("compatibilityLevel", level.get());
            }
            if (flag(ctx, "defaultToGlobal")) {
                return levelJson("compatibilityLevel", state.globalLevel());
            }
            throw new SchemaRegistryException(404, SchemaRegistryException.SUBJECT_LEVEL_COMPATIBILITY_NOT_CONFIGURED,
                    "Subject '" + subject + "' does not have subject-level compatibility configured");
        });
    }

    private void putLevel(RoutingContext ctx, String subject) {
        String body = ctx.body().asString();
        write(ctx, () -> {
            JsonNode request = parseJson(body);
            String name = request.path("compatibility").asText(request.path("compatibilityLevel").asText(null));
            CompatibilityLevel level = CompatibilityLevel.parse(name).orElseThrow(() -> new SchemaRegistryException(
                    422, SchemaRegistryException.INVALID_COMPATIBILITY_LEVEL,
                    "Invalid compatibility level '" + name + "'. Valid values are none, backward, forward, full, "
                            + "backward_transitive, forward_transitive, and full_transitive"));
            store.writeLevel(subject, level);
            return levelJson("compatibility", level);
        });
    }

    private void deleteLevel(RoutingContext ctx, String subject) {
        write(ctx, () -> {
            CompatibilityLevel previous;
            if (subject == null) {
                previous = state.globalLevel();
            } else {
                previous = state.subjectLevel(subject).orElseThrow(() -> new SchemaRegistryException(404,
                        SchemaRegistryException.SUBJECT_LEVEL_COMPATIBILITY_NOT_CONFIGURED,
                        "Subject '" + subject + "' does not have subject-level compatibility configured"));
            }
            store.writeLevel(subject, null);
            return levelJson("compatibilityLevel", previous);
        });
    }

    private void checkCompatibility(RoutingContext ctx) {
        String subject = ctx.pathParam("subject");
        String versionParam = ctx.pathParam("version");
        boolean verbose = flag(ctx, "verbose");
        String body = ctx.body().asString();
        compute(ctx, () -> {
            RequestSchema request = parseRequest(body);
            CompatibilityLevel level = state.effectiveLevel(subject);
            List<String> problems;
            if (versionParam == null) {
                problems = level.check(request.schema(), state.versions(subject, false), state::parsed);
            } else if (isLatest(versionParam) && !state.exists(subject)) {
                problems = List.of(); // nothing registered yet: anything may be registered
            } else {
                SchemaVersion against = resolveVersion(subject, versionParam, false);
                problems = level.checkEach(request.schema(), List.of(against), state::parsed);
            }
            ObjectNode answer = JSON.createObjectNode().put("is_compatible", problems.isEmpty());
            if (verbose) {
                answer.set("messages", strings(problems));
            }
            return answer;
        });
    }

    // ------------------------------------------------------------------ reads

    private SchemaVersion versionOf(RoutingContext ctx) {
        return resolveVersion(ctx.pathParam("subject"), ctx.pathParam("version"), flag(ctx, "deleted"));
    }

    private SchemaVersion resolveVersion(String subject, String versionParam, boolean includeDeleted) {
        boolean latest = isLatest(versionParam);
        int number = latest ? -1 : parseVersion(versionParam);
        if (state.versions(subject, includeDeleted).isEmpty()) {
            throw subjectNotFound(subject);
        }
        if (latest) {
            List<SchemaVersion> versions = state.versions(subject, includeDeleted);
            return versions.get(versions.size() - 1);
        }
        Optional<SchemaVersion> found = state.version(subject, number, includeDeleted);
        if (found.isPresent()) {
            return found.get();
        }
        if (state.version(subject, number, true).isPresent()) {
            throw new SchemaRegistryException(404, 40406, "Version " + number + " of subject '" + subject + "' was soft deleted.");
        }
        throw new SchemaRegistryException(404, SchemaRegistryException.VERSION_NOT_FOUND,
                "Version " + number + " of subject '" + subject + "' not found.");
    }

    private static boolean isLatest(String versionParam) {
        return "latest".equalsIgnoreCase(versionParam) || "-1".equals(versionParam);
    }

    private static int parseVersion(String versionParam) {
        try {
            int number = Integer.parseInt(versionParam);
            if (number >= 1) {
                return number;
            }
        } catch (NumberFormatException e) {
            // answered below, like every other invalid value
            log.trace("Invalid version '{}': {}", versionParam, e.getMessage());
        }
        throw new SchemaRegistryException(422, SchemaRegistryException.INVALID_VERSION, "The specified version '" + versionParam
                + "' is not a valid version id. Allowed values are between [1, 2^31-1] and the string \"latest\"");
    }

    private String schemaOf(RoutingContext ctx) {
        int id = idOf(ctx);
        return state.schema(id).orElseThrow(() -> schemaNotFound(ctx.pathParam("id")));
    }

    private ArrayNode idVersions(RoutingContext ctx) {
        int id = idOf(ctx);
        if (state.schema(id).isEmpty()) {
            throw schemaNotFound(ctx.pathParam("id"));
        }
        ArrayNode array = JSON.createArrayNode();
        for (SchemaVersion v : state.versionsWithId(id)) {
            array.addObject().put("subject", v.subject()).put("version", v.version());
        }
        return array;
    }

    private ArrayNode idSubjects(RoutingContext ctx) {
        int id = idOf(ctx);
        if (state.schema(id).isEmpty()) {
            throw schemaNotFound(ctx.pathParam("id"));
        }
        Set<String> subjects = new LinkedHashSet<>();
        state.versionsWithId(id).forEach(v -> subjects.add(v.subject()));
        return strings(new ArrayList<>(subjects));
    }

    private static int idOf(RoutingContext ctx) {
        String text = ctx.pathParam("id");
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw schemaNotFound(text);
        }
    }

    // ------------------------------------------------------------------ request parsing

    private static JsonNode parseJson(String body) {
        if (body == null || body.isBlank()) {
            throw new SchemaRegistryException(422, 422, "Unprocessable entity: the request has no JSON body");
        }
        try {
            return JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw new SchemaRegistryException(400, 400, "Bad request: the body is not valid JSON: " + e.getOriginalMessage());
        }
    }

    private static RequestSchema parseRequest(String body) {
        JsonNode request = parseJson(body);
        JsonNode type = request.get("schemaType");
        if (type != null && !type.isNull() && !"AVRO".equalsIgnoreCase(type.asText())) {
            throw new SchemaRegistryException(422, SchemaRegistryException.INVALID_SCHEMA,
                    "Invalid schema type '" + type.asText() + "': this registry only supports AVRO");
        }
        JsonNode references = request.get("references");
        if (references != null && references.isArray() && !references.isEmpty()) {
            throw new SchemaRegistryException(422, SchemaRegistryException.INVALID_SCHEMA,
                    "Invalid schema: schema references are not supported by this registry");
        }
        JsonNode text = request.get("schema");
        if (text == null || !text.isTextual() || text.textValue().isBlank()) {
            throw new SchemaRegistryException(422, SchemaRegistryException.INVALID_SCHEMA, "Invalid schema: empty schema");
        }
        try {
            Schema schema = new Schema.Parser().parse(text.textValue());
            return new RequestSchema(schema, schema.toString());
        } catch (AvroRuntimeException | IllegalArgumentException e) {
            throw new SchemaRegistryException(422, SchemaRegistryException.INVALID_SCHEMA, "Invalid schema: " + e.getMessage());
        }
    }

    // ------------------------------------------------------------------ execution and answers

    /** Answers on the event loop from memory. */
    private void read(RoutingContext ctx, Callable<Object> action) {
        try {
            reply(ctx, action.call());
        } catch (Exception e) {
            failure(ctx, e);
        }
    }

    /** Runs a CPU-bound action (parsing, compatibility) on the worker pool. */
    private void compute(RoutingContext ctx, Callable<Object> action) {
        vertx.executeBlocking(action, false).onComplete(result -> reply(ctx, result), e -> failure(ctx, e));
    }

    /** Runs a change on the single writer thread, after reading the topic to its end. */
    private void write(RoutingContext ctx, Callable<Object> action) {
        writer.executeBlocking(() -> {
            storeLock.lock();
            try {
                if (closed.get()) {
                    throw new SchemaRegistryException(503, SchemaRegistryException.STORE_ERROR, "The schema registry is shutting down");
                }
                store.catchUpToEnd();
                return action.call();
            } finally {
                storeLock.unlock();
            }
        }, true).onComplete(result -> reply(ctx, result), e -> failure(ctx, e));
    }

    private static void reply(RoutingContext ctx, Object body) {
        if (ctx.response().ended() || ctx.response().closed()) {
            return;
        }
        String text = body instanceof RawJson raw ? raw.json() : body.toString();
        ctx.response().setStatusCode(200).putHeader("Content-Type", CONTENT_TYPE).end(text);
    }

    private static void failure(RoutingContext ctx, Throwable failure) {
        if (failure instanceof SchemaRegistryException e && e.status() > 0) {
            if (e.status() >= 500) {
                log.warn("{} {} failed: {}", ctx.request().method(), ctx.request().path(), e.getMessage(), e.getCause());
            }
            error(ctx, e.status(), e.errorCode(), e.getMessage());
            return;
        }
        int status = ctx.statusCode() >= 400 && ctx.statusCode() < 500 ? ctx.statusCode() : 500;
        if (status == 500) {
            log.warn("{} {} failed", ctx.request().method(), ctx.request().path(), failure);
        }
        error(ctx, status, status, status == 500 ? "Internal server error: " + failure : "HTTP " + status);
    }

    private static void error(RoutingContext ctx, int status, int errorCode, String message) {
        if (ctx.response().ended() || ctx.response().closed()) {
            return;
        }
        ObjectNode body = JSON.createObjectNode().put("error_code", errorCode).put("message", message);
        ctx.response().setStatusCode(status).putHeader("Content-Type", CONTENT_TYPE).end(body.toString());
    }

    private static boolean flag(RoutingContext ctx, String name) {
        return "true".equalsIgnoreCase(ctx.queryParams().get(name));
    }

    private static ObjectNode versionJson(SchemaVersion v) {
        return JSON.createObjectNode()
                .put("subject", v.subject())
                .put("version", v.version())
                .put("id", v.id())
                .put("schema", v.schema());
    }

    private static ObjectNode levelJson(String field, CompatibilityLevel level) {
        return JSON.createObjectNode().put(field, level.name());
    }

    private static ArrayNode strings(List<String> values) {
        ArrayNode array = JSON.createArrayNode();
        values.forEach(array::add);
        return array;
    }

    private static SchemaRegistryException subjectNotFound(String subject) {
        return new SchemaRegistryException(404, SchemaRegistryException.SUBJECT_NOT_FOUND, "Subject '" + subject + "' not found.");
    }

    private static SchemaRegistryException schemaNotFound(String id) {
        return new SchemaRegistryException(404, SchemaRegistryException.SCHEMA_NOT_FOUND, "Schema " + id + " not found");
    }

    // ------------------------------------------------------------------ lifecycle

    /** Stops listening, waits for a write in progress, closes the Kafka clients and, if owned, Vert.x. Blocks. */
    @Override
    public void close() {
        if (Context.isOnEventLoopThread()) {
            throw new IllegalStateException("SchemaRegistryServer.close blocks; call it off the event loop");
        }
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        String url = url();
        try {
            HttpServer server = http;
            if (server != null) {
                await(server.close(), "stopping the HTTP server", STOP_TIMEOUT);
            }
        } finally {
            closeStore();
            try {
                await(writer.close(), "stopping the writer", STOP_TIMEOUT);
            } finally {
                if (ownsVertx) {
                    await(vertx.close(), "closing Vert.x", STOP_TIMEOUT);
                }
            }
        }
        log.info("Schema registry on {} stopped", url);
    }

    private void closeStore() {
        boolean locked = false;
        try {
            locked = storeLock.tryLock(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            if (!locked) {
                log.warn("A schema write still runs after {}; closing the Kafka clients anyway", STOP_TIMEOUT);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            log.warn("Interrupted while waiting for a schema write to finish; closing the Kafka clients anyway");
        }
        try {
            store.close();
        } finally {
            if (locked) {
                storeLock.unlock();
            }
        }
    }

    private void closeQuietly() {
        try {
            close();
        } catch (RuntimeException e) {
            log.warn("Could not close the schema registry cleanly after a failed start: {}", e.toString());
        }
    }

    private static <T> T await(Future<T> future, String what, Duration timeout) {
        try {
            return future.toCompletionStage().toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while " + what, e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("Failed " + what + ": " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("Timed out " + what + " after " + timeout, e);
        }
    }
}
