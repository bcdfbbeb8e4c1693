package dev.starfall.cli;

import java.time.Duration;
import java.util.Map;

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
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            new TopicProvisioner(admin, replicationFactor).ensure(Topics.PIPELINE, TOPICS_TIMEOUT);
        }
    }

    @Override
    public void close() {
        parts.close();
    }
}
