package dev.starfall.schemas;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the project's topics with explicit settings, idempotently, and waits until every
 * partition answers {@code listOffsets}.
 *
 * <p>Why the probe: with Kafka 4.3.1 an idempotent producer that starts sending right after its
 * topic is created can silently lose its first records (KAFKA-19880 and related). Waiting for a
 * leader in {@code describeTopics} was not enough on this machine; a successful
 * {@code listOffsets} on every partition is.
 */
public final class TopicProvisioner {

    private static final Logger log = LoggerFactory.getLogger(TopicProvisioner.class);

    private final Admin admin;
    private final short replicationFactor;

    public TopicProvisioner(Admin admin, short replicationFactor) {
        this.admin = admin;
        this.replicationFactor = replicationFactor;
    }

    /** Creates the missing topics among {@code specs}, then probes every partition of all of them. */
    public void ensure(Collection<Topics.TopicSpec> specs, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<NewTopic> toCreate = new ArrayList<>();
        for (Topics.TopicSpec spec : specs) {
            toCreate.add(new NewTopic(spec.name(), spec.partitions(), replicationFactor).configs(spec.configs()));
        }
        try {
            var result = admin.createTopics(toCreate);
            for (var entry : result.values().entrySet()) {
                try {
                    entry.getValue().get(remaining(deadline), TimeUnit.MILLISECONDS);
                    log.info("Created topic {}", entry.getKey());
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("Could not create topic " + entry.getKey() + ": " + e.getCause().getMessage(), e.getCause());
                    }
                }
            }
            awaitPartitionsAnswer(specs.stream().map(Topics.TopicSpec::name).toList(), deadline);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while creating topics", e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("Topics not ready after " + timeout, e);
        }
    }

    /** Waits until {@code listOffsets} succeeds on every partition of the named topics. */
    public void awaitPartitionsAnswer(Collection<String> topics, long deadlineNanos) throws InterruptedException, TimeoutException {
        Exception last = null;
        while (System.nanoTime() < deadlineNanos) {
            try {
                Map<String, TopicDescription> descriptions = admin.describeTopics(Set.copyOf(topics))
                        .allTopicNames().get(remaining(deadlineNanos), TimeUnit.MILLISECONDS);
                Map<TopicPartition, OffsetSpec> probe = new HashMap<>();
                descriptions.values().forEach(d -> d.partitions()
                        .forEach(p -> probe.put(new TopicPartition(d.name(), p.partition()), OffsetSpec.latest())));
                admin.listOffsets(probe).all().get(remaining(deadlineNanos), TimeUnit.MILLISECONDS);
                return;
            } catch (ExecutionException e) {
                last = e;
                TimeUnit.MILLISECONDS.sleep(100);
            }
        }
        TimeoutException timeout = new TimeoutException("Partitions of " + topics + " did not answer listOffsets in time");
        if (last != null) {
            timeout.initCause(last.getCause());
        }
        throw timeout;
    }

    private static long remaining(long deadlineNanos) throws TimeoutException {
        long ms = TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime());
        if (ms <= 0) {
            throw new TimeoutException("deadline passed");
        }
        return ms;
    }
}
