package dev.starfall.projections.domain;

import java.util.List;
import java.util.OptionalInt;

import dev.starfall.schemas.avro.TierRule;

/**
 * Tier of a rank. Boundaries are ceil(cumulative share x eligible wallets), cumulative, computed on
 * eligible wallets only; the top tier holds at least one wallet when any wallet is eligible.
 * Shares are integer parts per million, so no floating point is involved.
 */
public final class Tiers {

    private static final long PPM = 1_000_000L;

    private final List<TierRule> rules;

    public Tiers(List<TierRule> rules) {
        if (rules.isEmpty()) {
            throw new IllegalArgumentException("at least one tier");
        }
        this.rules = List.copyOf(rules);
    }

    /** Last rank (1-based, inclusive) of tier {@code index} for {@code eligible} wallets. */
    public long lastRankOf(int index, long eligible) {
        long ppm = rules.get(index).getCumulativePpm();
        long bound = -Math.floorDiv(-Math.multiplyExact(ppm, eligible), PPM); // ceil; Math.ceilDiv is Java 18+
        return Math.max(bound, eligible > 0 ? 1 : 0);
    }

    /** Index of the tier of a 1-based rank among {@code eligible} wallets; empty when not eligible. */
    public OptionalInt tierOf(long rank, long eligible) {
        if (rank < 1 || rank > eligible) {
            return OptionalInt.empty();
        }
        for (int i = 0; i < rules.size(); i++) {
            if (rank <= lastRankOf(i, eligible)) {
                return OptionalInt.of(i);
            }
        }
        return OptionalInt.of(rules.size() - 1);
    }

    public String name(int index) {
        return rules.get(index).getName();
    }

    public int size() {
        return rules.size();
    }
}
