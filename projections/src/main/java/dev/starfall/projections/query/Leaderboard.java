package dev.starfall.projections.query;

import java.util.List;

/** A page of a shower's ranking with the shower's totals. Amounts are decimal strings of minor units. */
public record Leaderboard(int shower, long wallets, long eligibleWallets, String raised, long transfers,
                          int offset, int limit, List<LeaderboardEntry> entries) {
}
