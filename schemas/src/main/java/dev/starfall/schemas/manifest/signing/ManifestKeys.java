package dev.starfall.schemas.manifest.signing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.InvalidAlgorithmParameterException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.interfaces.EdECPrivateKey;
import java.security.spec.NamedParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Ed25519 keys of the manifest and halt-notice signatures, from the JDK alone.
 *
 * <p>Files: the private key as a PKCS#8 PEM block ({@code -----BEGIN PRIVATE KEY-----}, written with
 * permissions 600 where the file system has POSIX permissions), the public key as an X.509
 * SubjectPublicKeyInfo PEM block ({@code -----BEGIN PUBLIC KEY-----}). Both are what
 * {@code openssl genpkey -algorithm ed25519} and {@code openssl pkey -pubout} produce; a bare base64
 * of the DER is read as well.
 */
public final class ManifestKeys {

    public static final String ALGORITHM = "Ed25519";
    /** File names {@code starfall keygen} writes. */
    public static final String PRIVATE_KEY_FILE = "manifest-signing.key";
    public static final String PUBLIC_KEY_FILE = "manifest-signing.pub";

    private static final String PRIVATE_LABEL = "PRIVATE KEY";
    private static final String PUBLIC_LABEL = "PUBLIC KEY";

    private ManifestKeys() {
    }

    public static KeyPair generate() {
        try {
            return KeyPairGenerator.getInstance(ALGORITHM).generateKeyPair();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Ed25519 missing from this JVM", e);
        }
    }

    /**
     * Key id of a public key: hex of the first 16 bytes of SHA-256 over its X.509 encoding (32 hex
     * characters). Signatures name their key by this id.
     */
    public static String fingerprint(PublicKey key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getEncoded());
            return HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from this JVM", e);
        }
    }

    /**
     * The public key of an Ed25519 private key. The JDK does not expose the derivation, so the key
     * pair generator is fed the private key's seed as its randomness; the result is checked against
     * the given key.
     */
    public static PublicKey publicKeyOf(PrivateKey key) {
        if (!(key instanceof EdECPrivateKey ed) || ed.getBytes().isEmpty()) {
            throw new IllegalArgumentException("not an Ed25519 private key: " + key.getAlgorithm());
        }
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance(ALGORITHM);
            generator.initialize(NamedParameterSpec.ED25519, new FixedBytes(ed.getBytes().get()));
            KeyPair pair = generator.generateKeyPair();
            if (!Arrays.equals(pair.getPrivate().getEncoded(), key.getEncoded())) {
                throw new IllegalStateException("could not derive the public key of this Ed25519 private key");
            }
            return pair.getPublic();
        } catch (NoSuchAlgorithmException | InvalidAlgorithmParameterException e) {
            throw new IllegalStateException("Ed25519 missing from this JVM", e);
        }
    }

    /** Writes the private key as PKCS#8 PEM, owner-only where the OS supports it; never overwrites a file. */
    public static void writePrivateKey(PrivateKey key, Path file) throws IOException {
        byte[] pem = pem(PRIVATE_LABEL, key.getEncoded()).getBytes(StandardCharsets.US_ASCII);
        if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.write(file, pem, StandardOpenOption.TRUNCATE_EXISTING);
        } else {
            Files.write(file, pem, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        }
    }

    /** Writes the public key as an X.509 PEM block; never overwrites a file. */
    public static void writePublicKey(PublicKey key, Path file) throws IOException {
        Files.write(file, pem(PUBLIC_LABEL, key.getEncoded()).getBytes(StandardCharsets.US_ASCII),
                StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    }

    public static PrivateKey readPrivateKey(Path file) {
        byte[] der = der(file, PRIVATE_LABEL);
        try {
            return KeyFactory.getInstance(ALGORITHM).generatePrivate(new PKCS8EncodedKeySpec(der));
        } catch (GeneralSecurityException e) {
            throw new KeyFileException(file + ": not an Ed25519 private key in PKCS#8 form (" + e.getMessage() + ")", e);
        }
    }

    public static PublicKey readPublicKey(Path file) {
        return publicKeyFromDer(der(file, PUBLIC_LABEL), file.toString());
    }

    /** A public key from base64 of its X.509 DER, with or without the PEM armour. */
    public static PublicKey parsePublicKey(String text, String origin) {
        return publicKeyFromDer(decode(text, PUBLIC_LABEL, origin), origin);
    }

    public static String toPem(PublicKey key) {
        return pem(PUBLIC_LABEL, key.getEncoded());
    }

    private static PublicKey publicKeyFromDer(byte[] der, String origin) {
        try {
            return KeyFactory.getInstance(ALGORITHM).generatePublic(new X509EncodedKeySpec(der));
        } catch (GeneralSecurityException e) {
            throw new KeyFileException(origin + ": not an Ed25519 public key in X.509 form (" + e.getMessage() + ")", e);
        }
    }

    private static byte[] der(Path file, String label) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new KeyFileException(file + ": cannot read: " + e.getMessage(), e);
        }
        return decode(text, label, file.toString());
    }

    private static byte[] decode(String text, String label, String origin) {
        String body = text.strip();
        String begin = "-----BEGIN " + label + "-----";
        String end = "-----END " + label + "-----";
        if (body.startsWith("-----")) {
            int from = body.indexOf(begin);
            int to = body.indexOf(end);
            if (from < 0 || to < from) {
                throw new KeyFileException(origin + ": expected a PEM block '" + begin + "'");
            }
            body = body.substring(from + begin.length(), to);
        }
        try {
            return Base64.getMimeDecoder().decode(body.replaceAll("\\s", ""));
        } catch (IllegalArgumentException e) {
            throw new KeyFileException(origin + ": the key is not valid base64 (" + e.getMessage() + ")", e);
        }
    }

    private static String pem(String label, byte[] der) {
        String b64 = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
        return "-----BEGIN " + label + "-----\n" + b64 + "\n-----END " + label + "-----\n";
    }

    /** A key file that cannot be read or is not an Ed25519 key; the message names the file. */
    public static final class KeyFileException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public KeyFileException(String message) {
            super(message);
        }

        public KeyFileException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** Randomness that hands out one fixed seed: how {@link #publicKeyOf} re-derives a key pair. */
    private static final class FixedBytes extends SecureRandom {
        private final byte[] seed;

        FixedBytes(byte[] seed) {
            this.seed = seed.clone();
        }

        @Override
        public void nextBytes(byte[] out) {
            if (out.length != seed.length) {
                throw new IllegalStateException("expected a request for " + seed.length + " bytes, got " + out.length);
            }
            System.arraycopy(seed, 0, out, 0, seed.length);
        }
    }
}
