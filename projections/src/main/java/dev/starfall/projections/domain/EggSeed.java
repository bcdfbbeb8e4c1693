package dev.starfall.projections.domain;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.regex.Pattern;

import dev.starfall.schemas.avro.EggRevealRejectionReason;

/**
 * Checks a revealed egg seed against the manifest's commitment: the seed is hex, and SHA-256 of its
 * decoded bytes, as lower-case hex, must equal {@code eggSeedCommitment}.
 */
public final class EggSeed {

    private static final Pattern HEX = Pattern.compile("([0-9a-fA-F]{2})+");

    /** The outcome of a check: accepted with the seed bytes, or rejected with a reason. */
    public record Verdict(byte[] seed, EggRevealRejectionReason rejection, String detail) {
        public boolean accepted() {
            return rejection == null;
        }
    }

    private EggSeed() {
    }

    public static Verdict check(String seedHex, String commitment) {
        if (commitment == null) {
            return new Verdict(null, EggRevealRejectionReason.NO_COMMITMENT, "the manifest carries no eggSeedCommitment");
        }
        if (seedHex == null || !HEX.matcher(seedHex).matches()) {
            return new Verdict(null, EggRevealRejectionReason.MALFORMED_SEED, "the seed must be a non-empty even-length hex string");
        }
        byte[] seed = HexFormat.of().parseHex(seedHex.toLowerCase(Locale.ROOT));
        String digest = sha256Hex(seed);
        if (!digest.equals(commitment.toLowerCase(Locale.ROOT))) {
            return new Verdict(null, EggRevealRejectionReason.COMMITMENT_MISMATCH,
                    "SHA-256 of the seed is " + digest + ", the manifest commits to " + commitment);
        }
        return new Verdict(seed, null, "SHA-256 of the seed matches the commitment");
    }

    public static String sha256Hex(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from this JVM", e);
        }
    }
}
