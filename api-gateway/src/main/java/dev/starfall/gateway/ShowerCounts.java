package dev.starfall.gateway;

import dev.starfall.projections.query.ShowerView;

/**
 * What a shower's summary says about its counting: its status, and the counts that change with
 * every counted transfer. A shower's ranking (so every wallet's rank, amount and tier in it) is a
 * function of the transfers counted in it, and counting only ever adds transfers: while these
 * counts are equal, no standing in the shower has changed.
 */
record ShowerCounts(String status, long wallets, long eligibleWallets, String raised, long transfers) {

    static ShowerCounts of(ShowerView view) {
        return new ShowerCounts(view.status(), view.wallets(), view.eligibleWallets(), view.raised(), view.transfers());
    }

    /** From a summary answer: the counts it kept, or decoded from a peer's body. */
    static ShowerCounts from(Answer summary) {
        return summary.value(ShowerCounts.class).orElseGet(() -> Json.decode(summary.body().getBytes(), ShowerCounts.class));
    }

    /** The same ranking: equal counts, whatever the status says (closing does not change a ranking). */
    boolean sameRanking(ShowerCounts other) {
        return other != null && wallets == other.wallets && eligibleWallets == other.eligibleWallets && transfers == other.transfers
                && raised.equals(other.raised);
    }
}
