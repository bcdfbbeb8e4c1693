package dev.starfall.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;

import dev.starfall.gateway.Gateway;
import dev.starfall.gateway.GatewayConfig;
import dev.starfall.gateway.GatewayHooks;
import dev.starfall.projections.CatchUpThread;
import dev.starfall.projections.ProjectionsService;
import dev.starfall.projections.TopologySerdes;
import dev.starfall.schemas.manifest.Manifest;
import dev.starfall.schemas.manifest.signing.HaltWatcher;
import dev.starfall.schemas.manifest.signing.ManifestKeys;
import dev.starfall.schemas.registry.HttpSchemaRegistryClient;
import dev.starfall.schemas.registry.SchemaRegistryClient;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One serving instance against an external cluster: topics ensured and the projections' state
 * checked (see {@code StateLayout}), projections (under the configured application id), the
 * halt-notice watcher (when the manifest's public key is configured) and the gateway. Closes in
 * reverse order.
 */
final class ServeService extends ClusterService {

    private static final Logger log = LoggerFactory.getLogger(ServeService.class);
    /** How long a fresh instance waits to learn whether others of its application are running, and what is ahead of it. */
    private static final Duration GROUP_CHECK_TIMEOUT = Duration.ofSeconds(5);

    private ProjectionsService projections;
    private HaltWatcher haltWatcher;
    private Gateway gateway;
    private String applicationId;

    private ServeService() {
    }

    /** Starts every part; on a failure, closes what already started and rethrows. */
    static ServeService start(ServiceSettings s, CheckedManifest checked) {
        return start(s, checked, CatchUpThread.FRESH_START_FROM);
    }

    /** As {@link #start(ServiceSettings, CheckedManifest)}, with a fresh start from {@code freshStartFrom} records ahead. */
    static ServeService start(ServiceSettings s, CheckedManifest checked, long freshStartFrom) {
        return Closer.startOrClose(new ServeService(), service -> service.startAll(s, checked, freshStartFrom));
    }

    private void startAll(ServiceSettings s, CheckedManifest checked, long freshStartFrom) {
        Manifest manifest = checked.manifest();
        try {
            Files.createDirectories(s.stateDir());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create state directory " + s.stateDir() + ": " + e.getMessage(), e);
        }
        applicationId = s.applicationIdFor(manifest);
        if (!s.streamsProperties().isEmpty()) { // keys only: a value may be a secret
            log.info("Kafka Streams settings from {}: {}", ServiceSettings.Setting.STREAMS_PROPERTIES.env(), s.streamsProperties().keySet());
        }
        // Far behind (a rebuild, a green application catching up), a second stream thread counts while the
        // first commits, and a fresh instance alone with many records ahead starts with it: see
        // CatchUpThread. An operator who set the thread count keeps it.
        boolean catchUp = !s.streamsProperties().containsKey(StreamsConfig.NUM_STREAM_THREADS_CONFIG)
                && Runtime.getRuntime().availableProcessors() > 1;
        // Whether others run is asked of the consumer groups' API, which does not describe a group of Kafka's streams protocol.
        boolean streamsProtocol = "streams".equalsIgnoreCase(s.streamsProperties().getOrDefault(StreamsConfig.GROUP_PROTOCOL_CONFIG, "").trim());
        boolean fresh = catchUp && !streamsProtocol && CatchUpThread.noLocalState(s.stateDir(), applicationId);
        CompletableFuture<Boolean> freshStart = fresh ? askFreshStart(s.bootstrapServers(), applicationId, freshStartFrom)
                : CompletableFuture.completedFuture(false);
        // Topics are checked on a thread of their own while the topology, the Kafka Streams clients and
        // Vert.x are built: on a cold JVM each takes about half a second, mostly class loading. A fresh
        // start is asked beside it, and builds the projections again if it applies.
        FutureTask<Void> topics = new FutureTask<>(() -> {
            ensureTopicsAndState(s.bootstrapServers(), s.replicationFactor(), applicationId);
            return null;
        });
        Thread topicsThread = new Thread(topics, "starfall-ensure-topics");
        topicsThread.setDaemon(true);
        topicsThread.start();
        SchemaRegistryClient registry = new HttpSchemaRegistryClient(s.schemaRegistryUrl());
        TopologySerdes.prefetchStoredSchemas(registry);
        projections = parts.track(prepare(manifest, s, registry, false));
        Vertx vertx = s.netTransport().vertx(new VertxOptions());
        parts.track(() -> vertx.close().await());
        await(topics);
        boolean twoThreads = freshStart.join();
        if (twoThreads) {
            projections.close(); // never started; closed again, which does nothing, with the other parts
            projections = parts.track(prepare(manifest, s, registry, true));
        }
        projections.start();
        if (twoThreads) {
            parts.track(CatchUpThread.watchFreshStart(projections.streams(), () -> true, CatchUpThread.Settings.DEFAULT));
        } else if (catchUp) {
            parts.track(CatchUpThread.watch(projections.streams(), () -> true, CatchUpThread.Settings.DEFAULT));
        }
        if (checked.publicKey().isPresent()) {
            haltWatcher = parts.track(HaltWatcher.start(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, s.bootstrapServers()),
                    manifest.event().getId(), checked.publicKey().get(),
                    n -> log.warn("Event {} is now {}: {}", n.eventId(), n.state(), n.message())));
        } else {
            log.warn("Halt notices are not followed: no manifest public key to check them with");
        }
        gateway = parts.track(Gateway.start(vertx, projections, manifest, new HostInfo(s.advertisedHost(), s.httpPort()),
                GatewayConfig.defaults().withBindHost(s.bindHost()).withRateLimit(s.rateLimitPerSecond(), s.rateLimitBurst()),
                GatewayHooks.none()
                        .withHalt(() -> haltWatcher == null ? Optional.empty() : haltWatcher.current())
                        .withVerifiedKey(checked.publicKey().map(ManifestKeys::fingerprint).orElse(null))));
    }

    /**
     * Whether a fresh instance starts with {@link CatchUpThread#FRESH_START}: alone in its application
     * ({@link CatchUpThread#members}) with at least {@code from} records to restore and count
     * ({@link CatchUpThread#ahead}). Asked on a thread of its own beside the topics' check; false when
     * it cannot be told.
     */
    private static CompletableFuture<Boolean> askFreshStart(String bootstrapServers, String applicationId, long from) {
        CompletableFuture<Boolean> answer = new CompletableFuture<>();
        Thread check = new Thread(() -> {
            long deadline = System.nanoTime() + GROUP_CHECK_TIMEOUT.toNanos();
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
                OptionalInt members = CatchUpThread.members(admin, applicationId, GROUP_CHECK_TIMEOUT);
                if (members.isEmpty()) {
                    return; // said at debug
                }
                if (members.getAsInt() > 0) {
                    // a second thread here would draw a share of the others' tasks
                    log.info("No local state, but other instances of {} are running: starting with the configured stream threads",
                            applicationId);
                    return;
                }
                Optional<CatchUpThread.Ahead> ahead = CatchUpThread.ahead(admin, applicationId,
                        Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
                if (ahead.isEmpty()) {
                    return; // said at debug
                }
                CatchUpThread.Ahead a = ahead.get();
                if (a.records() >= from) {
                    log.info("No local state and no other instance of {}, with up to {} changelog records to restore and {} transfers to "
                            + "count: starting with {} until caught up", applicationId, a.toRestore(), a.toCount(), CatchUpThread.FRESH_START);
                    answer.complete(true);
                } else {
                    log.debug("No local state, with {} changelog records of {} to restore and {} transfers to count: starting with the "
                            + "configured stream threads", a.toRestore(), applicationId, a.toCount());
                }
            } catch (RuntimeException e) {
                log.debug("Cannot tell whether application {} has other instances: {}", applicationId, e.toString());
            } finally {
                answer.complete(false);
            }
        }, "starfall-fresh-start-check");
        check.setDaemon(true);
        check.start();
        return answer;
    }

    /** The projections, configured as {@code s} says, under {@link CatchUpThread#FRESH_START} for a fresh start. */
    private ProjectionsService prepare(Manifest manifest, ServiceSettings s, SchemaRegistryClient registry, boolean freshStart) {
        Map<String, Object> streamsSettings = new HashMap<>(freshStart ? CatchUpThread.FRESH_START : Map.of());
        streamsSettings.putAll(s.streamsProperties());
        return ProjectionsService.prepare(manifest, new ProjectionsService.Settings(s.bootstrapServers(), applicationId,
                s.stateDir().toAbsolutePath(), s.applicationServer(), s.standbyReplicas(), s.replicationFactor(), Map.copyOf(streamsSettings)),
                registry);
    }

    /** The outcome of {@code task}: its own exception if it failed. */
    private static void await(FutureTask<Void> task) {
        try {
            task.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while checking topics", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
        }
    }

    Gateway gateway() {
        return gateway;
    }

    ProjectionsService projections() {
        return projections;
    }

    /** The Kafka Streams application id the projections run under. */
    String applicationId() {
        return applicationId;
    }

    /** Present when the manifest's public key was configured. */
    Optional<HaltWatcher> haltWatcher() {
        return Optional.ofNullable(haltWatcher);
    }
}
