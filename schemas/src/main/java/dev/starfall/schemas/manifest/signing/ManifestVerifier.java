package dev.starfall.schemas.manifest.signing;

import java.security.PublicKey;
import java.util.Objects;

import dev.starfall.schemas.manifest.Manifest;

/**
 * Checks a loaded {@link Manifest} against one configured public key. Services that are given a
 * public key call {@link #verifyOrThrow} before they start and refuse to run on a refusal.
 */
public final class ManifestVerifier {

    private final PublicKey key;
    private final String keyId;

    public ManifestVerifier(PublicKey key) {
        this.key = Objects.requireNonNull(key, "key");
        this.keyId = ManifestKeys.fingerprint(key);
    }

    /** Fingerprint of the configured key: the key id a valid signature must carry. */
    public String keyId() {
        return keyId;
    }

    public SignatureCheck verify(Manifest manifest) {
        String hint = "the event content changed after signing: destinationWallet or another field differs from what key "
                + keyId + " signed (destinationWallet is now " + manifest.event().getDestinationWallet() + ")";
        return Ed25519.check(manifest.canonicalEventJson(), manifest.signatures(), key, "manifest " + manifest.origin(), hint,
                manifest.digest());
    }

    /** The verified result, or a {@link SignatureRefusedException} that says why. */
    public SignatureCheck.Verified verifyOrThrow(Manifest manifest) {
        SignatureCheck check = verify(manifest);
        if (check instanceof SignatureCheck.Refused refused) {
            throw new SignatureRefusedException(refused);
        }
        return (SignatureCheck.Verified) check;
    }
}
