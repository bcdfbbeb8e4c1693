package dev.starfall.bench.pipeline;

import java.util.Locale;
import java.util.regex.Matcher;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class BaselineLineTest {

    private final Locale before = Locale.getDefault();

    @AfterEach
    void restoreLocale() {
        Locale.setDefault(before);
    }

    @Test
    void shouldWriteTheResultLineThatBaselineReadsWhateverTheDefaultLocale() {
        for (Locale locale : new Locale[] {Locale.GERMANY, Locale.forLanguageTag("ar-EG"), Locale.forLanguageTag("hi-IN-u-nu-deva")}) {
            Locale.setDefault(locale);
            Matcher m = Baseline.LINE.matcher(BaselineMain.resultLine(1_000_000, 12.5) + System.lineSeparator());
            assertThat(m.find()).as("in %s", locale).isTrue();
            assertThat(m.group(1)).isEqualTo("1000000");
            assertThat(Double.parseDouble(m.group(2))).isEqualTo(12.5);
        }
    }
}
