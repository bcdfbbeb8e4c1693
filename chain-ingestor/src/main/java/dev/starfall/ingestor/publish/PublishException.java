package dev.starfall.ingestor.publish;

/**
 * A Kafka transaction that could not be committed. When {@link #fatal()} the producer cannot go on
 * (fenced by a newer instance with the same transactional id, or in an unrecoverable state);
 * otherwise the transaction was aborted and the same batch may be published again later.
 */
public final class PublishException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final boolean fatal;

    public PublishException(String message, boolean fatal, Throwable cause) {
        super(message, cause);
        this.fatal = fatal;
    }

    public boolean fatal() {
        return fatal;
    }
}
