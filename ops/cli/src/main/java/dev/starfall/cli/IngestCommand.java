package dev.starfall.cli;

import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.starfall.ingestor.Ingestor;
import dev.starfall.schemas.manifest.Manifest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code starfall ingest}: the chain ingestor against an external Kafka cluster and schema
 * registry, reading the manifest's chain from {@code STARFALL_SOURCE_URL} or the built-in simulator.
 */
final class IngestCommand implements Command {

    private static final Logger log = LoggerFactory.getLogger(IngestCommand.class);

    @Override
    public String name() {
        return "ingest";
    }

    @Override
    public String summary() {
        return "the chain ingestor against an external Kafka and schema registry";
    }

    @Override
    public String usage() {
        return "usage: starfall ingest [options]\n\n"
                + "Creates the topics, then reads the transfers to the manifest's destination wallet from the chain API\n"
                + "at the source URL (or from the built-in simulator) into Kafka, once, from a checkpointed cursor.\n"
                + "Chains with a source in this build: " + new java.util.TreeSet<>(IngestService.FCD_CHAINS) + " (FCD API).\n"
                + "With a manifest public key, the manifest must verify or nothing starts.\n\n"
                + ServiceSettings.options(ServiceSettings.Use.INGEST);
    }

    @Override
    public int run(List<String> argv, Map<String, String> env, PrintStream out, PrintStream err) throws Exception {
        Args args = Args.parse(argv, ServiceSettings.flags(ServiceSettings.Use.INGEST), Set.of());
        if (args.help()) {
            out.print(usage());
            return Starfall.OK;
        }
        ServiceSettings s = ServiceSettings.resolve(ServiceSettings.Use.INGEST, args.values(), env);
        ServiceSettings.describe(ServiceSettings.Use.INGEST, args.values(), env).forEach((k, v) -> log.info("{} = {}", k, v));
        CheckedManifest checked = CheckedManifest.load(s.manifest(), s.manifestPublicKey());
        Manifest manifest = checked.manifest();
        log.info("Loaded {}", manifest.summary());
        IngestService service = IngestService.start(s, manifest);
        Ingestor ingestor = service.ingestor();
        String sourceUrl = service.sourceUrl();
        out.println("starfall ingest: " + manifest.event().getName() + " from " + (s.simulator() ? "the simulator at " : "") + sourceUrl
                + " as source " + ingestor.sourceId());
        out.println("  manifest  " + manifest.origin() + ", digest " + manifest.digest().substring(0, 12) + ", "
                + checked.check().map(c -> "signature verified by key " + c.keyId()).orElse("signature NOT checked"));
        out.println("  kafka     " + s.bootstrapServers() + ", schema registry " + s.schemaRegistryUrl());
        return Foreground.untilStopped(service, "ingest", out);
    }
}
