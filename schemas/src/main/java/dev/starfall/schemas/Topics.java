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

    /**
     * {@code PayloadRejected}: a chain API answer the ingestor could not parse, recorded with the request
     * and the raw body before the source stops; keyed by source id. Kept forever.
     */
    public static final TopicSpec INGEST_MALFORMED = new TopicSpec("starfall.ingest.malformed.v1", 1, KEEP_FOREVER);

    /** Schemas of the embedded schema registry, keyed like Confluent's {@code _schemas} topic. */
    public static final TopicSpec SCHEMAS = new TopicSpec("_schemas", 1, COMPACTED);

    /**
     * {@code ShowerResult} per eligible wallet of a closed shower, key {@code "<shower>:<wallet>"}; written
     * once when the shower closes (close plus grace) and never changed. Partitioned by wallet (the
     * default partitioner over the wallet alone, not the key), so one partition holds all of a wallet's
     * meteors: the projections read it back to build the caves.
     */
    public static final TopicSpec RESULTS = new TopicSpec("starfall.results.v1", 6, COMPACTED);

    /** {@code ShowerSummary} per closed shower, key = shower number as a decimal string. */
    public static final TopicSpec SHOWER_SUMMARIES = new TopicSpec("starfall.shower-summaries.v1", 1, COMPACTED);

    /** {@code TransferObserved} that arrived after its shower closed, key = transfer id; recorded, never counted. */
    public static final TopicSpec TRANSFERS_LATE = new TopicSpec("starfall.transfers.late.v1", 3, KEEP_FOREVER);

    /** {@code EggSeedRevealed}: the revealed egg seed (commit-reveal), key = event id. */
    public static final TopicSpec EGG_REVEALS = new TopicSpec("starfall.egg-reveals.v1", 1, KEEP_FOREVER);

    /** {@code EggRevealRejected}: reveals whose seed does not match the manifest's commitment, with the reason. */
    public static final TopicSpec EGG_REVEALS_REJECTED = new TopicSpec("starfall.egg-reveals.rejected.v1", 1, KEEP_FOREVER);

    /** {@code EggDrawn} per (shower, tier), key {@code "<shower>:<tier>"}. */
    public static final TopicSpec EGGS = new TopicSpec("starfall.eggs.v1", 1, COMPACTED);

    /**
     * Signed {@code HaltNotice} JSON (not Avro) per event, key = event id, value = the notice envelope as
     * UTF-8 JSON bytes. Compacted: the latest notice of an event is what every instance reads at start.
     */
    public static final TopicSpec CONTROL = new TopicSpec("starfall.control.v1", 1, COMPACTED);

    /** The topics the pipeline needs before any service starts (the registry creates its own). */
    public static final List<TopicSpec> PIPELINE = List.of(TRANSFERS_OBSERVED, TRANSFERS_REJECTED, INGEST_CURSORS,
            RESULTS, SHOWER_SUMMARIES, TRANSFERS_LATE, EGG_REVEALS, EGG_REVEALS_REJECTED, EGGS, INGEST_MALFORMED, CONTROL);
}
