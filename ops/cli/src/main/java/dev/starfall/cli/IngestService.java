package dev.starfall.cli;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import dev.starfall.ingestor.Ingestor;
import dev.starfall.ingestor.IngestorConfig;
import dev.starfall.ingestor.sim.ChainSimulator;
import dev.starfall.ingestor.sim.SimulatorServer;
import dev.starfall.ingestor.source.WatchTarget;
import dev.starfall.ingestor.source.fcd.FcdSource;
import dev.starfall.schemas.TopicProvisioner;
import dev.starfall.schemas.Topics;
import dev.starfall.schemas.manifest.Manifest;
import dev.starfall.schemas.registry.HttpSchemaRegistryClient;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ingestor against an external cluster: topics ensured, the source (the chain API at the
 * source URL, or the built-in simulator), and the ingestor. Closes in reverse order.
 */
final class IngestService implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(IngestService.class);

    /** Chains with an API source in this build (FCD: Terra Classic and the simulator's rendering of it). */
    static final Set<String> FCD_CHAINS = Set.of("terra-classic", "simulated");

    private final Closer parts = new Closer();
    private ChainSimulator simulator;
    private String sourceUrl;
    private Ingestor ingestor;

    private IngestService() {
    }

    /** Starts every part; on a failure, closes what already started and rethrows. */
    static IngestService start(ServiceSettings s, Manifest manifest) {
        String chain = manifest.event().getChain();
        if (!s.simulator() && !FCD_CHAINS.contains(chain)) {
            throw new UsageException("no chain source for chain '" + chain + "' in this build (sources: " + new java.util.TreeSet<>(FCD_CHAINS)
                    + "); use " + ServiceSettings.Setting.SIMULATOR.env() + "=true to ingest simulated transfers");
        }
        IngestService service = new IngestService();
        try {
            service.startAll(s, manifest);
            return service;
        } catch (RuntimeException e) {
            service.close();
            throw e;
        }
    }

    private void startAll(ServiceSettings s, Manifest manifest) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, s.bootstrapServers()))) {
            new TopicProvisioner(admin, s.replicationFactor()).ensure(Topics.PIPELINE, Duration.ofSeconds(120));
        }
        if (s.simulator()) {
            simulator = new ChainSimulator(manifest, ChainSimulator.Config.defaults(s.simulatorSeed())
                    .withWallets(s.simulatorWallets()).withTransactions(s.simulatorTransactions()));
            sourceUrl = parts.track(SimulatorServer.start(simulator, 0)).baseUrl();
            log.info("Ingesting from the built-in chain simulator at {} (seed {})", sourceUrl, s.simulatorSeed());
        } else {
            sourceUrl = s.sourceUrl().orElseThrow();
        }
        ingestor = parts.track(Ingestor.create(IngestorConfig.defaults(s.bootstrapServers()),
                FcdSource.builder(sourceUrl, WatchTarget.of(manifest)).build(), new HttpSchemaRegistryClient(s.schemaRegistryUrl())));
        ingestor.start();
    }

    Ingestor ingestor() {
        return ingestor;
    }

    String sourceUrl() {
        return sourceUrl;
    }

    /** The in-process simulator, when ingesting from it. */
    Optional<ChainSimulator> simulator() {
        return Optional.ofNullable(simulator);
    }

    @Override
    public void close() {
        parts.close();
    }
}
