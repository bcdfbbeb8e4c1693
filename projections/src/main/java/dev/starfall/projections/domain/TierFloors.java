package dev.starfall.projections.domain;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Floors of the tiers of a shower and the top-up that lifts a wallet to a better tier.
 *
 * <p><b>Floor</b> of a tier (domain.md): the contribution of the lowest-ranked wallet inside that
 * tier, i.e. the contribution at rank {@link Tiers#lastRankOf(int, long)}; null for an empty tier
 * (e.g. only one eligible wallet). The common (last) tier's floor is therefore the lowest
 * <em>eligible</em> contribution, which is always at least the manifest minimum - it equals the
 * minimum only when some wallet contributed exactly the minimum. It is not the minimum itself.
 *
 * <p><b>Amount to the next tier</b>, for a wallet with contribution {@code own}:
 * <ul>
 *   <li>not eligible: {@code minimum - own}; with it the wallet becomes the lowest-ranked eligible
 *       wallet (rank {@code eligible + 1} of {@code eligible + 1}, since every eligible wallet has at
 *       least the minimum and reached it earlier), so it enters the tier of that rank;</li>
 *   <li>eligible in tier {@code i > 0}: let {@code target} be the wallet at rank
 *       {@code lastRankOf(i - 1)} (the lowest-ranked wallet above tier {@code i}; when tier
 *       {@code i - 1} is empty this is a wallet of an even better tier). A top-up lands in a block
 *       later than every counted transfer, so the wallet's reached-at becomes later than the target's
 *       and an equal amount would rank below it (ties: earlier reached-at first). The smallest top-up
 *       that outranks the target is {@code target - own + 1}; the eligible count does not change, so
 *       the wallet then holds a rank at most {@code lastRankOf(i - 1)} and is in
 *       {@code tierOf(lastRankOf(i - 1))} or better - the tier reported;</li>
 *   <li>in the top tier: none.</li>
 * </ul>
 * The answer is a snapshot: other wallets' later transfers move the target.
 */
public final class TierFloors {

    /** The contribution at a 1-based rank among the eligible wallets (rank &lt;= eligible). */
    @FunctionalInterface
    public interface RankedAmounts {
        BigInteger amountAt(long rank);
    }

    /**
     * One tier's floor.
     *
     * @param wallets  wallets in the tier
     * @param lastRank rank of its lowest-ranked wallet, 0 when empty
     * @param floor    contribution at {@code lastRank}, null when empty
     */
    public record Floor(int tierIndex, String tier, long wallets, long lastRank, BigInteger floor) {
    }

    /**
     * The smallest top-up that lifts a wallet into {@code tier} (or better).
     *
     * @param targetRank the rank the wallet must reach (it outranks the wallet now there)
     * @param amount     top-up in minor units, at least 1
     */
    public record NextTier(int tierIndex, String tier, long targetRank, BigInteger amount) {
    }

    private TierFloors() {
    }

    /** Ranks whose contribution {@link #floors} reads: the last rank of every non-empty tier. */
    public static List<Long> boundaryRanks(Tiers tiers, long eligible) {
        List<Long> ranks = new ArrayList<>();
        long previous = 0;
        for (int i = 0; i < tiers.size(); i++) {
            long last = tiers.lastRankOf(i, eligible);
            if (last > previous) {
                ranks.add(last);
                previous = last;
            }
        }
        return ranks;
    }

    /** Floors of every tier, best first, reading one contribution per non-empty tier. */
    public static List<Floor> floors(Tiers tiers, long eligible, RankedAmounts amounts) {
        List<Floor> out = new ArrayList<>(tiers.size());
        long previous = 0;
        for (int i = 0; i < tiers.size(); i++) {
            long last = Math.max(previous, tiers.lastRankOf(i, eligible));
            long size = last - previous;
            out.add(size == 0 ? new Floor(i, tiers.name(i), 0, 0, null) : new Floor(i, tiers.name(i), size, last, amounts.amountAt(last)));
            previous = last;
        }
        return out;
    }

    /**
     * The top-up that lifts a wallet to a better tier (see the class comment); empty in the top tier.
     *
     * @param eligible number of eligible wallets now
     * @param own      the wallet's contribution
     * @param rank     the wallet's 1-based rank (only read when it is eligible)
     */
    public static Optional<NextTier> nextTier(Tiers tiers, BigInteger minimum, long eligible, BigInteger own, long rank,
                                              RankedAmounts amounts) {
        if (own.compareTo(minimum) < 0) {
            long after = eligible + 1;
            int tier = tiers.tierOf(after, after).orElseThrow();
            return Optional.of(new NextTier(tier, tiers.name(tier), after, minimum.subtract(own)));
        }
        OptionalInt current = tiers.tierOf(rank, eligible);
        if (current.isEmpty()) {
            throw new IllegalArgumentException("rank " + rank + " is not among " + eligible + " eligible wallets");
        }
        int i = current.getAsInt();
        if (i == 0) {
            return Optional.empty();
        }
        long targetRank = tiers.lastRankOf(i - 1, eligible);
        BigInteger lift = amounts.amountAt(targetRank).subtract(own).add(BigInteger.ONE);
        int reached = tiers.tierOf(targetRank, eligible).orElseThrow();
        return Optional.of(new NextTier(reached, tiers.name(reached), targetRank, lift.max(BigInteger.ONE)));
    }
}
