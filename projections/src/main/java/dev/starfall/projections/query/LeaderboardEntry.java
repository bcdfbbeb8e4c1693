package dev.starfall.projections.query;

/**
 * One ranked wallet of a shower.
 *
 * @param rank      1-based rank (contribution descending, earlier reached-at first, then address)
 * @param wallet    sender address
 * @param amount    contribution in integer minor units, as a decimal string (JSON numbers lose precision)
 * @param transfers transfers summed
 * @param reachedAt epoch millis when the contribution reached its value
 * @param tier      tier name, or null when below the minimum
 */
public record LeaderboardEntry(long rank, String wallet, String amount, long transfers, long reachedAt, String tier) {
}
