package dev.starfall.schemas.manifest.signing;

/**
 * The outcome of checking a signed document (a manifest or a halt notice) against one public key:
 * {@link Verified}, or {@link Refused} with the reason and a message that says why.
 */
public sealed interface SignatureCheck permits SignatureCheck.Verified, SignatureCheck.Refused {

    /** Why a signature was refused. */
    enum Reason {
        /** The document carries no signature whose key id is the configured key's fingerprint. */
        NO_SIGNATURE_BY_KEY,
        /** The signature by that key names an algorithm other than Ed25519. */
        UNSUPPORTED_ALGORITHM,
        /** The signature value is not base64 of a 64-byte Ed25519 signature. */
        MALFORMED_SIGNATURE,
        /** The signature does not verify: the content changed after signing (or another key made it). */
        DOES_NOT_VERIFY
    }

    /** Fingerprint of the configured public key. */
    String keyId();

    boolean verified();

    /** A human-readable one-liner. */
    String message();

    record Verified(String keyId, String digest, String message) implements SignatureCheck {
        @Override
        public boolean verified() {
            return true;
        }
    }

    record Refused(Reason reason, String keyId, String message) implements SignatureCheck {
        @Override
        public boolean verified() {
            return false;
        }
    }
}
