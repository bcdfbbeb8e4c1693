package dev.starfall.cli;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as operators write them: {@code 500ms}, {@code 10s}, {@code 5m}, {@code 1h}, or ISO-8601 ({@code PT10S}). */
public final class Durations {

    private static final Pattern SHORT = Pattern.compile("(\\d{1,9})(ms|s|m|h)");

    private Durations() {
    }

    /**
     * @param what the flag or variable, named in the error
     * @throws UsageException when {@code text} is not a duration, or is negative
     */
    public static Duration parse(String text, String what) {
        String v = text.strip().toLowerCase(Locale.ROOT);
        Matcher m = SHORT.matcher(v);
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            return switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                default -> Duration.ofHours(n);
            };
        }
        try {
            Duration d = Duration.parse(text.strip());
            if (d.isNegative()) {
                throw new UsageException(what + " must not be negative, got '" + text + "'");
            }
            return d;
        } catch (DateTimeParseException e) {
            throw new UsageException(what + " must be a duration like 500ms, 10s, 5m, 1h or PT10S, got '" + text + "'", e);
        }
    }
}
