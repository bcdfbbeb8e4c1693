package dev.starfall.gateway;

import java.math.BigInteger;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import dev.starfall.schemas.Bech32;

/**
 * Checks wallet addresses per chain before any store is touched: bech32 with its checksum for
 * Terra and Cosmos chains (BIP-173), base58 of exactly 32 bytes for Solana. A problem comes back
 * as a message that names it, for a 400 answer. Valid addresses are remembered (up to
 * {@value #REMEMBERED}, then forgotten all at once), so a hot wallet's checksum is checked once, not
 * on every request for it.
 */
public final class Addresses {

    private static final String BASE58_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

    static final int REMEMBERED = 32_768;

    private final String chain;
    private final String expectedPrefix;
    private final Set<String> valid = ConcurrentHashMap.newKeySet();

    /**
     * @param chain       the manifest's chain family
     * @param destination the event's destination wallet; its bech32 prefix is the one wallets must use
     */
    public Addresses(String chain, String destination) {
        this.chain = chain;
        int sep = destination.lastIndexOf('1');
        this.expectedPrefix = isBech32Chain(chain) && sep > 0 ? destination.substring(0, sep).toLowerCase(Locale.ROOT) : null;
    }

    /** Empty when {@code address} is valid for this event's chain, else what is wrong with it. */
    public Optional<String> problem(String address) {
        if (address != null && valid.contains(address)) {
            return Optional.empty();
        }
        Optional<String> problem = check(address);
        if (problem.isEmpty()) {
            if (valid.size() >= REMEMBERED) {
                valid.clear();
            }
            valid.add(address);
        }
        return problem;
    }

    private Optional<String> check(String address) {
        if (address == null || address.isEmpty()) {
            return Optional.of("address is empty");
        }
        if (address.length() > 128) {
            return Optional.of("address is longer than 128 characters");
        }
        if (chain.equals("solana")) {
            return base58Problem(address);
        }
        if (isBech32Chain(chain)) {
            return bech32Problem(address);
        }
        return address.chars().allMatch(c -> c < 128 && Character.isLetterOrDigit(c))
                ? Optional.empty() : Optional.of("address must be letters and digits");
    }

    private static boolean isBech32Chain(String chain) {
        return chain.equals("terra-classic") || chain.equals("cosmos") || chain.equals("simulated");
    }

    private Optional<String> bech32Problem(String address) {
        Bech32.Decoded decoded;
        try {
            decoded = Bech32.decode(address);
        } catch (Bech32.InvalidAddress e) {
            return Optional.of(e.getMessage());
        }
        if (expectedPrefix != null && !decoded.hrp().equals(expectedPrefix)) {
            return Optional.of("bech32 prefix '" + decoded.hrp() + "' is not this chain's '" + expectedPrefix + "'");
        }
        int n = decoded.data().length;
        if (n != 20 && n != 32) {
            return Optional.of("bech32 address carries " + n + " bytes; wallets carry 20 or 32");
        }
        return Optional.empty();
    }

    private static Optional<String> base58Problem(String address) {
        BigInteger n = BigInteger.ZERO;
        BigInteger radix = BigInteger.valueOf(58);
        int leadingZeros = 0;
        boolean leading = true;
        for (int i = 0; i < address.length(); i++) {
            char c = address.charAt(i);
            int v = BASE58_ALPHABET.indexOf(c);
            if (v < 0) {
                return Optional.of("character '" + c + "' at position " + (i + 1) + " is not in the base58 alphabet");
            }
            if (leading && v == 0) {
                leadingZeros++;
            } else {
                leading = false;
            }
            n = n.multiply(radix).add(BigInteger.valueOf(v));
        }
        int bytes = leadingZeros + (n.signum() == 0 ? 0 : (n.bitLength() + 7) / 8);
        if (bytes != 32) {
            return Optional.of("a Solana address is base58 of 32 bytes; this one decodes to " + bytes);
        }
        return Optional.empty();
    }
}
