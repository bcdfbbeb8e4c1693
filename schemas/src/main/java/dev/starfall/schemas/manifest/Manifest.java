package dev.starfall.schemas.manifest;

import java.math.BigInteger;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

import dev.starfall.schemas.avro.EventManifest;
import dev.starfall.schemas.avro.TierRule;

/**
 * An event manifest as loaded and validated: the Avro {@link EventManifest} (what services log,
 * serve and publish), the signatures that came with it (checked by a later issue), and the
 * derived domain views every service uses. The schedule is derived once, here: a shower's status
 * is read on every answer that gives it (a counting shower's wallet renews thousands a second),
 * and building the schedule took 0.3 to 0.7 µs of each (ops/bench/REPORT.md, row 81). Its
 * {@code event} is not to be changed once loaded (an Avro record is mutable; nothing copies it).
 *
 * <p>A value class: two manifests are equal when their five parts are.
 */
public final class Manifest {

    /** One detached signature over the canonical event bytes. */
    public record Signature(String keyId, String algorithm, String value) {
    }

    private final EventManifest event;
    private final List<Signature> signatures;
    private final String origin;
    private final String canonicalEventJson;
    private final String digest;
    private final ShowerSchedule schedule;

    /**
     * @param event       the validated manifest content
     * @param signatures  signatures over {@code canonicalEventJson}; may be empty
     * @param origin      where it was loaded from (file path or classpath resource)
     * @param canonicalEventJson the {@code event} object re-serialised canonically (sorted keys, no
     *                    whitespace): the bytes a signature covers
     * @param digest      hex SHA-256 of {@code canonicalEventJson}
     */
    public Manifest(EventManifest event, List<Signature> signatures, String origin, String canonicalEventJson, String digest) {
        this.event = event;
        this.signatures = List.copyOf(signatures);
        this.origin = origin;
        this.canonicalEventJson = canonicalEventJson;
        this.digest = digest;
        this.schedule = new ShowerSchedule(event.getOpensAt(), event.getCloseTimes(), Duration.ofMillis(event.getGracePeriodMillis()));
    }

    /** The validated manifest content. */
    public EventManifest event() {
        return event;
    }

    /** Signatures over {@link #canonicalEventJson()}; may be empty. */
    public List<Signature> signatures() {
        return signatures;
    }

    /** Where it was loaded from (file path or classpath resource). */
    public String origin() {
        return origin;
    }

    /** The {@code event} object re-serialised canonically (sorted keys, no whitespace): the bytes a signature covers. */
    public String canonicalEventJson() {
        return canonicalEventJson;
    }

    /** Hex SHA-256 of {@link #canonicalEventJson()}. */
    public String digest() {
        return digest;
    }

    /** When each shower opens and closes: built once, with the manifest. */
    public ShowerSchedule schedule() {
        return schedule;
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

    @Override
    public boolean equals(Object o) {
        return o instanceof Manifest m && Objects.equals(event, m.event) && signatures.equals(m.signatures) && Objects.equals(origin, m.origin)
                && Objects.equals(canonicalEventJson, m.canonicalEventJson) && Objects.equals(digest, m.digest);
    }

    @Override
    public int hashCode() {
        return Objects.hash(event, signatures, origin, canonicalEventJson, digest);
    }

    @Override
    public String toString() {
        return "Manifest[event=" + event.getId() + ", digest=" + digest + ", signatures=" + signatures.size() + ", origin=" + origin + "]";
    }
}
