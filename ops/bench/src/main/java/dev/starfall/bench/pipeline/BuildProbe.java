package dev.starfall.bench.pipeline;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.starfall.bench.BenchContext;
import dev.starfall.bench.HistoryWriter;
import dev.starfall.projections.CatchUpThread;
import dev.starfall.projections.ProjectionsService;
import dev.starfall.projections.Stores;
import dev.starfall.projections.domain.ShowerTotals;
import dev.starfall.schemas.TopicProvisioner;
import dev.starfall.schemas.Topics;
import dev.starfall.schemas.manifest.Manifest;
import dev.starfall.schemas.manifest.ManifestLoader;
import dev.starfall.schemas.registry.HttpSchemaRegistryClient;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * The projections alone, in this JVM, building a history already on the transfers topic: prints
 * {@code BUILD <events> <seconds>} from start to every transfer counted in the shower totals.
 * Arguments: bootstrap, registry URL, state directory, events (written first when {@code write}
 * is given as fifth argument), {@code catch-up} to run the serving instance's {@link CatchUpThread},
 * {@code fresh-start} to start as {@code serve} starts a fresh instance alone ({@link CatchUpThread#FRESH_START},
 * then the same watch), then {@code key=value} Streams overrides. The run's internal topics
 * are deleted at the end.
 */
public final class BuildProbe {

    private BuildProbe() {
    }

    public static void main(String[] args) throws Exception {
        String bootstrap = args[0];
        String registry = args[1];
        Path state = Path.of(args[2]);
        long events = Long.parseLong(args[3]);
        Map<String, Object> overrides = new HashMap<>();
        boolean write = false;
        boolean catchUp = false;
        boolean freshStart = false;
        for (int i = 4; i < args.length; i++) {
            if (args[i].equals("write")) {
                write = true;
            } else if (args[i].equals("catch-up")) {
                catchUp = true;
            } else if (args[i].equals("fresh-start")) {
                freshStart = true;
            } else {
                String[] kv = args[i].split("=", 2);
                overrides.put(kv[0], kv[1]);
            }
        }
        Manifest manifest = ManifestLoader.loadDefault();
        if (write) {
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
                new TopicProvisioner(admin, (short) 1).ensure(Topics.PIPELINE, Duration.ofSeconds(60));
            }
            new HistoryWriter(manifest, 100_000, 7).write(bootstrap, registry, events, n -> System.out.println("written " + n));
        }
        BenchContext.delete(state);
        Files.createDirectories(state);
        String appId = "probe-" + System.currentTimeMillis();
        Map<String, Object> settings = new HashMap<>(freshStart ? CatchUpThread.FRESH_START : Map.of());
        settings.putAll(overrides);
        long t0 = System.nanoTime();
        try (ProjectionsService p = ProjectionsService.start(manifest, new ProjectionsService.Settings(bootstrap, appId, state,
                "127.0.0.1:1", 0, 1, settings), new HttpSchemaRegistryClient(registry));
             CatchUpThread catchUpThread = freshStart ? CatchUpThread.watchFreshStart(p.streams(), () -> true, CatchUpThread.Settings.DEFAULT)
                     : catchUp ? CatchUpThread.watch(p.streams(), () -> true, CatchUpThread.Settings.DEFAULT) : null) {
            long lastSay = 0;
            while (true) {
                long counted = counted(p.streams());
                if (counted >= events) {
                    break;
                }
                if (System.nanoTime() - lastSay > 5e9) {
                    lastSay = System.nanoTime();
                    System.out.printf(Locale.ROOT, "  %.0f s: %d counted%n", (System.nanoTime() - t0) / 1e9, counted);
                }
                Thread.sleep(100);
            }
            double s = (System.nanoTime() - t0) / 1e9;
            System.out.printf(Locale.ROOT, "BUILD %d %.2f %.0f/s %s%s%n", events, s, events / s, overrides,
                    freshStart ? " fresh-start" : catchUp ? " catch-up" : "");
            System.out.println("stream thread " + threadTime(p.streams()));
            if (catchUpThread != null) {
                System.out.println("catch-up threads added: " + catchUpThread.adds() + ", given back: " + catchUpThread.removals());
            }
        }
        deleteInternalTopics(bootstrap, appId);
    }

    /**
     * Deletes the run's repartition and changelog topics and its consumer group: each build of 2 M
     * events leaves about 2 GB of them on the broker, which is held between runs.
     */
    private static void deleteInternalTopics(String bootstrap, String appId) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            List<String> own = admin.listTopics().names().get().stream().filter(t -> t.startsWith(appId + "-")).sorted().toList();
            admin.deleteTopics(own).all().get();
            admin.deleteConsumerGroups(List.of(appId)).all().get();
            System.out.println("deleted " + own.size() + " topics of " + appId);
        }
    }

    /** Where the stream threads spent their time (Kafka Streams' thread-level ratios, and time blocked on the Kafka clients). */
    private static String threadTime(KafkaStreams streams) {
        java.util.TreeMap<String, Object> out = new java.util.TreeMap<>();
        streams.metrics().forEach((name, metric) -> {
            if (name.group().equals("stream-thread-metrics") && (name.name().endsWith("-ratio") || name.name().equals("blocked-time-ns-total")
                    || name.name().equals("thread-start-time"))) {
                out.put(name.name(), metric.metricValue());
            }
        });
        return out.toString();
    }

    private static long counted(KafkaStreams streams) {
        if (streams.state() != KafkaStreams.State.RUNNING) {
            return 0;
        }
        try {
            ReadOnlyKeyValueStore<Integer, ShowerTotals> totals = streams.store(StoreQueryParameters.fromNameAndType(Stores.SHOWER_TOTALS,
                    QueryableStoreTypes.keyValueStore()));
            long n = 0;
            try (KeyValueIterator<Integer, ShowerTotals> it = totals.all()) {
                while (it.hasNext()) {
                    ShowerTotals t = it.next().value;
                    n += t.transfers() + t.duplicates() + t.late();
                }
            }
            return n;
        } catch (RuntimeException e) {
            return 0;
        }
    }
}
