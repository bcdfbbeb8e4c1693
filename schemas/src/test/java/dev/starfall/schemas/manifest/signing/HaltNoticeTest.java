package dev.starfall.schemas.manifest.signing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Instant;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HaltNoticeTest {

    private static final KeyPair KEY = ManifestKeys.generate();
    private static final KeyPair OTHER = ManifestKeys.generate();
    private static final Instant AT = Instant.parse("2021-11-08T07:12:00Z");

    @TempDir
    Path dir;

    @Test
    void shouldVerifyASignedNoticeAfterAJsonRoundTrip() throws Exception {
        HaltNotice notice = HaltNotice.of("levana-dragons-2021", HaltNotice.State.HALTED, "Shower 2 is halted: \"investigating\"", AT)
                .signedWith(KEY.getPrivate());
        Path file = dir.resolve("halt.json");
        notice.writeTo(file);

        HaltNotice read = HaltNotice.read(file);

        assertThat(read).isEqualTo(notice);
        assertThat(read.verify(KEY.getPublic()).verified()).isTrue();
        assertThat(read.halted()).isTrue();
        assertThat(notice.canonicalJson()).isEqualTo("{\"eventId\":\"levana-dragons-2021\",\"issuedAt\":\"2021-11-08T07:12:00Z\","
                + "\"message\":\"Shower 2 is halted: \\\"investigating\\\"\",\"state\":\"HALTED\"}");
    }

    @Test
    void shouldRefuseANoticeWhoseStateChangedAfterSigning() {
        HaltNotice signed = HaltNotice.of("levana-dragons-2021", HaltNotice.State.HALTED, "halted", AT).signedWith(KEY.getPrivate());
        HaltNotice tampered = new HaltNotice(signed.eventId(), HaltNotice.State.RESUMED, signed.message(), signed.issuedAt(), signed.signatures());

        SignatureCheck check = tampered.verify(KEY.getPublic());

        assertThat(check).isInstanceOfSatisfying(SignatureCheck.Refused.class, r -> {
            assertThat(r.reason()).isEqualTo(SignatureCheck.Reason.DOES_NOT_VERIFY);
            assertThat(r.message()).contains("the notice changed after signing");
        });
    }

    @Test
    void shouldRefuseANoticeSignedByAnotherKey() {
        HaltNotice signed = HaltNotice.of("levana-dragons-2021", HaltNotice.State.HALTED, "halted", AT).signedWith(OTHER.getPrivate());

        assertThat(signed.verify(KEY.getPublic())).isInstanceOfSatisfying(SignatureCheck.Refused.class,
                r -> assertThat(r.reason()).isEqualTo(SignatureCheck.Reason.NO_SIGNATURE_BY_KEY));
        assertThat(HaltNotice.of("levana-dragons-2021", HaltNotice.State.HALTED, "halted", AT).verify(KEY.getPublic()).verified()).isFalse();
    }

    @Test
    void shouldRejectMalformedNoticeJsonNamingTheField() {
        assertThatThrownBy(() -> HaltNotice.parse("{\"noticeVersion\":1,\"notice\":{\"eventId\":\"e\",\"state\":\"PAUSED\","
                + "\"message\":\"m\",\"issuedAt\":\"2021-11-08T07:12:00Z\"}}", "test"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("notice.state");
        assertThatThrownBy(() -> HaltNotice.parse("[]", "test")).hasMessageContaining("must be a JSON object");
    }
}
