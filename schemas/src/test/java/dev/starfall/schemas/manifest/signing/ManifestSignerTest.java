package dev.starfall.schemas.manifest.signing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starfall.schemas.manifest.Manifest;
import dev.starfall.schemas.manifest.ManifestLoader;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ManifestSignerTest {

    private static final KeyPair KEY = ManifestKeys.generate();
    private static final KeyPair OTHER = ManifestKeys.generate();

    @TempDir
    Path dir;

    private Path file;
    private final ObjectMapper json = new ObjectMapper();

    @BeforeEach
    void copyDefaultManifest() throws IOException {
        file = dir.resolve("event.json");
        try (InputStream in = ManifestLoader.class.getClassLoader().getResourceAsStream(ManifestLoader.DEFAULT_RESOURCE)) {
            Files.write(file, in.readAllBytes());
        }
    }

    @Test
    void shouldVerifyAManifestSignedWithTheKey() {
        ManifestSigner.Signed signed = ManifestSigner.signFile(file, KEY.getPrivate());

        Manifest loaded = ManifestLoader.load(file);
        SignatureCheck check = new ManifestVerifier(KEY.getPublic()).verify(loaded);

        assertThat(check.verified()).as(check.message()).isTrue();
        assertThat(check.keyId()).isEqualTo(ManifestKeys.fingerprint(KEY.getPublic())).isEqualTo(signed.signature().keyId());
        assertThat(loaded.signatures()).singleElement().satisfies(s -> {
            assertThat(s.algorithm()).isEqualTo("Ed25519");
            assertThat(s.keyId()).isEqualTo(signed.signature().keyId());
        });
        assertThat(loaded.digest()).isEqualTo(ManifestLoader.loadDefault().digest());
    }

    @Test
    void shouldRefuseAManifestWhoseDestinationWalletChangedAfterSigning() throws IOException {
        ManifestSigner.signFile(file, KEY.getPrivate());
        String attacker = "terra1attackerattackerattackerattacker0000";
        Files.writeString(file, Files.readString(file).replace("terra1wn25alak7ghh78nvfa532tf8lgar8vr7h67mqe", attacker));

        SignatureCheck check = new ManifestVerifier(KEY.getPublic()).verify(ManifestLoader.load(file));

        assertThat(check).isInstanceOfSatisfying(SignatureCheck.Refused.class, r -> {
            assertThat(r.reason()).isEqualTo(SignatureCheck.Reason.DOES_NOT_VERIFY);
            assertThat(r.message()).contains("the event content changed after signing", "destinationWallet",
                    ManifestKeys.fingerprint(KEY.getPublic()), attacker);
        });
        assertThatThrownBy(() -> new ManifestVerifier(KEY.getPublic()).verifyOrThrow(ManifestLoader.load(file)))
                .isInstanceOfSatisfying(SignatureRefusedException.class,
                        e -> assertThat(e.reason()).isEqualTo(SignatureCheck.Reason.DOES_NOT_VERIFY));
    }

    @Test
    void shouldRefuseWhenTheConfiguredKeyDidNotSign() {
        ManifestSigner.signFile(file, KEY.getPrivate());

        SignatureCheck check = new ManifestVerifier(OTHER.getPublic()).verify(ManifestLoader.load(file));

        assertThat(check).isInstanceOfSatisfying(SignatureCheck.Refused.class, r -> {
            assertThat(r.reason()).isEqualTo(SignatureCheck.Reason.NO_SIGNATURE_BY_KEY);
            assertThat(r.message()).contains("no signature by key " + ManifestKeys.fingerprint(OTHER.getPublic()),
                    ManifestKeys.fingerprint(KEY.getPublic()));
        });
    }

    @Test
    void shouldRefuseAnUnsignedManifest() {
        SignatureCheck check = new ManifestVerifier(KEY.getPublic()).verify(ManifestLoader.loadDefault());

        assertThat(check).isInstanceOfSatisfying(SignatureCheck.Refused.class, r -> {
            assertThat(r.reason()).isEqualTo(SignatureCheck.Reason.NO_SIGNATURE_BY_KEY);
            assertThat(r.message()).contains("carries no signatures");
        });
    }

    @Test
    void shouldRefuseASignatureMadeByAnotherKeyThatClaimsTheKeyId() throws IOException {
        ManifestSigner.signFile(file, OTHER.getPrivate());
        String forged = Files.readString(file).replace(ManifestKeys.fingerprint(OTHER.getPublic()), ManifestKeys.fingerprint(KEY.getPublic()));
        Files.writeString(file, forged);

        SignatureCheck check = new ManifestVerifier(KEY.getPublic()).verify(ManifestLoader.load(file));

        assertThat(check).isInstanceOfSatisfying(SignatureCheck.Refused.class,
                r -> assertThat(r.reason()).isEqualTo(SignatureCheck.Reason.DOES_NOT_VERIFY));
    }

    @Test
    void shouldRefuseASignatureThatIsNotBase64() throws IOException {
        ManifestSigner.Signed signed = ManifestSigner.signFile(file, KEY.getPrivate());
        Files.writeString(file, Files.readString(file).replace(signed.signature().value(), "not*base64!"));

        SignatureCheck check = new ManifestVerifier(KEY.getPublic()).verify(ManifestLoader.load(file));

        assertThat(check).isInstanceOfSatisfying(SignatureCheck.Refused.class, r -> {
            assertThat(r.reason()).isEqualTo(SignatureCheck.Reason.MALFORMED_SIGNATURE);
            assertThat(r.message()).contains("not valid base64");
        });
    }

    @Test
    void shouldRefuseAnotherAlgorithm() throws IOException {
        ManifestSigner.signFile(file, KEY.getPrivate());
        Files.writeString(file, Files.readString(file).replace("\"Ed25519\"", "\"RS256\""));

        SignatureCheck check = new ManifestVerifier(KEY.getPublic()).verify(ManifestLoader.load(file));

        assertThat(check).isInstanceOfSatisfying(SignatureCheck.Refused.class,
                r -> assertThat(r.reason()).isEqualTo(SignatureCheck.Reason.UNSUPPORTED_ALGORITHM));
    }

    @Test
    void shouldStillVerifyAfterKeysAreReorderedAndWhitespaceChanged() throws IOException {
        ManifestSigner.signFile(file, KEY.getPrivate());
        ObjectNode root = (ObjectNode) json.readTree(Files.readString(file));
        ObjectNode event = (ObjectNode) root.get("event");
        ObjectNode reversed = json.createObjectNode();
        java.util.List<String> names = new java.util.ArrayList<>();
        event.fieldNames().forEachRemaining(names::add);
        java.util.Collections.reverse(names);
        names.forEach(n -> reversed.set(n, event.get(n)));
        ObjectNode rebuilt = json.createObjectNode();
        rebuilt.set("signatures", root.get("signatures"));
        rebuilt.set("event", reversed);
        rebuilt.set("manifestVersion", root.get("manifestVersion"));
        Files.writeString(file, "\n\n   " + json.writeValueAsString(rebuilt).replace(",", " ,\n\t ") + "  \n");

        SignatureCheck check = new ManifestVerifier(KEY.getPublic()).verify(ManifestLoader.load(file));

        assertThat(check.verified()).as(check.message()).isTrue();
    }

    @Test
    void shouldReplaceAnEarlierSignatureOfTheSameKeyAndKeepOthers() throws IOException {
        ManifestSigner.signFile(file, OTHER.getPrivate());
        ManifestSigner.signFile(file, KEY.getPrivate());
        ManifestSigner.Signed again = ManifestSigner.signFile(file, KEY.getPrivate());

        Manifest loaded = ManifestLoader.load(file);
        assertThat(again.replacedEarlier()).isTrue();
        assertThat(loaded.signatures()).extracting(Manifest.Signature::keyId)
                .containsExactly(ManifestKeys.fingerprint(OTHER.getPublic()), ManifestKeys.fingerprint(KEY.getPublic()));
        assertThat(new ManifestVerifier(KEY.getPublic()).verify(loaded).verified()).isTrue();
        assertThat(new ManifestVerifier(OTHER.getPublic()).verify(loaded).verified()).isTrue();
        JsonNode root = json.readTree(Files.readString(file, StandardCharsets.UTF_8));
        assertThat(root.path("event").path("tiers")).hasSize(4);
        assertThat(root.path("manifestVersion").asInt()).isEqualTo(1);
    }
}
