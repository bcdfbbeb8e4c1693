package dev.starfall.gateway;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

import io.netty.buffer.Unpooled;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.internal.buffer.BufferInternal;

/**
 * An encoded HTTP answer, ready to send many times: the hot path writes cached bytes and never
 * encodes again. The ETag is derived from the bytes. An answer of {@link #GZIP_FROM_BYTES} or more
 * also has a gzip form for clients that accept it, compressed once, the first time one asks, and
 * kept beside the bytes: a server compressing on the fly would compress it again for every request.
 */
public final class Answer {

    private final int status;
    private final Buffer body;
    private final String servedBy;
    private final boolean stale;
    private final String cacheControl;
    private final String retryAfter;
    private final String etag;
    private final Object value;
    private final boolean compressible;
    /** The gzip form once made; {@link #NO_GZIP} when it would not be smaller. */
    private volatile Buffer gzip;
    /** Header values as sent, encoded once for every time the answer is sent (see {@link #header(String)}). */
    private final CharSequence cacheControlHeader;
    private final CharSequence etagHeader;
    private volatile CharSequence gzipEtagHeader;

    private static final Buffer NO_GZIP = Buffer.buffer();

    /**
     * @param status       HTTP status
     * @param body         encoded JSON
     * @param servedBy     {@code host:port} of the instance whose stores produced it
     * @param stale        produced by a standby copy that may lag the active one
     * @param cacheControl Cache-Control value, or null for none
     * @param retryAfter   Retry-After seconds for 429/503, or null
     * @param etag         strong entity tag of {@code body}, or null when not cacheable
     * @param value        what {@code body} encodes, kept beside it when the answer is a part of others
     *                     (a cave is combined from parts without decoding them again); null otherwise
     */
    public Answer(int status, Buffer body, String servedBy, boolean stale, String cacheControl, String retryAfter, String etag,
                  Object value) {
        this(status, body, servedBy, stale, cacheControl, retryAfter, etag, value, true);
    }

    private Answer(int status, Buffer body, String servedBy, boolean stale, String cacheControl, String retryAfter, String etag,
                   Object value, boolean compressible) {
        this.status = status;
        this.body = body;
        this.servedBy = servedBy;
        this.stale = stale;
        this.cacheControl = cacheControl;
        this.retryAfter = retryAfter;
        this.etag = etag;
        this.value = value;
        this.compressible = compressible;
        this.cacheControlHeader = header(cacheControl);
        this.etagHeader = etag == null ? null : HttpHeaders.createOptimized(etag);
    }

    /** The common Cache-Control values, encoded once for all answers (named by class: they are declared below). */
    private static final java.util.Map<String, CharSequence> COMMON_HEADERS = java.util.Map.of(
            Answer.SHORT, HttpHeaders.createOptimized(Answer.SHORT),
            Answer.IMMUTABLE, HttpHeaders.createOptimized(Answer.IMMUTABLE),
            Answer.NO_STORE, HttpHeaders.createOptimized(Answer.NO_STORE));

    /**
     * A header value as the server sends it: an ASCII string, whose bytes are copied into the
     * response as they are, instead of a {@code String} checked and encoded character by character
     * each time an answer is sent (tens of thousands of times a second for a hot answer).
     */
    static CharSequence header(String value) {
        if (value == null) {
            return null;
        }
        CharSequence common = COMMON_HEADERS.get(value);
        return common != null ? common : HttpHeaders.createOptimized(value);
    }

    public int status() {
        return status;
    }

    public Buffer body() {
        return body;
    }

    public String servedBy() {
        return servedBy;
    }

    public boolean stale() {
        return stale;
    }

    public String cacheControl() {
        return cacheControl;
    }

    /** {@link #cacheControl()} as sent, or null. */
    CharSequence cacheControlHeader() {
        return cacheControlHeader;
    }

    public String retryAfter() {
        return retryAfter;
    }

    public String etag() {
        return etag;
    }

    /** {@link #etag()} as sent, or null. */
    CharSequence etagHeader() {
        return etagHeader;
    }

    /** What the body encodes, when the answer kept it; null otherwise (see {@link #value(Class)}). */
    public Object value() {
        return value;
    }

    /** Short freshness for answers that change while a shower is open. */
    public static final String SHORT = "public, max-age=1";
    /** A closed shower's answers never change. */
    public static final String IMMUTABLE = "public, max-age=31536000, immutable";
    /** Errors: never kept by a cache. */
    static final String NO_STORE = "no-store";

    public static Answer ok(byte[] json, String servedBy, boolean stale, String cacheControl) {
        return new Answer(200, direct(json), servedBy, stale, cacheControl, null, etagOf(json), null);
    }

    /** A 200 answer encoding {@code value}, which it keeps beside the bytes (see {@link #value(Class)}). */
    public static Answer part(Object value, String servedBy, String cacheControl) {
        return ok(Json.encode(value), servedBy, false, cacheControl).withValue(value);
    }

