package dev.starfall.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

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

    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /**
     * A free port whose next port is free too: an embedded broker on a fixed port puts its KRaft
     * controller on the next one, and a controller that cannot bind ends the JVM.
     */
    public static int freePortPair() throws IOException {
        for (int attempt = 0; attempt < 100; attempt++) {
            try (ServerSocket first = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
                int port = first.getLocalPort();
                if (port < 65_535) {
                    try {
                        new ServerSocket(port + 1, 50, InetAddress.getLoopbackAddress()).close();
                        return port;
                    } catch (IOException taken) {
                        // try another pair
                    }
                }
            }
        }
        throw new IOException("no two free consecutive ports found");
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
