package dev.starfall.bench;

import java.util.List;
import java.util.Locale;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class StatsTest {

    private final Locale before = Locale.getDefault();

    @AfterEach
    void restoreLocale() {
        Locale.setDefault(before);
    }

    @Test
    void shouldGiveMinMedianAndMax() {
        Stats s = Stats.of(List.of(3.0, 1.0, 2.0, 10.0));
        assertThat(s.min()).isEqualTo(1.0);
        assertThat(s.median()).isEqualTo(2.5);
        assertThat(s.max()).isEqualTo(10.0);
    }

    @Test
    void shouldWriteFiguresTheSameWhateverTheDefaultLocale() {
        Stats s = Stats.of(List.of(1234.5, 98765.25, 5.0));
        for (Locale locale : new Locale[] {Locale.ROOT, Locale.GERMANY, Locale.forLanguageTag("ar-EG")}) {
            Locale.setDefault(locale);
            assertThat(s.format(1)).as("in %s", locale).isEqualTo("5.0 / 1,234.5 / 98,765.3");
        }
    }
}
