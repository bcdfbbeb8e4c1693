package dev.starfall.projections.query;

/**
 * The smallest top-up that lifts a wallet into {@code tier} (or better), as defined in
 * {@link dev.starfall.projections.domain.TierFloors}: it must outrank the wallet now at
 * {@code targetRank}, and a top-up lands later than every counted transfer, so it needs one minor
 * unit more than that wallet's contribution.
 *
 * @param amount top-up in minor units, decimal string
 */
public record NextTierView(int shower, String wallet, String tier, long targetRank, String amount) {
}
