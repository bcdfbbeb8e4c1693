package dev.starfall.cli.ops;

import java.io.PrintStream;
import java.util.List;
import java.util.Map;

/**
 * An operator subcommand of {@code starfall} ({@code reset}, {@code replay}). Same contract as the
 * dispatcher's own commands: {@code run} returns the exit code (0 done, 1 refused or failed, 2 bad
 * usage); it prints usage errors itself, other exceptions are reported by the dispatcher.
 */
public interface OpsCommand {

    int OK = 0;
    int FAILED = 1;
    int USAGE = 2;

    String name();

    /** One line for {@code starfall --help}. */
    String summary();

    /** The full text of {@code starfall <name> --help}; starts with {@code usage: starfall <name>}. */
    String usage();

    int run(List<String> args, Map<String, String> env, PrintStream out, PrintStream err) throws Exception;
}
