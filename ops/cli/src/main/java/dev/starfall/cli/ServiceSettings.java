package dev.starfall.cli;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import dev.starfall.gateway.NetTransport;
import dev.starfall.ingestor.IngestorConfig;
import dev.starfall.ingestor.source.SourceSettings;
import dev.starfall.ingestor.source.Sources;
import dev.starfall.ingestor.source.http.EndpointPool;
import dev.starfall.ingestor.source.lcd.LcdQuery;
import dev.starfall.projections.ProjectionsService;
import dev.starfall.schemas.manifest.Manifest;
import org.apache.kafka.streams.StreamsConfig;

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
 * @param bindHost              address the gateway (serve) or the admin listener (ingest) binds to
 * @param advertisedHost        host other instances and clients reach this one on (serve; {@code application.server})
 * @param stateDir              RocksDB state directory (serve)
 * @param applicationId         Kafka Streams application id (serve); empty for the manifest's default, see {@link #applicationIdFor}
 * @param standbyReplicas       standby copies of each store (serve)
 * @param replicationFactor     replication factor of created and internal topics
 * @param rateLimitPerSecond    gateway requests per second per client address, 0 disables (serve)
 * @param rateLimitBurst        gateway burst per client address (serve)
 * @param netTransport          the gateway's network transport (serve), see {@link NetTransport}
 * @param source                the chain API and how it is called (ingest, unless the simulator is on)
 * @param adminPort             port of the ingestor's admin listener (metrics, endpoint weights); 0 = off (ingest)
 * @param simulator             ingest from the built-in chain simulator (ingest)
 * @param simulatorSeed         simulator seed (ingest)
 * @param simulatorWallets      simulated wallets (ingest)
 * @param simulatorTransactions simulated transactions (ingest)
 * @param ingestPollInterval    how often a caught-up ingestor looks for newer transactions (ingest)
 * @param ingestTransactionEvents most events in one Kafka transaction of the ingestor (ingest)
 * @param streamsProperties     Kafka Streams and client settings from an operator's properties file, applied over starfall's own (serve)
 */
