package dev.starfall.ingestor.source;

/**
 * A page that does not connect to the previous one (stale cache, a page served twice, rows not in
 * order). Retriable: the page is fetched again, never skipped. It says nothing about the
 * endpoint's health, so it does not count against its circuit breaker.
 */
public final class PageDiscontinuityException extends SourceException {

    private static final long serialVersionUID = 1L;

    public PageDiscontinuityException(String source, String message) {
        super(source, message, true, 0, null, null, null);
    }
}
