package dev.starfall.cli;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Every setting of {@code starfall serve} and {@code starfall ingest}, typed, defaulted and
 * validated in one place. Each is read from its command-line flag, else from its environment
 * variable, else its default; an empty variable counts as unset. Errors name the flag or variable.
 *
 * @param bootstrapServers      Kafka bootstrap servers
 * @param schemaRegistryUrl     Confluent-compatible schema registry
 * @param manifest              manifest file; empty for the shipped default
 * @param manifestPublicKey     when present, the manifest must verify against it or the service refuses to start
 * @param httpPort              gateway port (serve)
 * @param bindHost              address the gateway binds to (serve)
 * @param advertisedHost        host other instances and clients reach this one on (serve; {@code application.server})
 * @param stateDir              RocksDB state directory (serve)
 * @param standbyReplicas       standby copies of each store (serve)
 * @param replicationFactor     replication factor of created and internal topics
 * @param rateLimitPerSecond    gateway requests per second per client address, 0 disables (serve)
 * @param rateLimitBurst        gateway burst per client address (serve)
 * @param sourceUrl             chain API base URL (ingest, unless the simulator is on)
 * @param simulator             ingest from the built-in chain simulator (ingest)
 * @param simulatorSeed         simulator seed (ingest)
 * @param simulatorWallets      simulated wallets (ingest)
 * @param simulatorTransactions simulated transactions (ingest)
 */
