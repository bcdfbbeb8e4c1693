package dev.starfall.ingestor.source;

import java.time.Duration;
import java.util.Optional;

/**
 * A chain API call that failed. {@link #retriable()} says whether the same call may succeed later
 * (rate limit, server error, I/O, timeout, a page that did not connect) or never will (bad request,
 * unparseable answer). Built by {@link Failures}, which is the one place that decides.
 */
public class SourceException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String source;
    private final boolean retriable;
    private final int httpStatus;
    private final String errorType;
    private final transient Duration retryAfter;

    public SourceException(String source, String message, boolean retriable, int httpStatus, String errorType,
                           Duration retryAfter, Throwable cause) {
        super(source + ": " + message, cause);
        this.source = source;
        this.retriable = retriable;
        this.httpStatus = httpStatus;
        this.errorType = errorType;
        this.retryAfter = retryAfter;
    }

    /** Endpoint (base URL or name) that failed. */
    public String source() {
        return source;
    }

    public boolean retriable() {
        return retriable;
    }

    /** HTTP status of the answer, 0 when there was none (I/O error, timeout, bad body). */
    public int httpStatus() {
        return httpStatus;
    }

    /** Error type named by the API's error body (FCD: {@code INVALID_REQUEST_ERROR}, {@code API_ERROR}...), or null. */
    public String errorType() {
        return errorType;
    }

    /** The server's {@code Retry-After}, when it sent one. */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }
}
