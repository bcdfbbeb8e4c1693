package dev.starfall.ingestor.source;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An amount of one denom in integer minor units, as Cosmos SDK chains print it ({@code 1000uusd}).
 *
 * @param amount non-negative integer minor units
 * @param denom  base denom, e.g. {@code uusd} or {@code ibc/27394F...}
 */
public record Coin(BigInteger amount, String denom) {

    /** Largest amount a Cosmos SDK {@code Int} (and our Avro decimal) can carry: 2^256 - 1. */
    public static final BigInteger MAX_AMOUNT = BigInteger.ONE.shiftLeft(256).subtract(BigInteger.ONE);

    private static final Pattern DIGITS = Pattern.compile("[0-9]+");
    /** Cosmos SDK denom rule: a letter, then 2..127 of letters, digits, '/', ':', '.', '_', '-'. */
    private static final Pattern COIN = Pattern.compile("([0-9]+)([a-zA-Z][a-zA-Z0-9/:._-]{2,127})");

    public Coin {
        Objects.requireNonNull(amount, "amount");
        Objects.requireNonNull(denom, "denom");
        if (amount.signum() < 0) {
            throw new IllegalArgumentException("negative amount " + amount + denom);
        }
    }

    public static Coin of(long amount, String denom) {
        return new Coin(BigInteger.valueOf(amount), denom);
    }

    /** True when the amount fits a Cosmos SDK {@code Int} (at most 2^256 - 1). */
    public boolean inRange() {
        return amount.compareTo(MAX_AMOUNT) <= 0;
    }

    /** Whether {@code text} is a plain non-negative integer (no sign, no exponent, no decimal point). */
    public static boolean isIntegerString(String text) {
        return text != null && DIGITS.matcher(text).matches();
    }

    /**
     * Parses a comma-joined coin list as found in event attributes, e.g.
     * {@code "480000000000ukrw,1771645906uluna"}. An empty string is an empty list.
     *
     * @throws IllegalArgumentException naming the first part that is not {@code <digits><denom>}
     */
    public static List<Coin> parseList(String text) {
        List<Coin> coins = new ArrayList<>();
        if (text == null || text.isEmpty()) {
            return coins;
        }
        for (String part : text.split(",", -1)) {
            Matcher m = COIN.matcher(part.trim());
            if (!m.matches()) {
                throw new IllegalArgumentException("'" + part + "' is not <integer><denom>");
            }
            coins.add(new Coin(new BigInteger(m.group(1)), m.group(2)));
        }
        return coins;
    }

    /** Formats coins as a comma-joined list, the inverse of {@link #parseList}. */
    public static String formatList(List<Coin> coins) {
        StringBuilder sb = new StringBuilder();
        for (Coin c : coins) {
            if (sb.length() > 0) {
                sb.append(',');
            }
            sb.append(c);
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return amount.toString() + denom;
    }

    /**
     * Index of the first coin whose denom an earlier coin of {@code coins} already has, or -1. The
     * Cosmos SDK rejects a message whose coins repeat a denom (its {@code Coins} must be sorted and
     * unique), so a payload with one is malformed; counted as it is, its two coins would make two
     * transfers with one id, and the second would be dropped as a duplicate.
     */
    public static int firstRepeatedDenom(List<Coin> coins) {
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (int i = 0; i < coins.size(); i++) {
            if (!seen.add(coins.get(i).denom())) {
                return i;
            }
        }
        return -1;
    }
}
