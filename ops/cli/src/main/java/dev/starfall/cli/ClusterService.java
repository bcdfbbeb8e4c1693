package dev.starfall.cli;

import java.time.Duration;
import java.util.Map;
import java.util.function.Consumer;

import dev.starfall.projections.StateLayout;
import dev.starfall.schemas.TopicProvisioner;
import dev.starfall.schemas.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/** A service against an external cluster ({@code serve}, {@code ingest}): parts started in dependency order, closed in reverse. */
abstract class ClusterService implements AutoCloseable {

    private static final Duration TOPICS_TIMEOUT = Duration.ofSeconds(120);

    /** What the service started, closed in reverse order. */
    protected final Closer parts = new Closer();

    /** Creates the pipeline's topics that are missing (existing ones are checked, not changed). */
    static void ensureTopics(String bootstrapServers, short replicationFactor) {
        ensureTopics(bootstrapServers, replicationFactor, admin -> { });
    }

    /**
     * {@link #ensureTopics(String, short)}, then fails when the projections of {@code applicationId}
     * have state this version does not read (see {@link StateLayout}).
     */
    static void ensureTopicsAndState(String bootstrapServers, short replicationFactor, String applicationId) {
        ensureTopics(bootstrapServers, replicationFactor, admin -> StateLayout.requireCurrent(admin, applicationId, TOPICS_TIMEOUT));
    }

    private static void ensureTopics(String bootstrapServers, short replicationFactor, Consumer<Admin> then) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            new TopicProvisioner(admin, replicationFactor).ensure(Topics.PIPELINE, TOPICS_TIMEOUT);
            then.accept(admin);
        }
    }

    @Override
    public void close() {
        parts.close();
    }
}
