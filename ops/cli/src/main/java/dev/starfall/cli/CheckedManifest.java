package dev.starfall.cli;

import java.nio.file.Path;
import java.security.PublicKey;
import java.util.Optional;

import dev.starfall.schemas.manifest.Manifest;
import dev.starfall.schemas.manifest.ManifestLoader;
import dev.starfall.schemas.manifest.signing.ManifestKeys;
import dev.starfall.schemas.manifest.signing.ManifestVerifier;
import dev.starfall.schemas.manifest.signing.SignatureCheck;
import dev.starfall.schemas.manifest.signing.SignatureRefusedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The manifest a service runs on: loaded from a file (or the shipped default) and, when a public
 * key is configured, verified before anything starts.
 *
 * @param manifest  the loaded manifest
 * @param publicKey the key it was verified with, when one was configured
 * @param check     the verification, when a key was configured
 */
record CheckedManifest(Manifest manifest, Optional<PublicKey> publicKey, Optional<SignatureCheck.Verified> check) {

    private static final Logger log = LoggerFactory.getLogger(CheckedManifest.class);

    /**
     * @throws SignatureRefusedException when a key is configured and the manifest does not verify
     */
    static CheckedManifest load(Optional<Path> file, Optional<Path> publicKeyFile) {
        Manifest manifest = file.map(ManifestLoader::load).orElseGet(ManifestLoader::loadDefault);
        if (publicKeyFile.isEmpty()) {
            log.warn("The manifest's signature is not checked (no public key configured): {} pays to {}", manifest.origin(),
                    manifest.event().getDestinationWallet());
            return new CheckedManifest(manifest, Optional.empty(), Optional.empty());
        }
        PublicKey key = ManifestKeys.readPublicKey(publicKeyFile.get());
        SignatureCheck.Verified verified = new ManifestVerifier(key).verifyOrThrow(manifest);
        log.info("Manifest verified: {}", verified.message());
        return new CheckedManifest(manifest, Optional.of(key), Optional.of(verified));
    }
}
