package dev.starfall.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.starfall.embedded.EmbeddedKafka;
import dev.starfall.embedded.registry.SchemaRegistryServer;
import dev.starfall.gateway.Gateway;
import dev.starfall.gateway.GatewayConfig;
import dev.starfall.gateway.GatewayHooks;
import dev.starfall.gateway.IngestView;
import dev.starfall.ingestor.Ingestor;
import dev.starfall.ingestor.IngestorConfig;
import dev.starfall.ingestor.sim.ChainSimulator;
import dev.starfall.ingestor.sim.SimulatorServer;
import dev.starfall.ingestor.source.ChainSource;
import dev.starfall.ingestor.source.SourceSettings;
import dev.starfall.ingestor.source.Sources;
import dev.starfall.ingestor.source.http.CircuitBreaker;
import dev.starfall.ingestor.source.http.EndpointPool;
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
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole pipeline in one process on the embedded default: broker, registry, chain simulator,
 * ingestor, projections and gateway. Parts start in dependency order and close in reverse.
 * Everything durable lives in the data directory, so a second start resumes: the broker keeps the
 * topics and the ingestor's cursor, the projections keep their RocksDB stores.
 */
public final class EmbeddedPipeline implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedPipeline.class);
    private static final String HOST = "127.0.0.1";

    private final Closer started = new Closer();
    private final Manifest manifest;
    private EmbeddedKafka kafka;
    private SchemaRegistryServer registry;
    private ChainSimulator simulator;
    private SimulatorServer simulatorServer;
    private Ingestor ingestor;
    private ProjectionsService projections;
    private Gateway gateway;
    private HaltWatcher haltWatcher;

    private EmbeddedPipeline(Manifest manifest) {
        this.manifest = manifest;
    }

    /** Starts every part; on a failure, closes what already started and rethrows. */
    public static EmbeddedPipeline start(Manifest manifest, RunOptions options) {
        IngestService.requireSimulatable(manifest, "; starfall run needs a manifest the simulator can stand in for");
        return Closer.startOrClose(new EmbeddedPipeline(manifest), p -> p.startAll(options));
    }

    private void startAll(RunOptions o) {
        Path data = o.dataDir().toAbsolutePath();
        try {
            Files.createDirectories(data);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot create data directory " + data + ": " + e.getMessage(), e);
        }
        log.info("Loaded {}", manifest.summary());

        kafka = track(EmbeddedKafka.start(new EmbeddedKafka.Config(data.resolve("kafka"), o.kafkaPort(),
                o.kafkaPort() == 0 ? 0 : o.kafkaPort() + 1, Map.of())));
        Vertx vertx = o.netTransport().vertx(new VertxOptions());
        track(() -> vertx.close().await());
        registry = track(SchemaRegistryServer.start(vertx, kafka.bootstrapServers(), o.registryPort()));
        ClusterService.ensureTopicsAndState(kafka.bootstrapServers(), (short) 1, ProjectionsService.Settings.applicationIdFor(manifest));
        SchemaRegistryClient registryClient = new HttpSchemaRegistryClient(registry.url());
        TopologySerdes.prefetchStoredSchemas(registryClient);

        simulator = new ChainSimulator(manifest, ChainSimulator.Config.defaults(o.seed())
                .withWallets(o.wallets()).withTransactions(o.transactions()));
        simulatorServer = track(SimulatorServer.start(simulator, o.simulatorPort()));
        // the simulator is in this process: no public API's rate limit to respect, so no pacing to speak of
        ChainSource source = Sources.forManifest(manifest, SourceSettings.of(List.of(new EndpointPool.EndpointConfig(
                        IngestService.SIMULATOR_ENDPOINT, simulatorServer.baseUrl(), 1)))
                .withPacing(new EndpointPool.Settings(100_000, 1_000, CircuitBreaker.Config.DEFAULT)), Sources.ChainOptions.DEFAULT);
        ingestor = track(Ingestor.create(IngestorConfig.defaults(kafka.bootstrapServers()), source, registryClient));
        ingestor.start();

        HostInfo self = new HostInfo(HOST, o.httpPort());
        projections = track(ProjectionsService.start(manifest, new ProjectionsService.Settings(kafka.bootstrapServers(),
                ProjectionsService.Settings.applicationIdFor(manifest), data.resolve("streams"), HOST + ":" + o.httpPort(), 0, 1),
                registryClient));
        // the ingest side needs the second core until the ingestor has caught up with the chain
        track(CatchUpThread.watch(projections.streams(), () -> ingestor.stats().state() == Ingestor.State.CAUGHT_UP,
                CatchUpThread.Settings.DEFAULT));
        if (o.publicKey().isPresent()) {
            haltWatcher = track(HaltWatcher.start(kafka.bootstrapServers(), manifest.event().getId(),
                    ManifestKeys.readPublicKey(o.publicKey().get())));
        }
        gateway = track(Gateway.start(vertx, projections, manifest, self, GatewayConfig.defaults().withBindHost(HOST), GatewayHooks.none()
                .withIngest(this::ingestViews)
                .withHalt(() -> haltWatcher == null ? Optional.empty() : haltWatcher.current())
                .withVerifiedKey(o.publicKey().map(k -> ManifestKeys.fingerprint(ManifestKeys.readPublicKey(k))).orElse(null))));
    }

    private List<IngestView> ingestViews() {
        Ingestor.Stats s = ingestor.stats();
        return List.of(new IngestView(ingestor.sourceId(), s.state().name(), s.newestBlockTimeSeen(), s.newestBlockTimePublished(),
                s.eventsPublished(), s.requests(), s.retries(), s.rateLimited()));
    }

    private <T extends AutoCloseable> T track(T part) {
        return started.track(part);
    }

    public Manifest manifest() {
        return manifest;
    }

    public String bootstrapServers() {
        return kafka.bootstrapServers();
    }

    public String registryUrl() {
        return registry.url();
    }

    public String gatewayUrl() {
        return "http://" + HOST + ":" + gateway.port();
    }

    public ChainSimulator simulator() {
        return simulator;
    }

    public SimulatorServer simulatorServer() {
        return simulatorServer;
    }

    public Ingestor ingestor() {
        return ingestor;
    }

    public ProjectionsService projections() {
        return projections;
    }

    /** The halt-notice watcher; present when the run was given the manifest's public key. */
    public Optional<HaltWatcher> haltWatcher() {
        return Optional.ofNullable(haltWatcher);
    }

    /** Closes every started part in reverse order; a failure to close one does not stop the others. */
    @Override
    public void close() {
        started.close();
    }
}
