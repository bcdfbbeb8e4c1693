package dev.starfall.projections.query;

/**
 * A wallet's standing in one shower.
 *
 * @param rank     1-based rank among all wallets of the shower
 * @param eligible contribution reached the minimum (the wallet gets a meteor)
 * @param tier     tier name when eligible, else null
 */
public record WalletStanding(int shower, String wallet, String amount, long transfers, long firstAt, long lastAt,
                             long rank, boolean eligible, String tier) {
}
