package dev.starfall.embedded.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.starfall.embedded.EmbeddedKafka;
import dev.starfall.schemas.TopicProvisioner;
import dev.starfall.schemas.Topics;
import dev.starfall.schemas.avro.TransferObserved;
import dev.starfall.schemas.registry.HttpSchemaRegistryClient;
import dev.starfall.schemas.registry.RegisteredSchema;
import dev.starfall.schemas.registry.SchemaRegistryException;
import dev.starfall.schemas.serde.AvroDeserializer;
import dev.starfall.schemas.serde.AvroSerdes;
import dev.starfall.schemas.serde.AvroSerializer;
import dev.starfall.schemas.serde.WireFormat;
import org.apache.avro.Schema;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The registry on a real single-node broker, through the project's client, raw HTTP and Kafka's serde plumbing. */
class SchemaRegistryServerIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final Schema V1 = TransferObserved.getClassSchema();

    @TempDir
    static Path dataDir;

    private static EmbeddedKafka kafka;
    private static SchemaRegistryServer registry;
    private static HttpSchemaRegistryClient client;

    @BeforeAll
    static void start() {
        kafka = EmbeddedKafka.start(EmbeddedKafka.Config.ephemeral(dataDir));
        registry = SchemaRegistryServer.start(kafka.bootstrapServers(), 0);
        client = new HttpSchemaRegistryClient(registry.url());
    }

    @AfterAll
    static void stop() {
        try {
            if (registry != null) {
                registry.close();
            }
        } finally {
            if (kafka != null) {
                kafka.close();
            }
        }
    }

    @Test
    void shouldAnswerInHttp11EvenToAClientThatAsksToUpgrade() throws Exception {
        // the JDK's client asks a new cleartext connection to upgrade to HTTP/2 (h2c) with its first request
        HttpClient asking = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).connectTimeout(Duration.ofSeconds(5)).build();
        HttpResponse<String> r = asking.send(HttpRequest.newBuilder(URI.create(registry.url() + "/subjects")).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
    }

    @Test
    void shouldRegisterTransferObservedAndAnswerTheSameIdAgain() throws Exception {
        String subject = Topics.TRANSFERS_OBSERVED.valueSubject();

        int id = client.register(subject, V1);

        HttpSchemaRegistryClient fresh = new HttpSchemaRegistryClient(registry.url());
        assertThat(fresh.register(subject, V1)).isEqualTo(id);
        assertThat(fresh.schemaById(id)).isEqualTo(V1);
        assertThat(fresh.latest(subject)).contains(new RegisteredSchema(subject, 1, id, V1));
        assertThat(fresh.subjects()).contains(subject);
        assertThat(get("/subjects/" + subject + "/versions").body()).isEqualTo(JSON.readTree("[1]"));
        JsonNode version = get("/subjects/" + subject + "/versions/1").body();
        assertThat(version.get("subject").asText()).isEqualTo(subject);
        assertThat(version.get("version").asInt()).isEqualTo(1);
        assertThat(version.get("id").asInt()).isEqualTo(id);
        assertThat(new Schema.Parser().parse(get("/subjects/" + subject + "/versions/latest/schema").body().toString())).isEqualTo(V1);
        assertThat(get("/schemas/ids/" + id + "/versions").body())
                .contains(JSON.readTree("{\"subject\":\"" + subject + "\",\"version\":1}"));

        assertThat(fresh.register("identical-elsewhere-value", V1)).as("same schema, other subject: same id").isEqualTo(id);
        assertThat(fresh.latest("identical-elsewhere-value")).map(RegisteredSchema::version).contains(1);
    }

    @Test
    void shouldLookUpWhetherASchemaIsRegisteredUnderASubject() throws Exception {
        String subject = "lookup-value";
        int id = client.register(subject, V1);

        Response found = post("/subjects/" + subject, schemaBody(V1));
        assertThat(found.status()).isEqualTo(200);
        assertThat(found.body().get("id").asInt()).isEqualTo(id);
        assertThat(found.body().get("version").asInt()).isEqualTo(1);
        assertThat(found.body().get("subject").asText()).isEqualTo(subject);
        assertThat(new Schema.Parser().parse(found.body().get("schema").asText())).isEqualTo(V1);

        Response other = post("/subjects/" + subject, schemaBody(withFields(V1, f -> without(f, "memo"))));
        assertThat(other.status()).isEqualTo(404);
        assertThat(other.errorCode()).isEqualTo(40403);
        assertThat(post("/subjects/no-such-subject", schemaBody(V1)).errorCode()).isEqualTo(40401);
    }

    @Test
    void shouldRefuseAnIncompatibleChangeAndAcceptACompatibleOne() throws Exception {
        String subject = "evolution-value";
        int v1 = client.register(subject, V1);
        Schema feeWithoutDefault = withFields(V1, f -> with(f, new Schema.Field("fee", Schema.create(Schema.Type.LONG), "fee", (Object) null)));
        Schema noteWithDefault = withFields(V1, f -> with(f, new Schema.Field("note",
                Schema.createUnion(Schema.create(Schema.Type.NULL), Schema.create(Schema.Type.STRING)), "note", Schema.Field.NULL_DEFAULT_VALUE)));

        // BACKWARD (the default): the new schema must read old data, and old data has no fee.
        assertThat(client.isCompatible(subject, feeWithoutDefault)).isFalse();
        assertThatThrownBy(() -> client.register(subject, feeWithoutDefault))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
                    assertThat(e.status()).isEqualTo(409);
                    assertThat(e.errorCode()).isEqualTo(409);
                })
                .hasMessageContaining("READER_FIELD_MISSING_DEFAULT_VALUE")
                .hasMessageContaining(subject);
        Response verbose = post("/compatibility/subjects/" + subject + "/versions/latest?verbose=true", schemaBody(feeWithoutDefault));
        assertThat(verbose.body().get("is_compatible").asBoolean()).isFalse();
        assertThat(verbose.body().get("messages").toString()).contains("READER_FIELD_MISSING_DEFAULT_VALUE", "fee");

        assertThat(client.isCompatible(subject, noteWithDefault)).isTrue();
        int v2 = client.register(subject, noteWithDefault);
        assertThat(v2).isGreaterThan(v1);
        assertThat(client.latest(subject)).contains(new RegisteredSchema(subject, 2, v2, noteWithDefault));

        // Removing a field is BACKWARD-compatible: the new reader ignores it in old data.
        Schema withoutMemo = withFields(noteWithDefault, f -> without(f, "memo"));
        client.register(subject, withoutMemo);
        assertThat(client.latest(subject)).map(RegisteredSchema::version).contains(3);

        // FORWARD: the old schema must read new data, so dropping observedAt (no default) is refused...
        assertThat(put("/config/" + subject, "{\"compatibility\":\"FORWARD\"}").status()).isEqualTo(200);
        Schema withoutObservedAt = withFields(withoutMemo, f -> without(f, "observedAt"));
        assertThatThrownBy(() -> client.register(subject, withoutObservedAt))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> assertThat(e.errorCode()).isEqualTo(409));
        // ...while adding a field without a default is fine: old readers skip it.
        Schema feeAdded = withFields(withoutMemo, f -> with(f, new Schema.Field("fee", Schema.create(Schema.Type.LONG), "fee", (Object) null)));
        client.register(subject, feeAdded);
        assertThat(client.latest(subject)).map(RegisteredSchema::version).contains(4);

        // A check against one given version, and against every version with a transitive level.
        assertThat(post("/compatibility/subjects/" + subject + "/versions/1", schemaBody(withoutObservedAt)).body()
                .get("is_compatible").asBoolean()).isFalse();
        assertThat(put("/config/" + subject, "{\"compatibility\":\"BACKWARD_TRANSITIVE\"}").status()).isEqualTo(200);
        assertThat(post("/compatibility/subjects/" + subject + "/versions", schemaBody(feeAdded)).body()
                .get("is_compatible").asBoolean()).as("fee has no default and versions 1-3 lack it").isFalse();
        assertThat(post("/compatibility/subjects/" + subject + "/versions/latest", schemaBody(feeAdded)).body()
                .get("is_compatible").asBoolean()).isTrue();
    }

    @Test
    void shouldGetAndSetTheCompatibilityLevelPerSubject() throws Exception {
        String subject = "config-value";
        client.register(subject, V1);

        assertThat(get("/config").body().get("compatibilityLevel").asText()).isEqualTo("BACKWARD");
        Response unset = get("/config/" + subject);
        assertThat(unset.status()).isEqualTo(404);
        assertThat(unset.errorCode()).isEqualTo(40408);
        assertThat(get("/config/" + subject + "?defaultToGlobal=true").body().get("compatibilityLevel").asText()).isEqualTo("BACKWARD");

        Response set = put("/config/" + subject, "{\"compatibility\":\"FULL_TRANSITIVE\"}");
        assertThat(set.status()).isEqualTo(200);
        assertThat(set.body()).isEqualTo(JSON.readTree("{\"compatibility\":\"FULL_TRANSITIVE\"}"));
        assertThat(get("/config/" + subject).body().get("compatibilityLevel").asText()).isEqualTo("FULL_TRANSITIVE");
        assertThat(get("/config").body().get("compatibilityLevel").asText()).isEqualTo("BACKWARD");

        Response invalid = put("/config/" + subject, "{\"compatibility\":\"SIDEWAYS\"}");
        assertThat(invalid.status()).isEqualTo(422);
        assertThat(invalid.errorCode()).isEqualTo(42203);

        assertThat(delete("/config/" + subject).body().get("compatibilityLevel").asText()).isEqualTo("FULL_TRANSITIVE");
        assertThat(get("/config/" + subject).errorCode()).isEqualTo(40408);
    }

    @Test
    void shouldAnswerTheDocumentedErrors() throws Exception {
        Response subject = get("/subjects/no-such-subject/versions");
        assertThat(subject.status()).isEqualTo(404);
        assertThat(subject.errorCode()).isEqualTo(40401);
        assertThat(subject.body().get("message").asText()).isEqualTo("Subject 'no-such-subject' not found.");
        assertThat(subject.contentType()).isEqualTo("application/vnd.schemaregistry.v1+json");
        assertThat(client.latest("no-such-subject")).isEmpty();
        assertThat(client.isCompatible("no-such-subject", V1)).isTrue();

        Response id = get("/schemas/ids/999999");
        assertThat(id.status()).isEqualTo(404);
        assertThat(id.errorCode()).isEqualTo(40403);
        assertThatThrownBy(() -> client.schemaById(999_999))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> assertThat(e.errorCode()).isEqualTo(40403))
                .hasMessageContaining("999999");

        client.register("errors-value", V1);
        assertThat(get("/subjects/errors-value/versions/7").errorCode()).isEqualTo(40402);
        Response badVersion = get("/subjects/errors-value/versions/seven");
        assertThat(badVersion.status()).isEqualTo(422);
        assertThat(badVersion.errorCode()).isEqualTo(42202);

        Response protobuf = post("/subjects/errors-value/versions", "{\"schemaType\":\"PROTOBUF\",\"schema\":\"syntax = \\\"proto3\\\";\"}");
        assertThat(protobuf.status()).isEqualTo(422);
        assertThat(protobuf.errorCode()).isEqualTo(42201);
        assertThat(protobuf.body().get("message").asText()).contains("PROTOBUF", "AVRO");
        Response invalid = post("/subjects/errors-value/versions", "{\"schema\":\"{\\\"type\\\":\\\"record\\\"}\"}");
        assertThat(invalid.status()).isEqualTo(422);
        assertThat(invalid.errorCode()).isEqualTo(42201);
        assertThat(get("/no/such/route").status()).isEqualTo(404);
    }

    @Test
    void shouldSoftDeleteASubjectAndKeepItsIds() throws Exception {
        String subject = "deleted-value";
        int id = client.register(subject, V1);

        assertThat(delete("/subjects/" + subject).body()).isEqualTo(JSON.readTree("[1]"));

        assertThat(client.subjects()).doesNotContain(subject);
        assertThat(get("/subjects?deleted=true").body().toString()).contains(subject);
        assertThat(get("/subjects/" + subject + "/versions").errorCode()).isEqualTo(40401);
        assertThat(delete("/subjects/" + subject).errorCode()).isEqualTo(40404);
        assertThat(get("/schemas/ids/" + id).status()).isEqualTo(200);
        assertThat(new HttpSchemaRegistryClient(registry.url()).register(subject, V1)).isEqualTo(id);
        assertThat(client.latest(subject)).map(RegisteredSchema::version).contains(2);
    }

    @Test
    void shouldKeepIdsVersionsAndConfigAcrossARestart() throws Exception {
        String subject = "restart-value";
        Schema v2Schema = withFields(V1, f -> without(f, "memo"));
        int id1 = client.register(subject, V1);
        int id2 = client.register(subject, v2Schema);
        put("/config/" + subject, "{\"compatibility\":\"FULL\"}");
        List<String> subjectsBefore = client.subjects();
        int highestBefore = highestId(subjectsBefore);

        registry.close();
        registry = SchemaRegistryServer.start(kafka.bootstrapServers(), 0);
        client = new HttpSchemaRegistryClient(registry.url());

        assertThat(client.subjects()).containsExactlyInAnyOrderElementsOf(subjectsBefore);
        assertThat(client.latest(subject)).contains(new RegisteredSchema(subject, 2, id2, v2Schema));
        assertThat(client.schemaById(id1)).isEqualTo(V1);
        assertThat(client.register(subject, V1)).isEqualTo(id1);
        assertThat(get("/subjects/" + subject + "/versions").body()).isEqualTo(JSON.readTree("[1,2]"));
        assertThat(get("/config/" + subject).body().get("compatibilityLevel").asText()).isEqualTo("FULL");
        Schema fresh = withFields(v2Schema, f -> with(f, new Schema.Field("afterRestart",
                Schema.createUnion(Schema.create(Schema.Type.NULL), Schema.create(Schema.Type.STRING)), null, Schema.Field.NULL_DEFAULT_VALUE)));
        assertThat(client.register(subject, fresh)).as("ids are never reused").isGreaterThan(highestBefore);
        assertThat(client.latest(subject)).map(RegisteredSchema::version).contains(3);
    }

    @Test
    void shouldRoundTripThroughTheSerdeAndTheRealRegistry() {
        String topic = "serde-it.transfers";
        Serde<TransferObserved> serde = AvroSerdes.specific(TransferObserved.class, client, false);
        TransferObserved transfer = transfer();

        byte[] bytes = serde.serializer().serialize(topic, transfer);

        assertThat(WireFormat.readSchemaId(bytes)).isEqualTo(client.latest(topic + "-value").orElseThrow().id());
        assertThat(serde.deserializer().deserialize(topic, bytes)).isEqualTo(transfer);
        assertThat(AvroSerdes.specific(TransferObserved.class, new HttpSchemaRegistryClient(registry.url()), false)
                .deserializer().deserialize(topic, bytes)).isEqualTo(transfer);
    }

    @Test
    void shouldWorkWhenKafkaInstantiatesTheSerdesByClassName() throws Exception {
        Topics.TopicSpec spec = new Topics.TopicSpec("serde-it.by-class-name", 1, Map.of());
        Properties adminProps = new Properties();
        adminProps.setProperty(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        try (Admin admin = Admin.create(adminProps)) {
            new TopicProvisioner(admin, (short) 1).ensure(List.of(spec), Duration.ofSeconds(60));
        }
        TransferObserved transfer = transfer();

        Properties producerProps = new Properties();
        producerProps.setProperty(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        producerProps.setProperty(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        producerProps.setProperty(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, AvroSerializer.class.getName());
        producerProps.setProperty(AvroSerdes.SCHEMA_REGISTRY_URL_CONFIG, registry.url());
        try (KafkaProducer<String, TransferObserved> producer = new KafkaProducer<>(producerProps)) {
            producer.send(new ProducerRecord<>(spec.name(), transfer.getSender(), transfer)).get(30, TimeUnit.SECONDS);
            producer.send(new ProducerRecord<>(spec.name(), transfer.getSender(), null)).get(30, TimeUnit.SECONDS);
        }

        Properties consumerProps = new Properties();
        consumerProps.setProperty(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        consumerProps.setProperty(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        consumerProps.setProperty(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        consumerProps.setProperty(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, AvroDeserializer.class.getName());
        consumerProps.setProperty(AvroSerdes.SCHEMA_REGISTRY_URL_CONFIG, registry.url());
        consumerProps.setProperty(AvroSerdes.SPECIFIC_VALUE_TYPE_CONFIG, TransferObserved.class.getName());
        List<TransferObserved> values = new ArrayList<>();
        try (KafkaConsumer<String, TransferObserved> consumer = new KafkaConsumer<>(consumerProps)) {
            TopicPartition partition = new TopicPartition(spec.name(), 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (values.size() < 2 && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, TransferObserved> record : consumer.poll(Duration.ofMillis(200))) {
                    values.add(record.value());
                }
            }
        }

        assertThat(values).containsExactly(transfer, null);
        assertThat(client.subjects()).contains(spec.valueSubject());
    }

    // ------------------------------------------------------------------ helpers

    private static TransferObserved transfer() {
        return TransferObserved.newBuilder()
                .setChain("simulated")
                .setChainId("sim-1")
                .setTxHash("C0FFEE")
                .setMessageIndex(0)
                .setBlockHeight(42L)
                .setBlockTime(Instant.parse("2021-11-01T00:00:00Z"))
                .setSender("terra1sender")
                .setRecipient("terra1dest")
                .setDenom("uusd")
                .setAmount(new BigDecimal("10000000000000000000"))
                .setMemo(null)
                .setSourceEndpoint("sim")
                .setObservedAt(Instant.parse("2021-11-01T00:00:01Z"))
                .build();
    }

    private static int highestId(List<String> subjects) {
        int highest = 0;
        for (String subject : subjects) {
            highest = Math.max(highest, client.latest(subject).map(RegisteredSchema::id).orElse(0));
        }
        return highest;
    }

    private static Schema withFields(Schema base, UnaryOperator<List<Schema.Field>> change) {
        List<Schema.Field> fields = new ArrayList<>();
        for (Schema.Field field : base.getFields()) {
            fields.add(new Schema.Field(field, field.schema()));
        }
        return Schema.createRecord(base.getName(), base.getDoc(), base.getNamespace(), false, change.apply(fields));
    }

    private static List<Schema.Field> without(List<Schema.Field> fields, String name) {
        fields.removeIf(f -> f.name().equals(name));
        return fields;
    }

    private static List<Schema.Field> with(List<Schema.Field> fields, Schema.Field extra) {
        fields.add(extra);
        return fields;
    }

    private static String schemaBody(Schema schema) {
        return JSON.createObjectNode().put("schema", schema.toString()).toString();
    }

    private record Response(int status, String contentType, JsonNode body) {
        int errorCode() {
            return body.path("error_code").asInt();
        }
    }

    private static Response get(String path) throws IOException, InterruptedException {
        return send("GET", path, null);
    }

    private static Response post(String path, String body) throws IOException, InterruptedException {
        return send("POST", path, body);
    }

    private static Response put(String path, String body) throws IOException, InterruptedException {
        return send("PUT", path, body);
    }

    private static Response delete(String path) throws IOException, InterruptedException {
        return send("DELETE", path, null);
    }

    private static Response send(String method, String path, String body) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(registry.url() + path)).timeout(Duration.ofSeconds(30));
        if (body == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/vnd.schemaregistry.v1+json").method(method, HttpRequest.BodyPublishers.ofString(body));
        }
        HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        JsonNode json = response.body().isEmpty() ? JSON.nullNode() : JSON.readTree(response.body());
        return new Response(response.statusCode(), response.headers().firstValue("Content-Type").orElse(""), json);
    }
}
