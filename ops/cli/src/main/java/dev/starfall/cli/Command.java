package dev.starfall.cli;

import java.io.PrintStream;
import java.util.List;
import java.util.Map;

/** One subcommand of {@code starfall}; {@link Starfall} dispatches to it by {@link #name()}. */
public interface Command {

    /** Exit code: done. */
    int OK = 0;
    /** Exit code: refused or failed; the reason is printed. */
    int FAILED = 1;
    /** Exit code: bad usage. */
    int USAGE = 2;

    String name();

    /** One line for {@code starfall --help}. */
    String summary();

    /** The full text of {@code starfall <name> --help}; starts with {@code usage: starfall <name>}. */
    String usage();

    /**
     * Runs the command. Throws {@link UsageException} for bad options (exit 2); other failures are
     * reported by the dispatcher (exit 1).
     *
     * @param env the process environment (a map in tests)
     * @return the exit code
     */
    int run(List<String> args, Map<String, String> env, PrintStream out, PrintStream err) throws Exception;
}
