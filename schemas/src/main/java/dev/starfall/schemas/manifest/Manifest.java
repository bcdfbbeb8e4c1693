package dev.starfall.schemas.manifest;

import java.math.BigInteger;
import java.time.Duration;
import java.util.List;

import dev.starfall.schemas.avro.EventManifest;
import dev.starfall.schemas.avro.TierRule;

/**
 * An event manifest as loaded and validated: the Avro {@link EventManifest} (what services log,
 * serve and publish), the signatures that came with it (checked by a later issue), and the
 * derived domain views every service uses.
 *
 * @param event       the validated manifest content
 * @param signatures  signatures over {@code canonicalEventJson}; may be empty
 * @param origin      where it was loaded from (file path or classpath resource)
 * @param canonicalEventJson the {@code event} object re-serialised canonically (sorted keys, no
 *                    whitespace): the bytes a signature covers
 * @param digest      hex SHA-256 of {@code canonicalEventJson}
 */
public record Manifest(EventManifest event, List<Signature> signatures, String origin, String canonicalEventJson, String digest) {

    /** One detached signature over the canonical event bytes. */
    public record Signature(String keyId, String algorithm, String value) {
    }

    public Manifest {
        signatures = List.copyOf(signatures);
    }

    public ShowerSchedule schedule() {
        return new ShowerSchedule(event.getOpensAt(), event.getCloseTimes(), Duration.ofMillis(event.getGracePeriodMillis()));
    }

    public BigInteger minimumContribution() {
        return event.getMinimumContribution().toBigIntegerExact();
    }

    public List<TierRule> tiers() {
        return List.copyOf(event.getTiers());
    }

    /** One line for the services' start-up log. */
    public String summary() {
        ShowerSchedule s = schedule();
        return String.format("event '%s' (%s) on %s/%s: %d showers from %s to %s, wallet %s, denom %s (%d decimals), minimum %s, grace %s, tiers %s, digest %s, %d signature(s), from %s",
                event.getId(), event.getName(), event.getChain(), event.getChainId(), s.showerCount(), s.opensAt(),
                s.closeOf(s.showerCount()), event.getDestinationWallet(), event.getDenom(), event.getDecimals(),
                minimumContribution(), s.grace(),
                event.getTiers().stream().map(t -> t.getName() + "<=" + t.getCumulativePpm() / 10_000.0 + "%").toList(),
                digest.substring(0, 12), signatures.size(), origin);
    }
}
