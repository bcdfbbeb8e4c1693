package dev.starfall.gateway;

import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * The gzip content coding (RFC 1952), for answers compressed once and sent many times and for live
 * events compressed once for all of a feed's clients, and the reading of a request's
 * {@code Accept-Encoding} (RFC 9110, section 12.5.3) that decides who gets it.
 */
final class Gzip {

    /** The request header that names the codings a client accepts; also the value of the {@code Vary} sent with either form. */
    static final CharSequence ACCEPT_ENCODING = io.vertx.core.http.HttpHeaders.createOptimized("Accept-Encoding");
    /** {@code Content-Encoding} of what is sent compressed here. */
    static final CharSequence GZIP = io.vertx.core.http.HttpHeaders.createOptimized("gzip");
    /**
     * {@code Content-Encoding} that keeps the server's on-the-fly compressor off a response sent
     * uncompressed on purpose (Vert.x drops the header before sending).
     */
    static final CharSequence IDENTITY = io.vertx.core.http.HttpHeaders.createOptimized("identity");

    /** Compression level: what a server's on-the-fly default would use; an answer is compressed once. */
    static final int LEVEL = 6;

    private static final byte[] HEADER = {0x1f, (byte) 0x8b, Deflater.DEFLATED, 0, 0, 0, 0, 0, 0, (byte) 0xff};
    /** One deflater per thread, reset for each body: a new one allocates and frees zlib's state every time. */
    private static final ThreadLocal<Deflater> DEFLATER = ThreadLocal.withInitial(() -> new Deflater(LEVEL, true));

    private Gzip() {
    }

    /** {@code body} as one gzip member: header, deflated data, CRC-32 and length. */
    static byte[] encode(byte[] body) {
        Deflater deflater = DEFLATER.get();
        deflater.reset();
        deflater.setInput(body);
        deflater.finish();
        byte[] out = new byte[HEADER.length + body.length / 2 + 64];
        System.arraycopy(HEADER, 0, out, 0, HEADER.length);
        int length = HEADER.length;
        while (!deflater.finished()) {
            if (length == out.length) {
                out = java.util.Arrays.copyOf(out, out.length * 2);
            }
            length += deflater.deflate(out, length, out.length - length);
        }
        CRC32 crc = new CRC32();
        crc.update(body);
        out = java.util.Arrays.copyOf(out, length + 8);
        putIntLittleEndian(out, length, (int) crc.getValue());
        putIntLittleEndian(out, length + 4, body.length); // ISIZE: the length modulo 2^32
        return out;
    }

    /** The first bytes of each gzip stream of {@link #flushedPiece} pieces (no name, no time, OS unknown). */
    static byte[] streamHeader() {
        return HEADER.clone();
    }

    /** The most a piece's dictionary can reach back: deflate's window. */
    private static final int WINDOW = 32 * 1024;

    /**
     * {@code piece} as raw deflate data from a fresh state, ended by a sync flush: it refers to no
     * byte before it and ends on a byte boundary, so the same bytes can follow anything already
     * sent after {@link #streamHeader()} in any client's stream, and a client can read the piece
     * as soon as it arrives.
     */
    static byte[] flushedPiece(byte[] piece) {
        return flushedPiece(piece, null);
    }

    /**
     * As {@link #flushedPiece(byte[])}, but the piece may refer back into {@code dictionary} (its
     * last {@link #WINDOW} bytes): it decodes right only in a stream whose output so far ends with
     * those bytes. A live feed's next event is mostly its last one, so a piece made with what every
     * client was last sent is a fraction of one made from nothing; it is made once and sent to
     * every client whose stream ends the same way.
     */
    static byte[] flushedPiece(byte[] piece, byte[] dictionary) {
        Deflater deflater = DEFLATER.get();
        deflater.reset();
        if (dictionary != null && dictionary.length > 0) {
            int from = Math.max(0, dictionary.length - WINDOW);
            deflater.setDictionary(dictionary, from, dictionary.length - from);
        }
        deflater.setInput(piece);
        byte[] out = new byte[piece.length / 2 + 64];
        int length = 0;
        while (true) {
            if (length == out.length) {
                out = java.util.Arrays.copyOf(out, out.length * 2);
            }
            int room = out.length - length;
            int n = deflater.deflate(out, length, room, Deflater.SYNC_FLUSH);
            length += n;
            if (n < room) { // all of it flushed (a full output buffer means more may be pending)
                return java.util.Arrays.copyOf(out, length);
            }
        }
    }