    /** This answer keeping {@code v} beside its bytes: what they encode, or the part of it that others need. */
    public Answer withValue(Object v) {
        return new Answer(status, body, servedBy, stale, cacheControl, retryAfter, etag, v, compressible);
    }

    /** The value this answer encodes when it kept it and it is a {@code type}; empty for answers from a peer. */
    public <T> java.util.Optional<T> value(Class<T> type) {
        return type.isInstance(value) ? java.util.Optional.of(type.cast(value)) : java.util.Optional.empty();
    }

    /** Bodies from this size up are kept in direct memory; smaller ones are copied next to the headers anyway. */
    static final int DIRECT_FROM_BYTES = 1024;

    /**
     * A large body in a direct buffer, made once per answer: a heap buffer would be copied into a
     * direct one by the socket write every time the answer is sent (a 15 kB leaderboard, tens of
     * thousands of times a second). Freed by the JDK's cleaner once the answer is dropped.
     */
    static Buffer direct(byte[] bytes) {
        if (bytes.length < DIRECT_FROM_BYTES) {
            return Buffer.buffer(bytes);
        }
        ByteBuffer nio = ByteBuffer.allocateDirect(bytes.length).put(bytes).flip();
        return BufferInternal.buffer(Unpooled.unreleasableBuffer(Unpooled.wrappedBuffer(nio)));
    }

    public static Answer error(int status, String code, String message, String servedBy) {
        return new Answer(status, Buffer.buffer(Json.encode(new ApiError(code, message))), servedBy, false, NO_STORE,
                status == 429 || status == 503 || status == 502 ? "1" : null, null, null);
    }

    public boolean cacheable() {
        return status == 200 || status == 404;
    }

    public Answer withCacheControl(String control) {
        return new Answer(status, body, servedBy, stale, control, retryAfter, etag, value, compressible);
    }

    /** This answer never sent in gzip form: its body goes out as it is, whatever the client accepts. */
    public Answer identityOnly() {
        return new Answer(status, body, servedBy, stale, cacheControl, retryAfter, etag, value, false);
    }

    /** Bodies from this size up have a gzip form; under it, gzip saves a few dozen bytes at best. */
    static final int GZIP_FROM_BYTES = 512;

    /**
     * Whether this answer's representation depends on the request's {@code Accept-Encoding}: a 200
     * with a body of {@link #GZIP_FROM_BYTES} or more, unless {@link #identityOnly()}. Such an answer
     * is sent with {@code Vary: Accept-Encoding} in either form, so that shared caches keep the two
     * apart.
     */
    public boolean variesByEncoding() {
        return compressible && status == 200 && body.length() >= GZIP_FROM_BYTES;
    }

    /**
     * The body in gzip form, compressed on the first call and kept; null when this answer does not
     * vary by encoding or its gzip form would not be smaller. Two threads asking at once may both
     * compress; either result is the same bytes.
     */
    public Buffer gzipBody() {
        if (!variesByEncoding()) {
            return null;
        }
        Buffer g = gzip;
        if (g == null) {
            byte[] plain = body.getBytes();
            byte[] compressed = Gzip.encode(plain);
            g = compressed.length < plain.length ? direct(compressed) : NO_GZIP;
            gzip = g;
        }
        return g == NO_GZIP ? null : g;
    }

    /**
     * The entity tag of the gzip form: a strong tag names one representation, so it differs from
     * the identity form's (the same tag with {@code -gzip} before its closing quote).
     */
    public String gzipEtag() {
        return etag == null ? null : etag.substring(0, etag.length() - 1) + "-gzip\"";
    }

    /** {@link #gzipEtag()} as sent, made on first use and kept; null without an entity tag. */
    CharSequence gzipEtagHeader() {
        CharSequence h = gzipEtagHeader;
        if (h == null && etag != null) {
            h = HttpHeaders.createOptimized(gzipEtag());
            gzipEtagHeader = h;
        }
        return h;
    }

    static String etagOf(byte[] body) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(body);
            return '"' + Base64.getUrlEncoder().withoutPadding().encodeToString(java.util.Arrays.copyOf(digest, 15)) + '"';
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from this JVM", e);
        }
    }

    /**
     * True when an If-None-Match header value matches this answer's ETag, in either form: the
     * comparison is weak (RFC 9110, section 13.1.2), and the two forms hold the same content.
     */
    public boolean matches(String ifNoneMatch) {
        if (etag == null || ifNoneMatch == null) {
            return false;
        }
        for (String candidate : ifNoneMatch.split(",")) {
            String c = candidate.trim();
            if (c.startsWith("W/")) {
                c = c.substring(2);
            }
            if (c.equals("*") || c.equals(etag) || (c.length() == etag.length() + 5 && c.equals(gzipEtag()))) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return "Answer[" + status + ", " + body.length() + " bytes, " + servedBy + "]: "
                + new String(body.getBytes(0, Math.min(body.length(), 200)), StandardCharsets.UTF_8);
    }
}
