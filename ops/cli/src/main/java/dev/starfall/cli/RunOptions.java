package dev.starfall.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

import dev.starfall.gateway.NetTransport;

/**
 * Options of {@code starfall run}. Every option is typed, defaulted and validated here, and listed
 * in {@link #usage()}.
 *
 * @param dataDir         where the broker's log, the stores and nothing else are kept
 * @param manifest        manifest file; empty for the shipped default (Levana Dragons)
 * @param kafkaPort       broker port (the controller uses kafkaPort + 1)
 * @param registryPort    schema registry port
 * @param httpPort        gateway port
 * @param simulatorPort   chain simulator port (0 = any free port)
 * @param seed            simulator seed: the same seed gives the same chain
 * @param wallets         simulated wallets
 * @param transactions    simulated transactions
 * @param publicKey       when present, the manifest must verify against this Ed25519 public key or nothing starts
 * @param exitWhenCaughtUp stop by itself once every shower counts the whole simulated chain (a run that ends, e.g. the
 *                        training run of a class data sharing archive), instead of running until Ctrl-C
 * @param netTransport    the network transport of the gateway and the schema registry, see {@link NetTransport}
 */
public record RunOptions(Path dataDir, Optional<Path> manifest, int kafkaPort, int registryPort, int httpPort,
                         int simulatorPort, long seed, int wallets, int transactions, Optional<Path> publicKey,
                         boolean exitWhenCaughtUp, NetTransport netTransport) {

    /** The one option without a value. */
    static final String EXIT_WHEN_CAUGHT_UP = "--exit-when-caught-up";

    private static final Map<String, String> HELP = new LinkedHashMap<>();

    static {
        HELP.put("--data-dir", "directory for broker data and state stores (default ./.starfall)");
        HELP.put("--manifest", "event manifest file (default: the shipped Levana Dragons manifest)");
        HELP.put("--kafka-port", "broker port; the KRaft controller uses the next port (default 9092)");
        HELP.put("--registry-port", "schema registry port (default 8081)");
        HELP.put("--http-port", "gateway port (default 8080)");
        HELP.put("--simulator-port", "chain simulator port, 0 for any free port (default 0)");
        HELP.put("--seed", "chain simulator seed (default 2021)");
        HELP.put("--wallets", "simulated wallets (default 400)");
        HELP.put("--transactions", "simulated transactions (default 3000)");
        HELP.put("--public-key", "manifest signing public key; the manifest must verify or nothing starts (default: not checked)");
        HELP.put("--net-transport", "network transport of the gateway and registry: auto (the first this machine allows of\n"
                + " ".repeat(24) + "io_uring, epoll and Java NIO; the log says which), io_uring, epoll or nio (default auto)");
        HELP.put(EXIT_WHEN_CAUGHT_UP, "(no value) stop once every shower counts the whole simulated chain: exit 0, or 1 if not\n"
                + " ".repeat(24) + "within 10 minutes (a run that ends by itself, e.g. the image's class data sharing training)");
    }

    /** Without a public key: the manifest's signature is not checked. */
    public RunOptions(Path dataDir, Optional<Path> manifest, int kafkaPort, int registryPort, int httpPort,
                      int simulatorPort, long seed, int wallets, int transactions) {
        this(dataDir, manifest, kafkaPort, registryPort, httpPort, simulatorPort, seed, wallets, transactions, Optional.empty(), false,
                NetTransport.AUTO);
    }

    /** These options, stopping by themselves once caught up ({@code --exit-when-caught-up}). */
    public RunOptions exitingWhenCaughtUp() {
        return new RunOptions(dataDir, manifest, kafkaPort, registryPort, httpPort, simulatorPort, seed, wallets, transactions, publicKey,
                true, netTransport);
    }

    public static RunOptions defaults() {
        return parse(List.of());
    }

    /**
     * Parses {@code --name value} pairs; throws {@link IllegalArgumentException} naming the option,
     * also when {@code --net-transport} names a transport that cannot run on this machine.
     */
    public static RunOptions parse(List<String> args) {
        return parse(args, NetTransport::unavailability);
    }

    /** {@link #parse(List)}, given why each network transport cannot run here (empty when it can). */
    static RunOptions parse(List<String> args, Function<NetTransport, Optional<String>> unavailable) {
        Map<String, String> given = new LinkedHashMap<>();
        List<String> rest = new ArrayList<>(args);
        boolean exitWhenCaughtUp = false;
        while (!rest.isEmpty()) {
            String name = rest.remove(0);
            if (!HELP.containsKey(name)) {
                throw new IllegalArgumentException("unknown option " + name + "\n\n" + usage());
            }
            if (name.equals(EXIT_WHEN_CAUGHT_UP)) {
                exitWhenCaughtUp = true;
                continue;
            }
            if (rest.isEmpty()) {
                throw new IllegalArgumentException(name + " needs a value");
            }
            given.put(name, rest.remove(0));
        }
        return new RunOptions(
                Path.of(given.getOrDefault("--data-dir", ".starfall")),
                Optional.ofNullable(given.get("--manifest")).map(Path::of),
                port(given, "--kafka-port", 9092, false),
                port(given, "--registry-port", 8081, false),
                port(given, "--http-port", 8080, false),
                port(given, "--simulator-port", 0, true),
                longValue("--seed", given.getOrDefault("--seed", "2021")),
                positive(given, "--wallets", 400, 1_000_000),
                positive(given, "--transactions", 3000, 10_000_000),
                Optional.ofNullable(given.get("--public-key")).map(Path::of),
                exitWhenCaughtUp,
                netTransport(given.getOrDefault("--net-transport", NetTransport.AUTO.id()), unavailable));
    }

    public static String usage() {
        StringBuilder b = new StringBuilder("usage: starfall run [options]\n\n"
                + "Runs the whole pipeline on this machine: an embedded Kafka broker (KRaft), a schema registry,\n"
                + "the chain simulator, the ingestor, the projections and the HTTP gateway. Ctrl-C stops it (or,\n"
                + "with " + EXIT_WHEN_CAUGHT_UP + ", it stops by itself once caught up); state is kept in the data\n"
                + "directory and a second run resumes from it.\n\noptions:\n");
        HELP.forEach((k, v) -> b.append(String.format("  %-21s %s%n", k, v)));
        return b.toString();
    }

    private static int port(Map<String, String> given, String name, int dflt, boolean zeroAllowed) {
        String v = given.getOrDefault(name, Integer.toString(dflt));
        long p = longValue(name, v);
        if (p < (zeroAllowed ? 0 : 1) || p > 65_534) {
            throw new IllegalArgumentException(name + " must be a port in " + (zeroAllowed ? 0 : 1) + "..65534, got " + v);
        }
        return (int) p;
    }

    private static int positive(Map<String, String> given, String name, int dflt, int max) {
        String v = given.getOrDefault(name, Integer.toString(dflt));
        long n = longValue(name, v);
        if (n < 1 || n > max) {
            throw new IllegalArgumentException(name + " must be in 1.." + max + ", got " + v);
        }
        return (int) n;
    }

    private static NetTransport netTransport(String v, Function<NetTransport, Optional<String>> unavailable) {
        try {
            return NetTransport.parseRunnable(v, unavailable);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--net-transport: " + e.getMessage(), e);
        }
    }

    private static long longValue(String name, String v) {
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be an integer, got '" + v + "'", e);
        }
    }
}
