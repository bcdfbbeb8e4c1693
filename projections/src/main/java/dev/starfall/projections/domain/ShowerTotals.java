package dev.starfall.projections.domain;

import java.math.BigInteger;

/**
 * Running totals of one shower.
 *
 * @param wallets         wallets with any counted transfer
 * @param eligibleWallets wallets whose contribution reached the minimum
 * @param raised          sum of all counted transfers, minor units
 * @param transfers       number of counted transfers
 * @param duplicates      transfers seen again (same transfer id) and ignored
 * @param late            transfers of this shower that arrived after it closed: recorded, never counted
 * @param closed          the shower's results were emitted; its contributions and ranking never change again
 */
public record ShowerTotals(long wallets, long eligibleWallets, BigInteger raised, long transfers, long duplicates,
                           long late, boolean closed) {

    public static final ShowerTotals EMPTY = new ShowerTotals(0, 0, BigInteger.ZERO, 0, 0, 0, false);

    /** Totals of an open shower with no late transfers. */
    public ShowerTotals(long wallets, long eligibleWallets, BigInteger raised, long transfers, long duplicates) {
        this(wallets, eligibleWallets, raised, transfers, duplicates, 0, false);
    }

    /** Applies one counted transfer that moved a wallet from {@code before} (null if new) to {@code after}. */
    public ShowerTotals withTransfer(Contribution before, Contribution after, BigInteger transfer, BigInteger minimum) {
        long newWallets = before == null ? 1 : 0;
        long newlyEligible = after.isEligible(minimum) && (before == null || !before.isEligible(minimum)) ? 1 : 0;
        return new ShowerTotals(wallets + newWallets, eligibleWallets + newlyEligible, raised.add(transfer), transfers + 1,
                duplicates, late, closed);
    }

    /** Counts a transfer that belongs to no wallet ranking (outside every shower). */
    public ShowerTotals withOutsideTransfer(BigInteger transfer) {
        return new ShowerTotals(wallets, eligibleWallets, raised.add(transfer), transfers + 1, duplicates, late, closed);
    }

    public ShowerTotals withDuplicate() {
        return new ShowerTotals(wallets, eligibleWallets, raised, transfers, duplicates + 1, late, closed);
    }

    /** Records a transfer that arrived after the shower closed; nothing else changes. */
    public ShowerTotals withLate() {
        return new ShowerTotals(wallets, eligibleWallets, raised, transfers, duplicates, late + 1, closed);
    }

    /**
     * True when {@code other} counts the same transfers as this: the same wallets, eligible wallets,
     * transfers and amount raised. A shower's ranking is a function of the transfers it counted, and
     * counting only ever adds (every counted transfer adds one to {@code transfers}), so equal counts
     * mean the same ranking. Duplicates, late transfers and closing change no ranking.
     */
    public boolean sameRanking(ShowerTotals other) {
        return other != null && wallets == other.wallets && eligibleWallets == other.eligibleWallets && transfers == other.transfers
                && raised.equals(other.raised);
    }

    public ShowerTotals asClosed() {
        return new ShowerTotals(wallets, eligibleWallets, raised, transfers, duplicates, late, true);
    }
}
