package dev.starfall.schemas.manifest.signing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.PrivateKey;
import java.security.PublicKey;

import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starfall.schemas.manifest.Manifest;
import dev.starfall.schemas.manifest.ManifestException;
import dev.starfall.schemas.manifest.ManifestLoader;

/**
 * Signs a manifest file with an Ed25519 key. The signature covers {@link Manifest#canonicalEventJson()}
 * (the {@code event} object with sorted keys and no whitespace), so reformatting the file or
 * reordering its keys does not break it, while any change to a value does.
 */
public final class ManifestSigner {

    private static final ObjectMapper JSON = JsonMapper.builder().build();
    private static final DefaultPrettyPrinter PRETTY = new DefaultPrettyPrinter()
            .withSeparators(Separators.createDefaultInstance().withObjectFieldValueSpacing(Separators.Spacing.AFTER))
            .withObjectIndenter(new DefaultIndenter("  ", "\n"))
            .withArrayIndenter(new DefaultIndenter("  ", "\n"));

    private ManifestSigner() {
    }

    /** What {@link #signFile} did. */
    public record Signed(Path file, Manifest.Signature signature, String digest, boolean replacedEarlier) {
    }

    /** The signature of a loaded manifest by {@code key}; the key id is the fingerprint of its public key. */
    public static Manifest.Signature sign(Manifest manifest, PrivateKey key) {
        return Ed25519.sign(manifest.canonicalEventJson(), key);
    }

    /**
     * Validates the manifest file, signs it and writes it back with the signature in
     * {@code signatures}, replacing an earlier signature by the same key. The rest of the file's
     * content is kept (it is re-indented). The write is atomic where the file system allows it, and
     * the written file is loaded and verified before this returns.
     */
    public static Signed signFile(Path file, PrivateKey key) {
        Manifest manifest = ManifestLoader.load(file);
        Manifest.Signature signature = sign(manifest, key);
        ObjectNode root;
        try {
            root = (ObjectNode) JSON.readTree(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new ManifestException(file.toString(), "(file)", "cannot read: " + e.getMessage());
        }
        ArrayNode signatures = JSON.createArrayNode();
        boolean replaced = false;
        JsonNode existing = root.get("signatures");
        if (existing != null && existing.isArray()) {
            for (JsonNode s : existing) {
                if (signature.keyId().equals(s.path("keyId").asText())) {
                    replaced = true;
                } else {
                    signatures.add(s);
                }
            }
        }
        ObjectNode entry = signatures.addObject();
        entry.put("keyId", signature.keyId());
        entry.put("algorithm", signature.algorithm());
        entry.put("value", signature.value());
        root.set("signatures", signatures);
        write(file, root);

        PublicKey publicKey = ManifestKeys.publicKeyOf(key);
        SignatureCheck check = new ManifestVerifier(publicKey).verify(ManifestLoader.load(file));
        if (!check.verified()) {
            throw new IllegalStateException("the signed file does not verify: " + check.message());
        }
        return new Signed(file, signature, manifest.digest(), replaced);
    }

    private static void write(Path file, ObjectNode root) {
        Path target = file.toAbsolutePath();
        try {
            String text = JSON.writer(PRETTY).writeValueAsString(root) + "\n";
            Path tmp = Files.createTempFile(target.getParent(), "." + target.getFileName(), ".tmp");
            try {
                Files.writeString(tmp, text, StandardCharsets.UTF_8);
                try {
                    Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
                }
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new ManifestException(file.toString(), "(file)", "cannot write: " + e.getMessage());
        }
    }
}
