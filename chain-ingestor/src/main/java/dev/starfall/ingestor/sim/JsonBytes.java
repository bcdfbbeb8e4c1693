package dev.starfall.ingestor.sim;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * JSON text written straight into a growing UTF-8 byte array: the simulator's pages, whose
 * rendering shares the CPU with the ingestor and projections it feeds. The caller writes the
 * structure (names, commas and brackets as {@link #raw} ASCII); strings go through
 * {@link #string}, which escapes as Jackson's default generator does: the quote and the backslash,
 * the short escapes of backspace, tab, newline, form feed and carriage return, other control
 * characters and the two halves of a character beyond the Basic Multilingual Plane (an emoji) as a
 * backslash, {@code u} and four upper-case hex digits, the rest of non-ASCII as its UTF-8 bytes.
 * Not thread-safe; one per thread.
 */
final class JsonBytes {

    private static final byte[] HEX = "0123456789ABCDEF".getBytes(StandardCharsets.US_ASCII);

    private byte[] buf;
    private int len;

    JsonBytes(int capacity) {
        buf = new byte[Math.max(16, capacity)];
    }

    /** Bytes written so far. */
    int length() {
        return len;
    }

    /** Forgets what was written, keeping the array. */
    void clear() {
        len = 0;
    }

    /** What was written, decoded. */
    String text() {
        return new String(buf, 0, len, StandardCharsets.UTF_8);
    }

    /** Writes what was written to {@code out}, without a copy. */
    void writeTo(OutputStream out) throws IOException {
        out.write(buf, 0, len);
    }

    /** Appends ASCII text as it is: the caller's JSON structure, never data. */
    JsonBytes raw(String ascii) {
        int n = ascii.length();
        ensure(n);
        for (int i = 0; i < n; i++) {
            buf[len++] = (byte) ascii.charAt(i);
        }
        return this;
    }

    JsonBytes raw(char ascii) {
        ensure(1);
        buf[len++] = (byte) ascii;
        return this;
    }

    /** Appends {@code from[start, end)} of another text as it is. */
    JsonBytes raw(JsonBytes from, int start, int end) {
        int n = end - start;
        ensure(n);
        System.arraycopy(from.buf, start, buf, len, n);
        len += n;
        return this;
    }

    /** Appends a JSON number. */
    JsonBytes number(long value) {
        return raw(Long.toString(value));
    }

    /** Appends {@code text} as a quoted JSON string. */
    JsonBytes string(String text) {
        int n = text.length();
        ensure(6 * n + 2); // the most a char takes: a six-byte escape
        buf[len++] = '"';
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
                buf[len++] = (byte) c;
            } else if (c < 0x80) {
                escape(c);
            } else if (c < 0x800) {
                buf[len++] = (byte) (0xC0 | (c >> 6));
                buf[len++] = (byte) (0x80 | (c & 0x3F));
            } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(text.charAt(i + 1))) {
                escapeUnit(c);
                escapeUnit(text.charAt(++i));
            } else if (Character.isSurrogate(c)) {
                throw new IllegalArgumentException("unpaired surrogate at index " + i + " of a simulated string");
            } else {
                buf[len++] = (byte) (0xE0 | (c >> 12));
                buf[len++] = (byte) (0x80 | ((c >> 6) & 0x3F));
                buf[len++] = (byte) (0x80 | (c & 0x3F));
            }
        }
        buf[len++] = '"';
        return this;
    }

    /**
     * Appends {@code from[start, end)}, UTF-8 JSON text written by this class, as a quoted JSON
     * string of that text (the way FCD repeats a transaction's logs in its {@code raw_log}).
     */
    JsonBytes stringOf(JsonBytes from, int start, int end) {
        ensure(6 * (end - start) + 2); // at most six bytes a byte (four bytes of UTF-8 become twelve)
        buf[len++] = '"';
        byte[] src = from.buf;
        for (int i = start; i < end; i++) {
            byte b = src[i];
            if (b == '"' || b == '\\' || (b >= 0 && b < 0x20)) {
                escape((char) b);
            } else if ((b & 0xF8) == 0xF0 && i + 3 < end) {
                // four bytes, a character beyond the BMP: as string() writes it, two escaped surrogates
                int cp = (b & 0x07) << 18 | (src[i + 1] & 0x3F) << 12 | (src[i + 2] & 0x3F) << 6 | (src[i + 3] & 0x3F);
                escapeUnit(Character.highSurrogate(cp));
                escapeUnit(Character.lowSurrogate(cp));
                i += 3;
            } else {
                buf[len++] = b;
            }
        }
        buf[len++] = '"';
        return this;
    }

    /** Writes the escape of an ASCII {@code c}: up to six bytes, which the caller made room for. */
    private void escape(char c) {
        buf[len++] = '\\';
        switch (c) {
            case '"' -> buf[len++] = '"';
            case '\\' -> buf[len++] = '\\';
            case '\b' -> buf[len++] = 'b';
            case '\t' -> buf[len++] = 't';
            case '\n' -> buf[len++] = 'n';
            case '\f' -> buf[len++] = 'f';
            case '\r' -> buf[len++] = 'r';
            default -> unit(c);
        }
    }

    /** Writes a UTF-16 unit as a backslash, {@code u} and four upper-case hex digits (six bytes, made room for). */
    private void escapeUnit(char c) {
        buf[len++] = '\\';
        unit(c);
    }

    private void unit(char c) {
        buf[len++] = 'u';
        buf[len++] = HEX[c >> 12];
        buf[len++] = HEX[(c >> 8) & 0xF];
        buf[len++] = HEX[(c >> 4) & 0xF];
        buf[len++] = HEX[c & 0xF];
    }

    private void ensure(int more) {
        if (len + more > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + more));
        }
    }
}
