package dev.starfall.cli;

import java.io.PrintStream;
import java.util.List;
import java.util.Map;

/** One subcommand of {@code starfall}. */
interface Command {

    String name();

    /** One line for {@code starfall --help}. */
    String summary();

    /** The full text of {@code starfall <name> --help}. */
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
