package dev.starfall.cli;

import java.util.Map;

import dev.starfall.ingestor.source.http.EndpointPool;

/**
 * {@code starfall ingest}: the chain ingestor against an external Kafka cluster and schema
 * registry, reading the manifest's chain from the endpoints of {@code STARFALL_SOURCE_URL} or from
 * the built-in simulator.
 */
final class IngestCommand extends ServiceCommand {

    IngestCommand() {
        super(ServiceSettings.Use.INGEST);
    }

    @Override
    public String name() {
        return "ingest";
    }

    @Override
    public String summary() {
        return "the chain ingestor against an external Kafka and schema registry";
    }

    @Override
    String description() {
        return "Creates the topics, then reads the transfers to the manifest's destination wallet from the chain API\n"
                + "into Kafka, once, from a checkpointed cursor. The manifest's chain picks the API: terra-classic and\n"
                + "simulated read an FCD, cosmos an LCD, solana a JSON-RPC node. Requests are paced per endpoint and\n"
                + "split between the endpoints by weight, with failover; the admin listener serves metrics and changes\n"
                + "the split while running, e.g.\n"
                + "  curl -X PUT --data 3 http://localhost:9464/endpoints/backup/weight\n"
                + "With a manifest public key, the manifest must verify or nothing starts.\n";
    }

    @Override
    Started start(ServiceSettings s, CheckedManifest checked, Map<String, String> banner) {
        IngestService service = IngestService.start(s, checked.manifest());
        banner.put("endpoints", String.join(", ", service.endpoints().stream().map(IngestCommand::describe).toList()));
        banner.put("pacing", s.source().ratePerSecond() + " requests/s, burst " + s.source().burst() + " per endpoint; timeout "
                + s.source().requestTimeout().toMillis() + " ms");
        String adminHost = s.bindHost().equals("0.0.0.0") ? "localhost" : s.bindHost();
        service.admin().ifPresent(a -> banner.put("admin", "http://" + adminHost + ":" + a.port() + "/metrics, /endpoints, "
                + "PUT /endpoints/{name}/weight"));
        return new Started(service, checked.manifest().event().getName() + " from " + (s.simulator() ? "the built-in simulator" : "the chain API")
                + " as source " + service.ingestor().sourceId());
    }

    private static String describe(EndpointPool.EndpointConfig e) {
        return e.name() + "=" + e.baseUrl() + " (weight " + e.weight() + ")";
    }
}
