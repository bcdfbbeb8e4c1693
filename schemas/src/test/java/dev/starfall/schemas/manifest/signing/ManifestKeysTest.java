package dev.starfall.schemas.manifest.signing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ManifestKeysTest {

    @TempDir
    Path dir;

    @Test
    void shouldRoundTripKeysThroughPemFilesWithAnOwnerOnlyPrivateKey() throws Exception {
        KeyPair pair = ManifestKeys.generate();
        Path priv = dir.resolve(ManifestKeys.PRIVATE_KEY_FILE);
        Path pub = dir.resolve(ManifestKeys.PUBLIC_KEY_FILE);

        ManifestKeys.writePrivateKey(pair.getPrivate(), priv);
        ManifestKeys.writePublicKey(pair.getPublic(), pub);

        assertThat(Files.readString(priv)).startsWith("-----BEGIN PRIVATE KEY-----\n");
        assertThat(Files.readString(pub)).startsWith("-----BEGIN PUBLIC KEY-----\n");
        assertThat(ManifestKeys.readPrivateKey(priv).getEncoded()).isEqualTo(pair.getPrivate().getEncoded());
        assertThat(ManifestKeys.readPublicKey(pub).getEncoded()).isEqualTo(pair.getPublic().getEncoded());
        if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(priv))).isEqualTo("rw-------");
        }
        assertThatThrownBy(() -> ManifestKeys.writePrivateKey(pair.getPrivate(), priv)).isInstanceOf(FileAlreadyExistsException.class);
    }

    @Test
    void shouldDeriveThePublicKeyOfAPrivateKey() {
        KeyPair pair = ManifestKeys.generate();

        assertThat(ManifestKeys.publicKeyOf(pair.getPrivate()).getEncoded()).isEqualTo(pair.getPublic().getEncoded());
    }

    @Test
    void shouldFingerprintAsThirtyTwoHexCharactersThatDifferPerKey() {
        String a = ManifestKeys.fingerprint(ManifestKeys.generate().getPublic());
        String b = ManifestKeys.fingerprint(ManifestKeys.generate().getPublic());

        assertThat(a).matches("[0-9a-f]{32}");
        assertThat(a).isNotEqualTo(b);
    }

    @Test
    void shouldReadABareBase64PublicKeyAndNameTheFileOnGarbage() throws Exception {
        KeyPair pair = ManifestKeys.generate();
        Path bare = dir.resolve("bare.pub");
        Files.writeString(bare, java.util.Base64.getEncoder().encodeToString(pair.getPublic().getEncoded()) + "\n");
        Path garbage = dir.resolve("garbage.pub");
        Files.writeString(garbage, "hello");

        assertThat(ManifestKeys.readPublicKey(bare).getEncoded()).isEqualTo(pair.getPublic().getEncoded());
        assertThatThrownBy(() -> ManifestKeys.readPublicKey(garbage)).isInstanceOf(ManifestKeys.KeyFileException.class)
                .hasMessageContaining(garbage.toString());
    }
}