public record ServiceSettings(String bootstrapServers, String schemaRegistryUrl, Optional<Path> manifest, Optional<Path> manifestPublicKey,
                              int httpPort, String bindHost, String advertisedHost, Path stateDir, Optional<String> applicationId,
                              int standbyReplicas, short replicationFactor, long rateLimitPerSecond, long rateLimitBurst,
                              NetTransport netTransport, Source source,
                              int adminPort, boolean simulator, long simulatorSeed, int simulatorWallets, int simulatorTransactions,
                              Duration ingestPollInterval, int ingestTransactionEvents, Map<String, String> streamsProperties) {

    public ServiceSettings {
        streamsProperties = Collections.unmodifiableSortedMap(new TreeMap<>(streamsProperties));
    }

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
        BIND_HOST("0.0.0.0", "address the gateway (serve) or the admin listener (ingest) binds to", Use.SERVE, Use.INGEST),
        ADVERTISED_HOST("localhost", "host other instances reach this one on; must differ per instance", Use.SERVE),
        STATE_DIR(".starfall/state", "state store directory (kept across restarts)", Use.SERVE),
        APPLICATION_ID("", "Kafka Streams application id; the stores live in <state dir>/<application id>. A new id builds a "
                + "second copy beside the running one (blue/green) (default: starfall-projections-<event id>)", Use.SERVE),
        STANDBY_REPLICAS("0", "standby copies of each store on other instances", Use.SERVE),
        REPLICATION_FACTOR("1", "replication factor of the topics created and of internal topics", Use.SERVE, Use.INGEST),
        RATE_LIMIT_PER_SECOND("200", "gateway requests per second per client address, 0 disables", Use.SERVE),
        RATE_LIMIT_BURST("400", "gateway burst per client address", Use.SERVE),
        NET_TRANSPORT("auto", "gateway network transport: auto (the first this machine allows of io_uring, epoll and Java "
                + "NIO; the log says which), io_uring, epoll or nio (a named one that cannot run here stops the start)", Use.SERVE),
        SOURCE_URL("", "chain API endpoints of the manifest's chain (FCD for terra-classic, LCD for cosmos, JSON-RPC for "
                + "solana): one base URL, or a comma list of name=URL@weight (weight default 1, 0 = failover only), e.g. "
                + "a=https://rpc-a.example@1,b=https://rpc-b.example@1 (required unless STARFALL_SIMULATOR=true)", Use.INGEST),
        SOURCE_RATE_PER_SECOND("10", "requests per second to each endpoint (token bucket)", Use.INGEST),
        SOURCE_BURST("20", "requests that may go to each endpoint at once (token bucket size)", Use.INGEST),
        SOURCE_REQUEST_TIMEOUT("10s", "timeout of each chain API request (e.g. 500ms, 10s, 1m)", Use.INGEST),
        LCD_DIALECT("events", "Cosmos LCD search parameter: events (SDK 0.45/0.47) or query (SDK 0.50+)", Use.INGEST),
        SOLANA_TOKEN_ACCOUNTS("", "Solana: comma list of the wallet's token accounts whose SPL deposits count (e.g. the "
                + "associated token account of the event's mint) (default: none, SOL transfers only)", Use.INGEST),
        ADMIN_PORT("9464", "ingestor admin listener: GET /metrics (Prometheus text), GET /endpoints, "
                + "PUT /endpoints/{name}/weight (body: the new weight); 0 = off", Use.INGEST),
        SIMULATOR("false", "ingest from the built-in chain simulator instead of a chain API", Use.INGEST),
        SIMULATOR_SEED("2021", "simulator seed: the same seed gives the same chain", Use.INGEST),
        SIMULATOR_WALLETS("400", "simulated wallets", Use.INGEST),
        SIMULATOR_TRANSACTIONS("3000", "simulated transactions", Use.INGEST),
        INGEST_POLL_INTERVAL("1s", "how often a caught-up ingestor asks the chain API for newer transactions (e.g. 500ms, 1s, 5s); "
                + "a look that finds nothing costs about two requests", Use.INGEST),
        INGEST_TRANSACTION_EVENTS("5000", "most events the ingestor publishes in one Kafka transaction (what it reads while one "
                + "commits goes into the next)", Use.INGEST),
        STREAMS_PROPERTIES("", "a Java properties file of Kafka Streams and client settings applied over starfall's own, e.g. "
                + "enable.metrics.push=true or main.consumer.session.timeout.ms=30000; not the ones the other settings own, nor "
                + "processing.guarantee (default: none)", Use.SERVE);

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

    /**
     * How the ingestor calls the chain API.
     *
     * @param endpoints           the API's endpoints with names and weights; empty with the simulator
     * @param ratePerSecond       sustained requests per second per endpoint
     * @param burst               requests per endpoint that may go at once
     * @param requestTimeout      timeout of each request
     * @param lcdDialect          Cosmos LCD search parameter
     * @param solanaTokenAccounts the wallet's token accounts to watch for SPL deposits
     */
    public record Source(List<EndpointPool.EndpointConfig> endpoints, double ratePerSecond, int burst, Duration requestTimeout,
                         LcdQuery.Dialect lcdDialect, List<String> solanaTokenAccounts) {

        public Source {
            endpoints = List.copyOf(endpoints);
            solanaTokenAccounts = List.copyOf(solanaTokenAccounts);
        }

        /** The source settings over {@code endpoints} (the configured ones, or the simulator's). */
        public SourceSettings settings(List<EndpointPool.EndpointConfig> over) {
            EndpointPool.Settings defaults = EndpointPool.Settings.DEFAULT;
            return SourceSettings.of(over).withPacing(new EndpointPool.Settings(ratePerSecond, burst, defaults.breaker()))
                    .withRequestTimeout(requestTimeout);
        }

        public Sources.ChainOptions chainOptions() {
            return new Sources.ChainOptions(lcdDialect, solanaTokenAccounts, Sources.ChainOptions.DEFAULT.fcdWindowPages());
        }
    }

    /** Every environment variable a service reads. */
    public static final Set<String> VARIABLES = Arrays.stream(Setting.values()).map(Setting::env)
            .collect(Collectors.toUnmodifiableSet());

    /** Kafka Streams settings a properties file may not set, and why. */
    private static final Map<String, String> OWNED_STREAMS_KEYS = Map.of(
            StreamsConfig.APPLICATION_ID_CONFIG, "is set by " + Setting.APPLICATION_ID.env(),
            StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "is set by " + Setting.BOOTSTRAP_SERVERS.env(),
            StreamsConfig.STATE_DIR_CONFIG, "is set by " + Setting.STATE_DIR.env(),
            StreamsConfig.APPLICATION_SERVER_CONFIG, "is set by " + Setting.ADVERTISED_HOST.env() + " and " + Setting.HTTP_PORT.env(),
            StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, "is set by " + Setting.STANDBY_REPLICAS.env(),
            StreamsConfig.REPLICATION_FACTOR_CONFIG, "is set by " + Setting.REPLICATION_FACTOR.env(),
            StreamsConfig.PROCESSING_GUARANTEE_CONFIG, "stays " + StreamsConfig.EXACTLY_ONCE_V2
                    + ": every transfer is counted exactly once only under it");

    /** What Kafka allows in the names of a Streams application's internal topics, which start with its id. */
    private static final Pattern APPLICATION_ID = Pattern.compile("[A-Za-z0-9._-]{1,200}");
    /** A Solana address: base58 of 32 bytes. */
    private static final Pattern BASE58_ADDRESS = Pattern.compile("[1-9A-HJ-NP-Za-km-z]{32,44}");

    /** Flags accepted by {@code use}. */
    static Set<String> flags(Use use) {
        return Arrays.stream(Setting.values()).filter(s -> s.usedBy(use)).map(Setting::flag).collect(Collectors.toUnmodifiableSet());
    }

    /**
     * Resolves every setting: flag, else environment, else default. A network transport named for
     * {@code serve} must be able to run on this machine: when it cannot, the error names the setting
     * it came from and why, before anything starts.
     */
    public static ServiceSettings resolve(Use use, Map<String, String> flags, Map<String, String> env) {
        return resolve(use, flags, env, NetTransport::unavailability);
    }

    /** {@link #resolve(Use, Map, Map)}, given why each network transport cannot run here (empty when it can). */
    static ServiceSettings resolve(Use use, Map<String, String> flags, Map<String, String> env,
                                   Function<NetTransport, Optional<String>> unavailable) {
        Resolver r = new Resolver(use, flags, env, unavailable);
        ServiceSettings s = new ServiceSettings(
                r.text(Setting.BOOTSTRAP_SERVERS),
                r.text(Setting.SCHEMA_REGISTRY_URL),
                r.optional(Setting.MANIFEST).map(Path::of),
                r.optional(Setting.MANIFEST_PUBLIC_KEY).map(Path::of),
                (int) r.integer(Setting.HTTP_PORT, 1, 65_535),
                r.text(Setting.BIND_HOST),
                r.text(Setting.ADVERTISED_HOST),
                Path.of(r.text(Setting.STATE_DIR)),
                r.optional(Setting.APPLICATION_ID).map(id -> r.matching(Setting.APPLICATION_ID, id, APPLICATION_ID,
                        "1 to 200 letters, digits, '.', '_' or '-'")),
                (int) r.integer(Setting.STANDBY_REPLICAS, 0, 10),
                (short) r.integer(Setting.REPLICATION_FACTOR, 1, 32),
                r.integer(Setting.RATE_LIMIT_PER_SECOND, 0, 10_000_000),
                r.integer(Setting.RATE_LIMIT_BURST, 1, 10_000_000),
                r.netTransport(Setting.NET_TRANSPORT),
                new Source(
                        r.optional(Setting.SOURCE_URL).map(v -> SourceEndpoints.parse(v, r.name(Setting.SOURCE_URL))).orElse(List.of()),
                        r.decimal(Setting.SOURCE_RATE_PER_SECOND, 0.001, 1_000_000),
                        (int) r.integer(Setting.SOURCE_BURST, 1, 1_000_000),
                        r.duration(Setting.SOURCE_REQUEST_TIMEOUT, Duration.ofMillis(1), Duration.ofMinutes(10)),
                        r.lcdDialect(Setting.LCD_DIALECT),
                        r.list(Setting.SOLANA_TOKEN_ACCOUNTS).stream().map(a -> r.matching(Setting.SOLANA_TOKEN_ACCOUNTS, a, BASE58_ADDRESS,
                                "Solana addresses (base58 of 32 bytes)")).toList()),
                (int) r.integer(Setting.ADMIN_PORT, 0, 65_535),
                r.bool(Setting.SIMULATOR),
                r.integer(Setting.SIMULATOR_SEED, Long.MIN_VALUE, Long.MAX_VALUE),
                (int) r.integer(Setting.SIMULATOR_WALLETS, 1, 1_000_000),
                (int) r.integer(Setting.SIMULATOR_TRANSACTIONS, 1, 10_000_000),
                r.duration(Setting.INGEST_POLL_INTERVAL, Duration.ofMillis(100), Duration.ofHours(1)),
                (int) r.integer(Setting.INGEST_TRANSACTION_EVENTS, 1, 1_000_000),
                r.optional(Setting.STREAMS_PROPERTIES).map(v -> r.streamsProperties(Setting.STREAMS_PROPERTIES, Path.of(v))).orElse(Map.of()));
        if (use == Use.INGEST && !s.simulator() && s.source().endpoints().isEmpty()) {
            throw new UsageException("set " + Setting.SOURCE_URL.env() + " (or " + Setting.SOURCE_URL.flag() + ") to the chain API, or "
                    + Setting.SIMULATOR.env() + "=true for the built-in simulator");
        }
        return s;
    }

    /** The effective value of every setting {@code use} reads and where it came from, for the start-up log. */
    public static Map<String, String> describe(Use use, Map<String, String> flags, Map<String, String> env) {
        Map<String, String> out = new LinkedHashMap<>();
        Resolver r = new Resolver(use, flags, env, t -> Optional.empty());
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

    /** The ingestor's settings: the defaults with this poll interval and transaction size. */
    public IngestorConfig ingestorConfig() {
        return IngestorConfig.defaults(bootstrapServers).withPollInterval(ingestPollInterval)
                .withMaxTransactionEvents(ingestTransactionEvents);
    }

    /** The {@code host:port} this instance advertises as {@code application.server}. */
    public String applicationServer() {
        return advertisedHost + ":" + httpPort;
    }

    /** The Streams application id: {@link #applicationId} when set, else the manifest's default. */
    public String applicationIdFor(Manifest m) {
        return applicationId.orElseGet(() -> ProjectionsService.Settings.applicationIdFor(m));
    }

    private static final class Resolver {
        private final Use use;
        private final Map<String, String> flags;
        private final Map<String, String> env;
        private final Function<NetTransport, Optional<String>> unavailable;

        Resolver(Use use, Map<String, String> flags, Map<String, String> env, Function<NetTransport, Optional<String>> unavailable) {
            this.use = use;
            this.flags = flags;
            this.env = env;
            this.unavailable = unavailable;
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

        /** How an error names the setting: the flag or the variable it came from. */
        String name(Setting s) {
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
            return number(s, Long::parseLong, "an integer", min, max);
        }

        double decimal(Setting s, double min, double max) {
            return number(s, Double::parseDouble, "a number", min, max);
        }

        private <N extends Comparable<N>> N number(Setting s, Function<String, N> parse, String kind, N min, N max) {
            String v = text(s);
            N n;
            try {
                n = parse.apply(v);
            } catch (NumberFormatException e) {
                throw new UsageException(name(s) + " must be " + kind + ", got '" + v + "'", e);
            }
            if (n.compareTo(min) < 0 || n.compareTo(max) > 0) {
                throw new UsageException(name(s) + " must be in " + min + ".." + max + ", got " + v);
            }
            return n;
        }

        Duration duration(Setting s, Duration min, Duration max) {
            Duration d = Durations.parse(text(s), name(s));
            if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
                throw new UsageException(name(s) + " must be between " + min + " and " + max + ", got " + text(s));
            }
            return d;
        }

        boolean bool(Setting s) {
            String v = text(s).toLowerCase(Locale.ROOT);
            return switch (v) {
                case "true", "yes", "1" -> true;
                case "false", "no", "0" -> false;
                default -> throw new UsageException(name(s) + " must be true or false, got '" + v + "'");
            };
        }

        LcdQuery.Dialect lcdDialect(Setting s) {
            String v = text(s).toLowerCase(Locale.ROOT);
            return switch (v) {
                case "events" -> LcdQuery.Dialect.EVENTS;
                case "query" -> LcdQuery.Dialect.QUERY;
                default -> throw new UsageException(name(s) + " must be events (Cosmos SDK 0.45/0.47) or query (SDK 0.50+), got '" + v + "'");
            };
        }

        /** The transport; a named one must be able to run here ({@link NetTransport#parseRunnable}). */
        NetTransport netTransport(Setting s) {
            try {
                return NetTransport.parseRunnable(text(s), unavailable);
            } catch (IllegalArgumentException e) {
                throw new UsageException(name(s) + ": " + e.getMessage(), e);
            }
        }

        /** A comma-separated list; empty items are errors. */
        List<String> list(Setting s) {
            Optional<String> v = raw(s);
            if (v.isEmpty()) {
                return List.of();
            }
            List<String> items = Arrays.stream(v.get().split(",", -1)).map(String::strip).toList();
            if (items.contains("")) {
                throw new UsageException(name(s) + " has an empty item: '" + v.get() + "' (expected a comma-separated list)");
            }
            return items;
        }

        /**
         * The settings of a properties file, each refused when another setting owns it (say which)
         * or when it would undo exactly-once counting.
         */
        Map<String, String> streamsProperties(Setting s, Path file) {
            Properties p = new Properties();
            try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                p.load(in);
            } catch (IOException | IllegalArgumentException e) {
                throw new UsageException(name(s) + ": cannot read " + file + " as a properties file: " + e.getMessage(), e);
            }
            Map<String, String> out = new HashMap<>();
            for (String key : p.stringPropertyNames()) {
                String owner = OWNED_STREAMS_KEYS.get(key);
                if (owner != null) {
                    throw new UsageException(name(s) + ": " + file + " sets " + key + ", which " + owner);
                }
                out.put(key, p.getProperty(key).strip());
            }
            return out;
        }

        String matching(Setting s, String value, Pattern pattern, String expected) {
            if (!pattern.matcher(value).matches()) {
                throw new UsageException(name(s) + " must be " + expected + ", got '" + value + "'");
            }
            return value;
        }
    }
}
