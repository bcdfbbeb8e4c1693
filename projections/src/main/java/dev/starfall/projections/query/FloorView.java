package dev.starfall.projections.query;

/**
 * A tier's floor: the contribution of the lowest-ranked wallet inside it (minor units, decimal
 * string); null when the tier is empty. The common tier's floor is the lowest eligible
 * contribution, always at least the minimum.
 *
 * @param wallets  wallets in the tier
 * @param lastRank rank of the tier's lowest-ranked wallet, 0 when empty
 */
public record FloorView(String tier, long wallets, long lastRank, String floor) {
}
