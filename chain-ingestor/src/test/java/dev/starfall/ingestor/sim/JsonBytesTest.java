package dev.starfall.ingestor.sim;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

import com.fasterxml.jackson.core.JsonGenerator;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JsonBytesTest {

    /** Every ASCII character, escapes and all, and characters of two, three and four UTF-8 bytes. */
    static final String[] TEXTS = {"", "terra1wn25alak7ghh78nvfa532tf8lgar8vr7h67mqe", allAscii(), "quote \" backslash \\ slash /",
            "tab\tnewline\nreturn\rbackspace\bformfeed\fnul\u0000unit\u001f", "café", "€ 2021", "dragon 🐉 meteor", "\u007f"};

    @Test
    void shouldWriteStringsAsJacksonsDefaultGeneratorDoes() throws IOException {
        for (String text : TEXTS) {
            JsonBytes out = new JsonBytes(1);
            out.string(text);
            assertThat(out.text().getBytes(StandardCharsets.UTF_8)).as("%s", text).isEqualTo(jackson(text));
        }
    }

    @Test
    void shouldQuoteWrittenJsonTextAsAString() throws IOException {
        JsonBytes inner = new JsonBytes(1);
        inner.raw("[{\"tax\":").string("1400000uusd").raw(",\"memo\":").string("tab\t \"quoted\" café 🐉").raw("}]");
        JsonBytes out = new JsonBytes(1);
        out.raw('{').stringOf(inner, 0, inner.length()).raw('}');
        assertThat(out.text()).isEqualTo("{" + new String(jackson(inner.text()), StandardCharsets.UTF_8) + "}");
        assertThat(FcdRenderer.JSON.readTree("[" + new String(jackson(inner.text()), StandardCharsets.UTF_8) + "]").get(0).asText())
                .isEqualTo(inner.text());
    }

    @Test
    void shouldCopyARangeAndGrowFromTheSmallestBuffer() {
        JsonBytes a = new JsonBytes(1);
        a.raw("[1,2,3]").number(-42).number(Long.MAX_VALUE);
        JsonBytes b = new JsonBytes(1);
        b.raw(a, 1, 6).raw(',').raw(a, 7, a.length());
        assertThat(b.text()).isEqualTo("1,2,3,-42" + Long.MAX_VALUE);
        b.clear();
        assertThat(b.length()).isZero();
        assertThat(b.raw("x").text()).isEqualTo("x");
    }

    @Test
    void shouldRefuseAnUnpairedSurrogate() {
        assertThatThrownBy(() -> new JsonBytes(8).string("a\ud83db")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unpaired surrogate at index 1");
        assertThatThrownBy(() -> new JsonBytes(8).string("end\udc09")).isInstanceOf(IllegalArgumentException.class);
    }

    private static byte[] jackson(String text) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator g = FcdRenderer.JSON.getFactory().createGenerator(out)) {
            g.writeString(text);
        }
        return out.toByteArray();
    }

    private static String allAscii() {
        StringBuilder sb = new StringBuilder();
        for (char c = 0; c < 128; c++) {
            sb.append(c);
        }
        return sb.toString();
    }
}
