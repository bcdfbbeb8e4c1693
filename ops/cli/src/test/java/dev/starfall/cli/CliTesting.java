package dev.starfall.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.starfall.embedded.LoopbackPorts;

/** Test helpers: a command or the dispatcher run in-process with captured output, environments, free ports. */
public final class CliTesting {

    private CliTesting() {
    }

    /** What a run printed and returned. */
    public record Result(int code, String out, String err) {
    }

    /** {@code starfall args...} through the dispatcher, with {@code env} as the environment. */
    public static Result starfall(Map<String, String> env, String... args) {
        return capture((out, err) -> Starfall.run(List.of(args), env, out, err));
    }

    /** One command run directly (usage errors are thrown, not printed). */
    public static Result run(Command command, String... args) throws Exception {
        return capture((out, err) -> command.run(List.of(args), Map.of(), out, err));
    }

    /** {@code base} with the {@code name, value} pairs added or replaced. */
    public static Map<String, String> with(Map<String, String> base, String... pairs) {
        Map<String, String> out = new HashMap<>(base);
        for (int i = 0; i < pairs.length; i += 2) {
            out.put(pairs[i], pairs[i + 1]);
        }
        return out;
    }

    /** A free loopback port from below the ephemeral range ({@link LoopbackPorts}). */
    public static int freePort() {
        return LoopbackPorts.free();
    }

    /**
     * A free port whose next port is free too: an embedded broker on a fixed port puts its KRaft
     * controller on the next one, and a controller that cannot bind ends the JVM.
     */
    public static int freePortPair() {
        return LoopbackPorts.freeRange(2);
    }

    private interface Run<E extends Exception> {
        int run(PrintStream out, PrintStream err) throws E;
    }

    private static <E extends Exception> Result capture(Run<E> run) throws E {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8); PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            code = run.run(o, e);
        }
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
