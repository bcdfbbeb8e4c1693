package dev.starfall.projections.domain;

import java.math.BigInteger;
import java.util.Objects;

/**
 * One wallet's contribution to one shower: the sum of its counted transfers.
 *
 * @param amount    sum in integer minor units
 * @param transfers number of transfers summed
 * @param firstAt   earliest block time (epoch millis) among them
 * @param lastAt    latest block time among them: the time the contribution reached its current
 *                  value, which breaks ties in the ranking (earlier first)
 */
public record Contribution(BigInteger amount, long transfers, long firstAt, long lastAt) {

    public Contribution {
        Objects.requireNonNull(amount, "amount");
        if (amount.signum() < 0) {
            throw new IllegalArgumentException("negative contribution " + amount);
        }
    }

    public static Contribution first(BigInteger amount, long blockTime) {
        return new Contribution(amount, 1, blockTime, blockTime);
    }

    /** Adds a transfer; order of arrival does not matter. */
    public Contribution plus(BigInteger transfer, long blockTime) {
        if (transfer.signum() < 0) {
            throw new IllegalArgumentException("negative transfer " + transfer);
        }
        return new Contribution(amount.add(transfer), transfers + 1, Math.min(firstAt, blockTime), Math.max(lastAt, blockTime));
    }

    public long reachedAt() {
        return lastAt;
    }

    public boolean isEligible(BigInteger minimum) {
        return amount.compareTo(minimum) >= 0;
    }
}
