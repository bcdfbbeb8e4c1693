package dev.starfall.cli;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;

import dev.starfall.ingestor.Ingestor;
import dev.starfall.ingestor.sim.ChainSimulator;
import dev.starfall.ingestor.sim.SimulatorServer;
import dev.starfall.ingestor.source.ChainSource;
import dev.starfall.ingestor.source.Sources;
import dev.starfall.ingestor.source.cosmoslcd.LcdSource;
import dev.starfall.ingestor.source.fcd.FcdSource;
import dev.starfall.ingestor.source.http.EndpointPool;
import dev.starfall.ingestor.source.solanarpc.SolanaSource;
import dev.starfall.schemas.manifest.Manifest;
import dev.starfall.schemas.registry.HttpSchemaRegistryClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ingestor against an external cluster: topics ensured, the source the manifest's chain calls
 * for ({@link Sources#forManifest}: FCD for terra-classic and simulated, LCD for cosmos, Solana
 * JSON-RPC for solana) over the configured endpoints or the built-in simulator, the admin listener
 * (when its port is set) and the ingestor. Closes in reverse order.
 */
final class IngestService extends ClusterService {

    private static final Logger log = LoggerFactory.getLogger(IngestService.class);

    /** The endpoint name of the built-in simulator. */
    static final String SIMULATOR_ENDPOINT = "simulator";

    private ChainSimulator simulator;
    private List<EndpointPool.EndpointConfig> endpoints;
    private ChainSource source;
    private Ingestor ingestor;
    private IngestAdmin admin;

    private IngestService() {
    }

    /** Starts every part; on a failure, closes what already started and rethrows. */
    static IngestService start(ServiceSettings s, Manifest manifest) {
        if (s.simulator()) {
            requireSimulatable(manifest, "; set " + ServiceSettings.Setting.SOURCE_URL.env() + " to an LCD instead");
        }
        return Closer.startOrClose(new IngestService(), service -> service.startAll(s, manifest));
    }

    /**
     * The simulator speaks FCD and Solana JSON-RPC: it cannot stand in for a chain read through an LCD.
     *
     * @param advice appended to the error
     */
    static void requireSimulatable(Manifest manifest, String advice) {
        String chain = manifest.event().getChain();
        if (chain.equals("cosmos")) {
            throw new UsageException("the built-in simulator speaks the FCD and Solana JSON-RPC APIs, not the Cosmos LCD that chain '"
                    + chain + "' is read through" + advice);
        }
    }

    /** The endpoint pool of a source built by {@link Sources#forManifest}, whose split can be changed while running. */
    static Optional<EndpointPool> poolOf(ChainSource source) {
        if (source instanceof FcdSource fcd) {
            return Optional.of(fcd.pool());
        }
        if (source instanceof LcdSource lcd) {
            return Optional.of(lcd.pool());
        }
        if (source instanceof SolanaSource solana) {
            return Optional.of(solana.pool());
        }
        return Optional.empty();
    }

    private void startAll(ServiceSettings s, Manifest manifest) {
        ensureTopics(s.bootstrapServers(), s.replicationFactor());
        if (s.simulator()) {
            simulator = new ChainSimulator(manifest, ChainSimulator.Config.defaults(s.simulatorSeed())
                    .withWallets(s.simulatorWallets()).withTransactions(s.simulatorTransactions()));
            String url = parts.track(SimulatorServer.start(simulator, 0)).baseUrl();
            endpoints = List.of(new EndpointPool.EndpointConfig(SIMULATOR_ENDPOINT, url, 1));
            log.info("Ingesting from the built-in chain simulator at {} (seed {})", url, s.simulatorSeed());
        } else {
            endpoints = s.source().endpoints();
        }
        source = Sources.forManifest(manifest, s.source().settings(endpoints), s.source().chainOptions());
        ingestor = parts.track(Ingestor.create(s.ingestorConfig(), source,
                new HttpSchemaRegistryClient(s.schemaRegistryUrl())));
        if (s.adminPort() > 0) {
            admin = parts.track(IngestAdmin.start(new InetSocketAddress(s.bindHost(), s.adminPort()), ingestor::metrics, poolOf(source)));
        }
        ingestor.start();
    }

    Ingestor ingestor() {
        return ingestor;
    }

    /** The endpoints read: the configured ones, or the simulator. */
    List<EndpointPool.EndpointConfig> endpoints() {
        return endpoints;
    }

    /** The chain source the manifest's chain called for. */
    ChainSource source() {
        return source;
    }

    /** The in-process simulator, when ingesting from it. */
    Optional<ChainSimulator> simulator() {
        return Optional.ofNullable(simulator);
    }

    /** The admin listener, when its port is set. */
    Optional<IngestAdmin> admin() {
        return Optional.ofNullable(admin);
    }
}
