package dev.starfall.ingestor.source;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

class UtcTimestampsTest {

    @Test
    void shouldReadEveryFractionLengthAsInstantParseDoes() {
        SplittableRandom random = new SplittableRandom(7);
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            LocalDateTime t = LocalDateTime.ofEpochSecond(random.nextLong(-62_000_000_000L, 253_000_000_000L), 0, ZoneOffset.UTC);
            String base = String.format("%04d-%02d-%02dT%02d:%02d:%02d", t.getYear(), t.getMonthValue(), t.getDayOfMonth(),
                    t.getHour(), t.getMinute(), t.getSecond());
            int digits = random.nextInt(10);
            StringBuilder fraction = new StringBuilder(digits == 0 ? "" : ".");
            for (int d = 0; d < digits; d++) {
                fraction.append((char) ('0' + random.nextInt(10)));
            }
            texts.add(base + fraction + "Z");
        }
        texts.add("2021-05-03T12:34:56Z");
        texts.add("2021-05-03T12:34:56.000000000Z");
        texts.add("1970-01-01T00:00:00Z");
        texts.add("0000-01-01T00:00:00Z");
        texts.add("9999-12-31T23:59:59.999999999Z");
        texts.add("2024-02-29T00:00:00Z");

        for (String text : texts) {
            assertThat(UtcTimestamps.parse(text)).as(text).isEqualTo(Instant.parse(text));
        }
    }

    @Test
    void shouldLeaveEveryOtherShapeToInstantParse() {
        String[] texts = {
            "2016-12-31T23:59:60Z", "2021-05-03T24:00:00Z", "2021-02-30T00:00:00Z", "2023-02-29T00:00:00Z",
            "2021-13-01T00:00:00Z", "2021-00-01T00:00:00Z", "2021-05-00T00:00:00Z", "2021-05-03T12:60:00Z",
            "2021-05-03t12:34:56z", "2021-05-03T12:34:56", "2021-05-03T12:34:56+01:00", "2021-05-03T12:34:56.Z",
            "2021-05-03T12:34:56.1234567890Z", "+10000-01-01T00:00:00Z", "-0001-01-01T00:00:00Z", "2021-5-3T12:34:56Z",
            "2021-05-03 12:34:56Z", "2021-05-03T12:34:5xZ", "2021-05-03T12:34:56,5Z", "", "Z", "not a time at all, Z",
        };
        for (String text : texts) {
            Throwable expected = catchThrowable(() -> Instant.parse(text));
            if (expected == null) {
                assertThat(UtcTimestamps.parse(text)).as(text).isEqualTo(Instant.parse(text));
            } else {
                assertThat(expected).isInstanceOf(DateTimeParseException.class);
                assertThatThrownBy(() -> UtcTimestamps.parse(text)).as(text)
                        .isInstanceOf(DateTimeParseException.class).hasMessage(expected.getMessage());
            }
        }
    }
}