public record ServiceSettings(String bootstrapServers, String schemaRegistryUrl, Optional<Path> manifest, Optional<Path> manifestPublicKey,
                              int httpPort, String bindHost, String advertisedHost, Path stateDir, int standbyReplicas,
                              short replicationFactor, long rateLimitPerSecond, long rateLimitBurst, Optional<String> sourceUrl,
                              boolean simulator, long simulatorSeed, int simulatorWallets, int simulatorTransactions) {

    /** Which service reads a setting. */
    public enum Use { SERVE, INGEST }

    /** The table of settings: variable, default, documentation, and which services read it. */
    public enum Setting {
        BOOTSTRAP_SERVERS("localhost:9092", "Kafka bootstrap servers", Use.SERVE, Use.INGEST),
        SCHEMA_REGISTRY_URL("http://localhost:8081", "schema registry URL (Confluent-compatible)", Use.SERVE, Use.INGEST),
        MANIFEST("", "event manifest file (default: the shipped Levana Dragons manifest)", Use.SERVE, Use.INGEST),
        MANIFEST_PUBLIC_KEY("", "manifest signing public key; when set, the manifest must verify or the service refuses to "
                + "start, and serve follows signed halt notices (default: not checked)", Use.SERVE, Use.INGEST),
        HTTP_PORT("8080", "gateway port", Use.SERVE),
        BIND_HOST("0.0.0.0", "address the gateway binds to", Use.SERVE),
        ADVERTISED_HOST("localhost", "host other instances reach this one on; must differ per instance", Use.SERVE),
        STATE_DIR(".starfall/state", "state store directory (kept across restarts)", Use.SERVE),
        STANDBY_REPLICAS("0", "standby copies of each store on other instances", Use.SERVE),
        REPLICATION_FACTOR("1", "replication factor of the topics created and of internal topics", Use.SERVE, Use.INGEST),
        RATE_LIMIT_PER_SECOND("200", "gateway requests per second per client address, 0 disables", Use.SERVE),
        RATE_LIMIT_BURST("400", "gateway burst per client address", Use.SERVE),
        SOURCE_URL("", "chain API base URL for the manifest's chain (required unless STARFALL_SIMULATOR=true)", Use.INGEST),
        SIMULATOR("false", "ingest from the built-in chain simulator instead of a chain API", Use.INGEST),
        SIMULATOR_SEED("2021", "simulator seed: the same seed gives the same chain", Use.INGEST),
        SIMULATOR_WALLETS("400", "simulated wallets", Use.INGEST),
        SIMULATOR_TRANSACTIONS("3000", "simulated transactions", Use.INGEST);

        private final String dflt;
        private final String doc;
        private final Set<Use> uses;

        Setting(String dflt, String doc, Use first, Use... more) {
            this.dflt = dflt;
            this.doc = doc;
            this.uses = EnumSet.of(first, more);
        }

        /** The environment variable, e.g. {@code STARFALL_HTTP_PORT}. */
        public String env() {
            return "STARFALL_" + name();
        }

        /** The flag, e.g. {@code --http-port}. */
        public String flag() {
            return "--" + name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        public String defaultValue() {
            return dflt;
        }

        public String doc() {
            return doc;
        }

        public boolean usedBy(Use use) {
            return uses.contains(use);
        }
    }

    /** Every environment variable a service reads. */
    public static final Set<String> VARIABLES = Arrays.stream(Setting.values()).map(Setting::env)
            .collect(Collectors.toUnmodifiableSet());

    /** Flags accepted by {@code use}. */
    static Set<String> flags(Use use) {
        return Arrays.stream(Setting.values()).filter(s -> s.usedBy(use)).map(Setting::flag).collect(Collectors.toUnmodifiableSet());
    }

    /** Resolves every setting: flag, else environment, else default. */
    public static ServiceSettings resolve(Use use, Map<String, String> flags, Map<String, String> env) {
        Resolver r = new Resolver(use, flags, env);
        ServiceSettings s = new ServiceSettings(
                r.text(Setting.BOOTSTRAP_SERVERS),
                r.text(Setting.SCHEMA_REGISTRY_URL),
                r.optional(Setting.MANIFEST).map(Path::of),
                r.optional(Setting.MANIFEST_PUBLIC_KEY).map(Path::of),
                (int) r.integer(Setting.HTTP_PORT, 1, 65_535),
                r.text(Setting.BIND_HOST),
                r.text(Setting.ADVERTISED_HOST),
                Path.of(r.text(Setting.STATE_DIR)),
                (int) r.integer(Setting.STANDBY_REPLICAS, 0, 10),
                (short) r.integer(Setting.REPLICATION_FACTOR, 1, 32),
                r.integer(Setting.RATE_LIMIT_PER_SECOND, 0, 10_000_000),
                r.integer(Setting.RATE_LIMIT_BURST, 1, 10_000_000),
                r.optional(Setting.SOURCE_URL),
                r.bool(Setting.SIMULATOR),
                r.integer(Setting.SIMULATOR_SEED, Long.MIN_VALUE, Long.MAX_VALUE),
                (int) r.integer(Setting.SIMULATOR_WALLETS, 1, 1_000_000),
                (int) r.integer(Setting.SIMULATOR_TRANSACTIONS, 1, 10_000_000));
        if (use == Use.INGEST && !s.simulator() && s.sourceUrl().isEmpty()) {
            throw new UsageException("set " + Setting.SOURCE_URL.env() + " (or " + Setting.SOURCE_URL.flag() + ") to the chain API, or "
                    + Setting.SIMULATOR.env() + "=true for the built-in simulator");
        }
        return s;
    }

    /** The effective value of every setting {@code use} reads and where it came from, for the start-up log. */
    public static Map<String, String> describe(Use use, Map<String, String> flags, Map<String, String> env) {
        Map<String, String> out = new LinkedHashMap<>();
        Resolver r = new Resolver(use, flags, env);
        for (Setting s : Setting.values()) {
            if (s.usedBy(use)) {
                out.put(s.env(), r.raw(s).orElse("(unset)") + " [" + r.source(s) + "]");
            }
        }
        return out;
    }

    /** The option list of {@code starfall serve|ingest --help}. */
    static String options(Use use) {
        StringBuilder b = new StringBuilder("options (flag, else environment variable, else default):\n");
        for (Setting s : Setting.values()) {
            if (s.usedBy(use)) {
                b.append(String.format("  %-26s %-32s %s%s%n", s.flag(), s.env(), s.doc(),
                        s.defaultValue().isEmpty() ? "" : " (default " + s.defaultValue() + ")"));
            }
        }
        return b.toString();
    }

    /** The {@code host:port} this instance advertises as {@code application.server}. */
    public String applicationServer() {
        return advertisedHost + ":" + httpPort;
    }

    private static final class Resolver {
        private final Use use;
        private final Map<String, String> flags;
        private final Map<String, String> env;

        Resolver(Use use, Map<String, String> flags, Map<String, String> env) {
            this.use = use;
            this.flags = flags;
            this.env = env;
        }

        Optional<String> raw(Setting s) {
            if (!s.usedBy(use)) {
                return s.defaultValue().isEmpty() ? Optional.empty() : Optional.of(s.defaultValue());
            }
            String f = flags.get(s.flag());
            if (f != null && !f.isBlank()) {
                return Optional.of(f.strip());
            }
            String e = env.get(s.env());
            if (e != null && !e.isBlank()) {
                return Optional.of(e.strip());
            }
            return s.defaultValue().isEmpty() ? Optional.empty() : Optional.of(s.defaultValue());
        }

        String source(Setting s) {
            if (s.usedBy(use) && flags.get(s.flag()) != null && !flags.get(s.flag()).isBlank()) {
                return s.flag();
            }
            if (s.usedBy(use) && env.get(s.env()) != null && !env.get(s.env()).isBlank()) {
                return "environment";
            }
            return "default";
        }

        private String name(Setting s) {
            String src = source(s);
            return src.equals("environment") ? s.env() : src.equals("default") ? s.env() + " (default)" : s.flag();
        }

        Optional<String> optional(Setting s) {
            return raw(s);
        }

        String text(Setting s) {
            return raw(s).orElseThrow(() -> new UsageException(s.env() + " (or " + s.flag() + ") is required"));
        }

        long integer(Setting s, long min, long max) {
            String v = text(s);
            long n;
            try {
                n = Long.parseLong(v);
            } catch (NumberFormatException e) {
                throw new UsageException(name(s) + " must be an integer, got '" + v + "'", e);
            }
            if (n < min || n > max) {
                throw new UsageException(name(s) + " must be in " + min + ".." + max + ", got " + v);
            }
            return n;
        }

        boolean bool(Setting s) {
            String v = text(s).toLowerCase(Locale.ROOT);
            return switch (v) {
                case "true", "yes", "1" -> true;
                case "false", "no", "0" -> false;
                default -> throw new UsageException(name(s) + " must be true or false, got '" + v + "'");
            };
        }
    }
}
