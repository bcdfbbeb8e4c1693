package dev.starfall.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPInputStream;

import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

class AnswerTest {

    private static byte[] json(int bytes) {
        String item = "{\"wallet\":\"terra1abc\",\"amount\":\"12345\"},";
        StringBuilder b = new StringBuilder("[");
        while (b.length() + item.length() + 1 <= bytes) {
            b.append(item);
        }
        b.setLength(b.length() - 1);
        b.append(']');
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void shouldKeepAGzipFormOfALargeAnswerMadeOnceWithItsOwnEtag() throws IOException {
        byte[] body = json(15_000);
        Answer a = Answer.ok(body, "me", false, Answer.SHORT);

        Buffer gzip = a.gzipBody();

        assertThat(a.variesByEncoding()).isTrue();
        assertThat(gzip.length()).isLessThan(body.length);
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gzip.getBytes()))) {
            assertThat(in.readAllBytes()).isEqualTo(body);
        }
        assertThat(a.gzipBody()).as("kept, not compressed again").isSameAs(gzip);
        assertThat(a.gzipEtag()).isNotEqualTo(a.etag()).startsWith(a.etag().substring(0, a.etag().length() - 1)).endsWith("-gzip\"");
        assertThat(a.withCacheControl(Answer.IMMUTABLE).gzipBody()).as("a copy keeps the rule").isNotNull();
    }

    /** The header values an answer is sent with are its own values, encoded once. */
    @Test
    void shouldSendItsOwnHeaderValues() {
        Answer a = Answer.ok(json(2_000), "me", false, Answer.SHORT);
        Answer closed = a.withCacheControl(Answer.IMMUTABLE);
        Answer other = new Answer(200, Answer.direct(json(2_000)), "me", false, "public, max-age=300", null, "\"e1\"", null);
        Answer none = new Answer(503, Buffer.buffer("{}"), "me", false, null, "1", null, null);

        assertThat(a.cacheControlHeader()).hasToString(Answer.SHORT);
        assertThat(closed.cacheControlHeader()).hasToString(Answer.IMMUTABLE);
        assertThat(other.cacheControlHeader()).hasToString("public, max-age=300");
        assertThat(a.etagHeader()).hasToString(a.etag());
        assertThat(a.gzipEtagHeader()).hasToString(a.gzipEtag());
        assertThat(a.gzipEtagHeader()).as("made once").isSameAs(a.gzipEtagHeader());
        assertThat(other.gzipEtagHeader()).hasToString("\"e1-gzip\"");
        assertThat(none.cacheControlHeader()).isNull();
        assertThat(none.etagHeader()).isNull();
        assertThat(none.gzipEtagHeader()).isNull();
    }

    @Test
    void shouldMatchEitherFormsEtag() {
        Answer a = Answer.ok(json(2_000), "me", false, Answer.SHORT);

        assertThat(a.matches(a.etag())).isTrue();
        assertThat(a.matches(a.gzipEtag())).isTrue();
        assertThat(a.matches("W/" + a.gzipEtag())).isTrue();
        assertThat(a.matches("\"other\", " + a.gzipEtag())).isTrue();
        assertThat(a.matches("\"other-gzip\"")).isFalse();
        assertThat(a.matches(a.etag().substring(0, a.etag().length() - 1) + "-br\"")).isFalse();
    }

    @Test
    void shouldSendSmallErrorAndIdentityOnlyAnswersAsTheyAre() {
        Answer small = Answer.ok(json(Answer.GZIP_FROM_BYTES - 1), "me", false, Answer.SHORT);
        Answer atThreshold = Answer.ok(json(Answer.GZIP_FROM_BYTES + 40), "me", false, Answer.SHORT);
        Answer error = new Answer(404, Answer.direct(json(2_000)), "me", false, "no-store", null, null, null);
        Answer bare = Answer.ok(json(2_000), "me", false, Answer.SHORT).identityOnly();

        assertThat(small.variesByEncoding()).isFalse();
        assertThat(small.gzipBody()).isNull();
        assertThat(atThreshold.variesByEncoding()).isTrue();
        assertThat(error.variesByEncoding()).isFalse();
        assertThat(bare.variesByEncoding()).isFalse();
        assertThat(bare.gzipBody()).isNull();
        assertThat(bare.withValue("v").gzipBody()).as("a copy keeps the rule").isNull();
    }

    @Test
    void shouldSendTheIdentityFormWhenGzipWouldNotBeSmaller() {
        byte[] noise = new byte[4_096];
        new java.util.Random(3).nextBytes(noise);
        Answer a = Answer.ok(noise, "me", false, Answer.SHORT);

        assertThat(a.variesByEncoding()).isTrue();
        assertThat(a.gzipBody()).isNull();
        assertThat(a.gzipBody()).as("and remembers it").isNull();
    }
}
