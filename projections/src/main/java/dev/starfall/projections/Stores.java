package dev.starfall.projections;

/**
 * Names of every state store and internal topic of the projections, in one place. Changelog and
 * repartition topics derive from these names, so renaming one is a state migration.
 */
public final class Stores {

    private Stores() {
    }

    /** Transfer ids already counted (deduplication): transfer id -> block time millis. */
    public static final String TRANSFER_IDS = "transfer-ids";

    /** Per (shower, wallet) contribution: {@code ShowerWallet} key -> {@code Contribution}. */
    public static final String CONTRIBUTIONS = "shower-wallet-contributions";

    /** Per shower ranking, ordered by contribution: {@code RankingKey} bytes -> empty value. */
    public static final String RANKINGS = "shower-rankings";

    /** Per shower totals (shower 0 counts transfers outside every shower): shower -> {@code ShowerTotals}. */
    public static final String SHOWER_TOTALS = "shower-totals";

    /** Name of the repartition step that moves transfers to the partition of their shower. */
    public static final String BY_SHOWER = "transfers-by-shower";

    /** The stores that answer queries, all partitioned by shower number. */
    public static final String[] SHOWER_STORES = {CONTRIBUTIONS, RANKINGS, SHOWER_TOTALS};
}
