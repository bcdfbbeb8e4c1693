package dev.starfall.projections;

import java.util.List;
import java.util.Map;

/**
 * Names of every state store and internal topic of the projections, in one place. Changelog and
 * repartition topics derive from these names, so renaming one is a state migration.
 */
public final class Stores {

    private Stores() {
    }

    /**
     * Transfer ids already counted (deduplication): {@code TransferIdKey} (the block time, then a
     * digest of the transfer id; the block time then the id, or the id alone, in state built by
     * earlier versions) -> an empty value (the block time, 8 bytes, in earlier versions).
     */
    public static final String TRANSFER_IDS = "transfer-ids";

    /**
     * Per (shower, wallet) contribution: {@code ShowerWallet} key -> {@code Contribution}; and in the
     * same RocksDB instance, without a changelog of their own, each shower's ranking ordered by
     * contribution ({@code RankingKey} bytes -> the {@code Contribution} again): read them with
     * {@code RankedContributionsStore.rankingsOf} in a task, {@code RankedContributionsStore.PARTITION}
     * (with the contributions) in interactive queries.
     */
    public static final String CONTRIBUTIONS = "shower-wallet-contributions";

    /** Per shower totals (shower 0 counts transfers outside every shower): shower -> {@code ShowerTotals}. */
    public static final String SHOWER_TOTALS = "shower-totals";

    /**
     * Name of the repartition step that moves transfers to the partition of their shower (default
     * partitioning of the Integer shower key), with watermark ticks (negative keys) to every partition.
     */
    public static final String BY_SHOWER = "transfers-by-shower";

    /**
     * Chain-time watermarks of a shower task (epoch millis, Long): key = the task's partition -> the
     * watermark the task closes by (never decreases); key = {@code -1 - u} -> the last watermark
     * tick received from input partition {@code u} of the transfers topic (see
     * {@code ProjectionsTopology}: ticks are records with a negative shower key and chain
     * {@code "watermark"} inside the {@link #BY_SHOWER} repartition topic only).
     */
    public static final String TASK_WATERMARKS = "task-chain-watermarks";

    /**
     * Of each input partition of the transfers topic, in its keying task: key = the partition ->
     * the offset of the last transfer processed (Long). Lets the task vouch for an ingest cursor
     * after a restart without reprocessing (see {@code ShowerKeyProcessor}).
     */
    public static final String PROCESSED_OFFSETS = "transfer-processed-offsets";

    /** The accepted egg seed (hex) of the event, in every shower task: key {@code "seed"} -> hex. */
    public static final String EGG_SEED = "egg-seed";

    /** Global store of the ingest cursors ({@code Topics.INGEST_CURSORS}): source id -> {@code SourceCursor}. */
    public static final String INGEST_CURSORS = "ingest-cursors";

    /** Global store of the final summaries ({@code Topics.SHOWER_SUMMARIES}): shower as a string -> {@code ShowerSummary}. */
    public static final String TELESCOPE = "telescope";

    /**
     * Each wallet's meteors in closed showers, one entry per meteor: {@code WalletMeteorKey} (wallet,
     * shower) -> {@code Meteor}; a wallet's cave is a prefix scan. Partitioned by wallet, like
     * {@code Topics.RESULTS}, not by shower: find a wallet's owner with
     * {@code queryMetadataForKey(METEORS, wallet, new StringSerializer())}.
     */
    public static final String METEORS = "wallet-meteors";

    /**
     * Stores of earlier versions whose content no current store holds, and what an instance of this
     * version started on such a state would get wrong. A changelog of one of them means the
     * application's state was built by such a version: its caves were in {@code "wallet-caves"}
     * (wallet -> all its meteors, rewritten whole for each new meteor), its rankings in
     * {@code "shower-rankings"} (a store of their own; the contributions store then held no
     * rankings, and its keys had no key-space byte). Such state is rebuilt (reset, or a blue/green
     * deploy under a new application id); see {@code StateLayout}.
     */
    public static final Map<String, String> RETIRED = Map.of(
            "wallet-caves", "caves would be served empty",
            "shower-rankings", "counted contributions would not be found, and leaderboards would be empty");

    /** Name of the repartition step that broadcasts an accepted egg seed to every shower partition. */
    public static final String EGG_SEED_BROADCAST = "egg-seed-broadcast";

    /** The stores that answer queries, all partitioned by shower number. */
    public static final String[] SHOWER_STORES = {CONTRIBUTIONS, SHOWER_TOTALS};

    /**
     * The stores kept in RocksDB: their changelogs hold nearly all that a fresh instance restores
     * (one record a transfer, a wallet's contribution to a shower, a meteor); the other stores'
     * hold a few records a task.
     */
    public static final List<String> PERSISTENT = List.of(TRANSFER_IDS, CONTRIBUTIONS, METEORS);

    /** The changelog topic Kafka Streams keeps for {@code store} of application {@code applicationId}. */
    public static String changelog(String applicationId, String store) {
        return applicationId + "-" + store + "-changelog";
    }
}
