package dev.starfall.projections;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

import dev.starfall.embedded.EmbeddedKafka;
import dev.starfall.embedded.registry.SchemaRegistryServer;
import dev.starfall.projections.domain.ShowerTotals;
import dev.starfall.schemas.TopicProvisioner;
import dev.starfall.schemas.Topics;
import dev.starfall.schemas.avro.TransferObserved;
import dev.starfall.schemas.manifest.Manifest;
import dev.starfall.schemas.registry.HttpSchemaRegistryClient;
import dev.starfall.schemas.registry.SchemaRegistryClient;
import dev.starfall.schemas.serde.AvroSerdes;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * For the projections' integration tests: a real broker (KRaft) and schema registry with the
 * pipeline's topics, transfers published to them, and instances of the projections started on them;
 * closing it closes every instance still running, then the registry and the broker.
 */
final class PipelineOnBroker implements AutoCloseable {

    final EmbeddedKafka kafka;
    final SchemaRegistryServer registry;
    final SchemaRegistryClient client;
    private final Manifest manifest;
    private final List<ProjectionsService> running = new ArrayList<>();

    private PipelineOnBroker(Manifest manifest, EmbeddedKafka kafka, SchemaRegistryServer registry) {
        this.manifest = manifest;
        this.kafka = kafka;
        this.registry = registry;
        this.client = new HttpSchemaRegistryClient(registry.url());
    }

    /** A broker with its data in {@code dir}, a registry on it, and the pipeline's topics. */
    static PipelineOnBroker start(Manifest manifest, Path dir) throws Exception {
        EmbeddedKafka kafka = EmbeddedKafka.start(EmbeddedKafka.Config.ephemeral(dir.resolve("kafka")));
        try {
            PipelineOnBroker pipeline = new PipelineOnBroker(manifest, kafka, SchemaRegistryServer.start(kafka.bootstrapServers(), 0));
            try (Admin admin = pipeline.admin()) {
                new TopicProvisioner(admin, (short) 1).ensure(Topics.PIPELINE, Duration.ofSeconds(30));
            }
            return pipeline;
        } catch (Exception | Error e) {
            kafka.close();
            throw e;
        }
    }

    /** An instance of {@code applicationId} with its stores in {@code stateDir}, one stream thread, on a free loopback port. */
    ProjectionsService startInstance(String applicationId, Path stateDir) throws Exception {
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        ProjectionsService s = ProjectionsService.start(manifest, new ProjectionsService.Settings(kafka.bootstrapServers(), applicationId,
                stateDir, "127.0.0.1:" + port, 0, 1), client);
        running.add(s);
        return s;
    }

    /** Closes {@code instances}, which then are not closed again with the pipeline. */
    void stop(ProjectionsService... instances) {
        for (ProjectionsService s : instances) {
            s.close();
            running.remove(s);
        }
    }

    /**
     * The shower totals of {@code s}'s local tasks; empty while it is not running or its stores are
     * moving (rebalancing: ask again).
     */
    static Optional<Map<Integer, ShowerTotals>> totals(ProjectionsService s) {
        if (s.streams().state() != KafkaStreams.State.RUNNING) {
            return Optional.empty();
        }
        Map<Integer, ShowerTotals> all = new HashMap<>();
        try {
            ReadOnlyKeyValueStore<Integer, ShowerTotals> totals = s.streams().store(StoreQueryParameters.fromNameAndType(
                    Stores.SHOWER_TOTALS, QueryableStoreTypes.<Integer, ShowerTotals>keyValueStore()));
            try (KeyValueIterator<Integer, ShowerTotals> it = totals.all()) {
                it.forEachRemaining(kv -> all.put(kv.key, kv.value));
            }
        } catch (InvalidStateStoreException e) {
            return Optional.empty();
        }
        return Optional.of(all);
    }

    /** Publishes {@code transfers} to the transfers topic, keyed by sender, and waits until the broker has them. */
    void publish(List<TransferObserved> transfers) throws Exception {
        try (KafkaProducer<String, TransferObserved> producer = new KafkaProducer<>(producerProps(), new StringSerializer(),
                AvroSerdes.specific(TransferObserved.class, client, false).serializer())) {
            for (TransferObserved t : transfers) {
                producer.send(new ProducerRecord<>(Topics.TRANSFERS_OBSERVED.name(), t.getSender(), t));
            }
            producer.flush();
        }
    }

    Properties producerProps() {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        return p;
    }

    Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()));
    }

    @Override
    public void close() {
        running.forEach(ProjectionsService::close);
        running.clear();
        registry.close();
        kafka.close();
    }
}
