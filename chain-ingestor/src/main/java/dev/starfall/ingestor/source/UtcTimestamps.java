package dev.starfall.ingestor.source;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;

/**
 * {@link Instant#parse} for the block times of chain APIs, with a fast path for the one shape they
 * use: {@code yyyy-MM-ddTHH:mm:ss[.f...]Z} (1 to 9 fraction digits). Any other text, and any value
 * out of range (a leap second, 24:00, the 30th of February), goes to {@link Instant#parse}, so the
 * result and the exception are always the ones it gives. {@link Instant#parse} took a fifth of the
 * ingestor thread's CPU in a backfill (ops/bench/REPORT.md, row 28).
 */
public final class UtcTimestamps {

    private UtcTimestamps() {
    }

    /** As {@link Instant#parse}. */
    public static Instant parse(String text) {
        Instant fast = fast(text);
        return fast != null ? fast : Instant.parse(text);
    }

    /** The instant of text of the usual shape with every field in range, else null. */
    private static Instant fast(String s) {
        int n = s.length();
        if (n < 20 || s.charAt(n - 1) != 'Z' || s.charAt(4) != '-' || s.charAt(7) != '-' || s.charAt(10) != 'T'
                || s.charAt(13) != ':' || s.charAt(16) != ':') {
            return null;
        }
        int year = digits(s, 0, 4);
        int month = digits(s, 5, 7);
        int day = digits(s, 8, 10);
        int hour = digits(s, 11, 13);
        int minute = digits(s, 14, 16);
        int second = digits(s, 17, 19);
        int nanos = 0;
        if (n > 20) {
            int fraction = n - 21;
            if (s.charAt(19) != '.' || fraction < 1 || fraction > 9) {
                return null;
            }
            nanos = digits(s, 20, n - 1);
            if (nanos < 0) {
                return null;
            }
            for (int i = fraction; i < 9; i++) {
                nanos *= 10;
            }
        }
        if (year < 0 || month < 0 || day < 0 || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) {
            return null;
        }
        long epochDay;
        try {
            epochDay = LocalDate.of(year, month, day).toEpochDay();
        } catch (DateTimeException e) {
            return null;
        }
        return Instant.ofEpochSecond(epochDay * 86_400 + hour * 3_600L + minute * 60L + second, nanos);
    }

    /** The decimal number of {@code s[from, to)}, or -1 when a character is not an ASCII digit. */
    private static int digits(String s, int from, int to) {
        int v = 0;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }
}
