package dev.starfall.cli;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import dev.starfall.cli.ops.AwaitReadyCommand;
import dev.starfall.cli.ops.ReplayCommand;
import dev.starfall.cli.ops.ResetCommand;
import dev.starfall.schemas.manifest.ManifestException;
import dev.starfall.schemas.manifest.signing.ManifestKeys;
import dev.starfall.schemas.manifest.signing.SignatureRefusedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code starfall} command: a dispatcher over one class per subcommand. Exit codes: 0 done,
 * 1 refused or failed (the reason is printed), 2 bad usage.
 */
public final class Starfall {

    private static final Logger log = LoggerFactory.getLogger(Starfall.class);

    private static final Map<String, Command> COMMANDS = new LinkedHashMap<>();

    static {
        for (Command c : List.of(new RunCommand(), new ServeCommand(), new IngestCommand(), new KeygenCommand(), new SignCommand(),
                new VerifyCommand(), NoticeCommand.halt(), NoticeCommand.resume(), new ResetCommand(), new ReplayCommand(),
                new AwaitReadyCommand())) {
            COMMANDS.put(c.name(), c);
        }
    }

    private Starfall() {
    }

    /** The JDK HTTP client's buffer size property; see {@link #defaultHttpClientBuffer}. */
    static final String HTTP_CLIENT_BUFSIZE = "jdk.httpclient.bufsize";
    static final String HTTP_CLIENT_BUFFER_BYTES = Integer.toString(256 * 1024);

    public static void main(String[] args) {
        defaultHttpClientBuffer(System.getProperties());
        System.exit(run(Arrays.asList(args), System.getenv(), System.out, System.err));
    }

    /**
     * Sets the JDK HTTP client's buffer size ({@code jdk.httpclient.bufsize}, 16 KiB by default) to
     * 256 KiB unless the command line gave one. The client reads a response in buffers of that
     * size and hands each to another of its threads, so a 300 kB FCD page took about twenty reads
     * and hand-offs; with 256 KiB the client's threads used about half the CPU for such a body
     * (ops/bench/REPORT.md, row 41). The JDK reads the property once, when its HTTP client first
     * loads, so it is set here, before any command builds a client (the registry's, the
     * ingestor's).
     */
    static void defaultHttpClientBuffer(Properties properties) {
        properties.putIfAbsent(HTTP_CLIENT_BUFSIZE, HTTP_CLIENT_BUFFER_BYTES);
    }

    static int run(List<String> args, PrintStream out, PrintStream err) {
        return run(args, System.getenv(), out, err);
    }

    static int run(List<String> args, Map<String, String> env, PrintStream out, PrintStream err) {
        if (args.isEmpty() || args.get(0).equals(Args.HELP) || args.get(0).equals("help")) {
            out.print(usage());
            return args.isEmpty() ? Command.USAGE : Command.OK;
        }
        Command command = COMMANDS.get(args.get(0));
        if (command == null) {
            err.println("unknown command '" + args.get(0) + "'; try: starfall --help");
            return Command.USAGE;
        }
        List<String> rest = args.subList(1, args.size());
        try {
            return command.run(rest, env, out, err);
        } catch (UsageException e) {
            String which = e.command().orElse(command.name());
            err.println("starfall " + which + ": " + e.getMessage());
            err.println("see: starfall " + which + " --help");
            return Command.USAGE;
        } catch (SignatureRefusedException e) {
            err.println("starfall " + command.name() + ": refused (" + e.reason() + "): " + e.getMessage());
            return Command.FAILED;
        } catch (ManifestException | ManifestKeys.KeyFileException e) {
            err.println("starfall " + command.name() + ": " + e.getMessage());
            return Command.FAILED;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("starfall " + command.name() + ": interrupted");
            return Command.FAILED;
        } catch (Exception e) {
            log.error("starfall {} failed", command.name(), e);
            err.println("starfall " + command.name() + ": " + e.getMessage());
            return Command.FAILED;
        }
    }

    static String usage() {
        StringBuilder b = new StringBuilder("usage: starfall <command> [options]   (starfall <command> --help for its options)\n\ncommands:\n");
        COMMANDS.values().forEach(c -> b.append(String.format("  %-12s %s%n", c.name(), c.summary())));
        return b.toString();
    }

    static Map<String, Command> commands() {
        return COMMANDS;
    }
}
