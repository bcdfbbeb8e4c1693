package dev.starfall.cli.ops;

/** Bad command line: the command prints the message and its usage hint, and exits with 2. */
final class OpsUsageException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    OpsUsageException(String message) {
        super(message);
    }

    OpsUsageException(String message, Throwable cause) {
        super(message, cause);
    }
}
