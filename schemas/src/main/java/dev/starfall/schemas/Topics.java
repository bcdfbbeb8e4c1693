package dev.starfall.schemas;

import java.util.List;
import java.util.Map;

/**
 * Every topic the project creates, in one place, with its settings. Topics are created by
 * {@link TopicProvisioner}; the broker never auto-creates them.
 *
 * <p>The transfer logs keep everything forever (analysts replay them); cursors, schemas and
 * results are compacted.
 */
public final class Topics {

    private Topics() {
    }

    /** A topic's name, partition count and topic-level configs. */
    public record TopicSpec(String name, int partitions, Map<String, String> configs) {
        public TopicSpec {
            configs = Map.copyOf(configs);
        }

        public String keySubject() {
            return name + "-key";
        }

        public String valueSubject() {
            return name + "-value";
        }
    }

    private static final Map<String, String> KEEP_FOREVER = Map.of(
            "cleanup.policy", "delete",
            "retention.ms", "-1",
            "retention.bytes", "-1",
            "min.insync.replicas", "1");

    private static final Map<String, String> COMPACTED = Map.of(
            "cleanup.policy", "compact",
            "min.insync.replicas", "1");

    /** {@code TransferObserved}, keyed by sender wallet so that a wallet's transfers stay in order. */
    public static final TopicSpec TRANSFERS_OBSERVED = new TopicSpec("starfall.transfers.observed.v1", 6, KEEP_FOREVER);

    /** {@code TransferRejected}: everything that touched the wallet and does not count, with a reason. */
    public static final TopicSpec TRANSFERS_REJECTED = new TopicSpec("starfall.transfers.rejected.v1", 3, KEEP_FOREVER);

    /** {@code SourceCursor} per source id, written in the same transaction as the events it covers. */
    public static final TopicSpec INGEST_CURSORS = new TopicSpec("starfall.ingest.cursors.v1", 1, COMPACTED);

    /** Schemas of the embedded schema registry, keyed like Confluent's {@code _schemas} topic. */
    public static final TopicSpec SCHEMAS = new TopicSpec("_schemas", 1, COMPACTED);

    /** The topics the pipeline needs before any service starts (the registry creates its own). */
    public static final List<TopicSpec> PIPELINE = List.of(TRANSFERS_OBSERVED, TRANSFERS_REJECTED, INGEST_CURSORS);
}
