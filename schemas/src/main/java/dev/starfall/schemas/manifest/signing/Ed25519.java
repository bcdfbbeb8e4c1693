package dev.starfall.schemas.manifest.signing;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.SignatureException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

import dev.starfall.schemas.manifest.Manifest;

/** Signing and checking canonical JSON bytes; shared by manifests and halt notices. */
final class Ed25519 {

    static final int SIGNATURE_BYTES = 64;

    private Ed25519() {
    }

    /** Signs the UTF-8 bytes of {@code canonical}; the key id is the fingerprint of the key's public half. */
    static Manifest.Signature sign(String canonical, PrivateKey key) {
        String keyId = ManifestKeys.fingerprint(ManifestKeys.publicKeyOf(key));
        try {
            Signature s = Signature.getInstance(ManifestKeys.ALGORITHM);
            s.initSign(key);
            s.update(canonical.getBytes(StandardCharsets.UTF_8));
            return new Manifest.Signature(keyId, ManifestKeys.ALGORITHM, Base64.getEncoder().encodeToString(s.sign()));
        } catch (InvalidKeyException e) {
            throw new IllegalArgumentException("not an Ed25519 private key: " + e.getMessage(), e);
        } catch (NoSuchAlgorithmException | SignatureException e) {
            throw new IllegalStateException("Ed25519 signing failed: " + e.getMessage(), e);
        }
    }

    /**
     * Checks {@code signatures} against {@code key}.
     *
     * @param subject     what is checked, first words of every message (e.g. the manifest's file)
     * @param changedHint what a failed verification most likely means, e.g. "the event content changed after signing"
     * @param digest      digest of the canonical content, reported on success and failure
     */
    static SignatureCheck check(String canonical, List<Manifest.Signature> signatures, PublicKey key, String subject,
                                String changedHint, String digest) {
        String keyId = ManifestKeys.fingerprint(key);
        Optional<Manifest.Signature> mine = signatures.stream().filter(s -> s.keyId().equals(keyId)).findFirst();
        if (mine.isEmpty()) {
            List<String> present = new ArrayList<>();
            signatures.forEach(s -> present.add(s.keyId()));
            return new SignatureCheck.Refused(SignatureCheck.Reason.NO_SIGNATURE_BY_KEY, keyId, subject + ": no signature by key "
                    + keyId + (present.isEmpty() ? "; it carries no signatures at all" : "; it carries signatures by " + present));
        }
        Manifest.Signature sig = mine.get();
        if (!ManifestKeys.ALGORITHM.equals(sig.algorithm())) {
            return new SignatureCheck.Refused(SignatureCheck.Reason.UNSUPPORTED_ALGORITHM, keyId, subject + ": the signature by key "
                    + keyId + " names algorithm '" + sig.algorithm() + "'; only " + ManifestKeys.ALGORITHM + " is accepted");
        }
        byte[] value;
        try {
            value = Base64.getDecoder().decode(sig.value().strip());
        } catch (IllegalArgumentException e) {
            return new SignatureCheck.Refused(SignatureCheck.Reason.MALFORMED_SIGNATURE, keyId, subject + ": the signature by key "
                    + keyId + " is not valid base64 (" + e.getMessage() + ")");
        }
        if (value.length != SIGNATURE_BYTES) {
            return new SignatureCheck.Refused(SignatureCheck.Reason.MALFORMED_SIGNATURE, keyId, subject + ": the signature by key "
                    + keyId + " has " + value.length + " bytes; an Ed25519 signature has " + SIGNATURE_BYTES);
        }
        boolean ok;
        try {
            Signature s = Signature.getInstance(ManifestKeys.ALGORITHM);
            s.initVerify(key);
            s.update(canonical.getBytes(StandardCharsets.UTF_8));
            ok = s.verify(value);
        } catch (SignatureException e) {
            ok = false;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Ed25519 verification failed to run: " + e.getMessage(), e);
        }
        if (!ok) {
            return new SignatureCheck.Refused(SignatureCheck.Reason.DOES_NOT_VERIFY, keyId, subject + ": the signature by key " + keyId
                    + " does not verify: " + changedHint + " (content digest now " + digest + ")");
        }
        return new SignatureCheck.Verified(keyId, digest, subject + ": signature by key " + keyId + " verifies (content digest " + digest + ")");
    }
}
