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
 */
public record ShowerTotals(long wallets, long eligibleWallets, BigInteger raised, long transfers, long duplicates) {

    public static final ShowerTotals EMPTY = new ShowerTotals(0, 0, BigInteger.ZERO, 0, 0);

    /** Applies one counted transfer that moved a wallet from {@code before} (null if new) to {@code after}. */
    public ShowerTotals withTransfer(Contribution before, Contribution after, BigInteger transfer, BigInteger minimum) {
        long newWallets = before == null ? 1 : 0;
        long newlyEligible = after.isEligible(minimum) && (before == null || !before.isEligible(minimum)) ? 1 : 0;
        return new ShowerTotals(wallets + newWallets, eligibleWallets + newlyEligible, raised.add(transfer), transfers + 1, duplicates);
    }

    /** Counts a transfer that belongs to no wallet ranking (outside every shower). */
    public ShowerTotals withOutsideTransfer(BigInteger transfer) {
        return new ShowerTotals(wallets, eligibleWallets, raised.add(transfer), transfers + 1, duplicates);
    }

    public ShowerTotals withDuplicate() {
        return new ShowerTotals(wallets, eligibleWallets, raised, transfers, duplicates + 1);
    }
}
