package dev.starfall.projections.domain;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.LinkedList;
import java.util.List;
import java.util.ListIterator;
import java.util.Objects;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The egg draw of one tier of one closed shower: the plain reference implementation of
 * {@code projections/EGGS.md}. Weighted by contribution, without replacement, a deterministic
 * function of the seed, the shower, the tier and the final ranking; integer arithmetic only.
 *
 * <ol>
 *   <li>Candidates: the tier's wallets in final rank order, weight = final contribution.</li>
 *   <li>If there are no more candidates than eggs, every candidate wins, in rank order (round = position).</li>
 *   <li>Otherwise, for round r = 0 .. eggs-1: h = HMAC-SHA256(key = seed bytes, message = UTF-8 of
 *       {@code "<shower>:<tier name>:<r>"}), read as an unsigned big-endian 256-bit integer;
 *       W = sum of the remaining candidates' weights; x = h mod W; walk the remaining candidates in
 *       rank order adding weights; the first whose running sum exceeds x wins and is removed. When
 *       W = 0 (only possible with a zero minimum) the best-ranked remaining candidate wins.</li>
 * </ol>
 */
public final class EggDraw {

    /** A wallet of the tier; {@code weight} is its final contribution in minor units. */
    public record Candidate(String wallet, long rank, BigInteger weight) {
        public Candidate {
            Objects.requireNonNull(wallet, "wallet");
            if (weight.signum() < 0) {
                throw new IllegalArgumentException("negative weight " + weight);
            }
        }
    }

    /** One egg: the round that drew it and the winning candidate. */
    public record Winner(int round, Candidate candidate) {
    }

    private EggDraw() {
    }

    /**
     * Draws {@code eggs} winners among {@code ranked} (rank order).
     *
     * @param seed the revealed seed bytes (hex-decoded)
     */
    public static List<Winner> draw(byte[] seed, int shower, String tier, List<Candidate> ranked, int eggs) {
        if (eggs < 0) {
            throw new IllegalArgumentException("negative eggs " + eggs);
        }
        List<Winner> winners = new ArrayList<>(Math.min(eggs, ranked.size()));
        if (ranked.size() <= eggs) {
            for (int i = 0; i < ranked.size(); i++) {
                winners.add(new Winner(i, ranked.get(i)));
            }
            return winners;
        }
        LinkedList<Candidate> remaining = new LinkedList<>(ranked);
        BigInteger total = BigInteger.ZERO;
        for (Candidate c : ranked) {
            total = total.add(c.weight());
        }
        for (int round = 0; round < eggs; round++) {
            Candidate won;
            if (total.signum() == 0) {
                won = remaining.removeFirst();
            } else {
                BigInteger x = new BigInteger(1, roundHash(seed, shower, tier, round)).mod(total);
                BigInteger running = BigInteger.ZERO;
                won = null;
                for (ListIterator<Candidate> it = remaining.listIterator(); it.hasNext(); ) {
                    Candidate c = it.next();
                    running = running.add(c.weight());
                    if (running.compareTo(x) > 0) {
                        it.remove();
                        won = c;
                        break;
                    }
                }
                if (won == null) {
                    throw new IllegalStateException("x " + x + " not below the total weight " + total);
                }
            }
            total = total.subtract(won.weight());
            winners.add(new Winner(round, won));
        }
        return winners;
    }

    /** HMAC-SHA256(seed, UTF-8 of "shower:tier:round"). */
    public static byte[] roundHash(byte[] seed, int shower, String tier, int round) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(seed, "HmacSHA256"));
            return mac.doFinal((shower + ":" + tier + ":" + round).getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 unavailable or seed unusable as a key", e);
        }
    }
}