    private static void putIntLittleEndian(byte[] out, int at, int v) {
        out[at] = (byte) v;
        out[at + 1] = (byte) (v >>> 8);
        out[at + 2] = (byte) (v >>> 16);
        out[at + 3] = (byte) (v >>> 24);
    }

    /**
     * The last {@code Accept-Encoding} read and what it said: a browser, or a client library, sends
     * the same value with every request, so comparing it with the last one (a few characters) saves
     * reading it again. Replaced as a whole, so a thread sees one pair or the other, both complete.
     */
    private record Read(String acceptEncoding, boolean accepted) {
    }

    private static volatile Read last = new Read("", false);

    /** {@link #accepted(String)}, answered from the last value read when the request sends the same. */
    static boolean acceptedCached(String acceptEncoding) {
        if (acceptEncoding == null) {
            return false;
        }
        Read r = last;
        if (r.acceptEncoding().equals(acceptEncoding)) {
            return r.accepted();
        }
        boolean accepted = accepted(acceptEncoding);
        last = new Read(acceptEncoding, accepted);
        return accepted;
    }

    /**
     * Whether an {@code Accept-Encoding} value accepts gzip: listed as {@code gzip} or
     * {@code x-gzip} with a weight above 0, or not listed and {@code *} has a weight above 0. No
     * header, or an empty one, accepts only the identity. Reads the value in place (every request
     * asks).
     */
    static boolean accepted(String acceptEncoding) {
        if (acceptEncoding == null) {
            return false;
        }
        int gzip = -1; // -1 not listed, 0 refused (q=0), 1 accepted
        int any = -1;
        int n = acceptEncoding.length();
        int from = 0;
        while (from < n) {
            int end = acceptEncoding.indexOf(',', from);
            if (end < 0) {
                end = n;
            }
            int params = acceptEncoding.indexOf(';', from);
            if (params < 0 || params > end) {
                params = end;
            }
            int start = from;
            int stop = params;
            while (start < stop && acceptEncoding.charAt(start) <= ' ') {
                start++;
            }
            while (stop > start && acceptEncoding.charAt(stop - 1) <= ' ') {
                stop--;
            }
            int weight = weightAboveZero(acceptEncoding, params, end) ? 1 : 0;
            if (is(acceptEncoding, start, stop, "gzip") || is(acceptEncoding, start, stop, "x-gzip")) {
                gzip = Math.max(gzip, weight);
            } else if (is(acceptEncoding, start, stop, "*")) {
                any = Math.max(any, weight);
            }
            from = end + 1;
        }
        return gzip == 1 || (gzip == -1 && any == 1);
    }

    private static boolean is(String s, int start, int stop, String token) {
        return stop - start == token.length() && s.regionMatches(true, start, token, 0, token.length());
    }

    /**
     * The parameters between {@code from} (a ';' or the element's end) and {@code end}: no
     * {@code q}, or a {@code q} whose value has a non-zero digit (weights are 0 to 1 with up to three
     * decimals, so "0", "0.0" and "0.000" are the only zeros).
     */
    private static boolean weightAboveZero(String s, int from, int end) {
        int i = from;
        while (i < end) {
            int next = s.indexOf(';', i + 1);
            if (next < 0 || next > end) {
                next = end;
            }
            int p = i + 1;
            while (p < next && s.charAt(p) <= ' ') {
                p++;
            }
            if (p + 1 < next && (s.charAt(p) == 'q' || s.charAt(p) == 'Q') && s.charAt(p + 1) == '=') {
                for (int d = p + 2; d < next; d++) {
                    char c = s.charAt(d);
                    if (c >= '1' && c <= '9') {
                        return true;
                    }
                }
                return false;
            }
            i = next;
        }
        return true;
    }
}
