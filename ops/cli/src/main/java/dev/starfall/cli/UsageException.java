package dev.starfall.cli;

import java.util.Optional;

/**
 * Bad command line or settings: the dispatcher prints the message and a pointer to the command's
 * help, and exits with 2. A command with subcommands names the one at fault with {@link #in}.
 */
public final class UsageException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final String command;

    public UsageException(String message) {
        this(message, null, null);
    }

    public UsageException(String message, Throwable cause) {
        this(message, cause, null);
    }

    private UsageException(String message, Throwable cause, String command) {
        super(message, cause);
        this.command = command;
    }

    /** The same error, attributed to {@code command} (e.g. {@code replay export}) in the message and the help pointer. */
    public UsageException in(String command) {
        return new UsageException(getMessage(), getCause(), command);
    }

    /** The command (with its subcommand) whose help to point to; empty for the dispatcher's own choice. */
    public Optional<String> command() {
        return Optional.ofNullable(command);
    }
}
