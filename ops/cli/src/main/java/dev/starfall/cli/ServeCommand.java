package dev.starfall.cli;

import java.util.Map;

import dev.starfall.schemas.manifest.Manifest;

/**
 * {@code starfall serve}: the projections and the HTTP gateway of one instance, against an external
 * Kafka cluster and schema registry. Instances of the same event and application id form one
 * Streams application and route queries to each other by their advertised host.
 */
final class ServeCommand extends ServiceCommand {

    ServeCommand() {
        super(ServiceSettings.Use.SERVE);
    }

    @Override
    public String name() {
        return "serve";
    }

    @Override
    public String summary() {
        return "projections and HTTP gateway against an external Kafka and schema registry";
    }

    @Override
    String description() {
        return "Runs the projections (Kafka Streams) and the HTTP gateway of one instance against an external Kafka\n"
                + "cluster and schema registry; start several with distinct advertised hosts to share the work. With a\n"
                + "manifest public key, the manifest must verify or nothing starts, and signed halt notices are followed.\n"
                + "A new application id builds a second copy of the stores beside a running fleet (blue/green; see\n"
                + "starfall await-ready).\n";
    }

    @Override
    Started start(ServiceSettings s, CheckedManifest checked, Map<String, String> banner) {
        Manifest manifest = checked.manifest();
        ServeService service = ServeService.start(s, checked);
        String local = "http://" + s.advertisedHost() + ":" + service.gateway().port();
        banner.put("readiness", local + "/health/ready");
        banner.put("leaderboard", local + "/api/v1/showers/1/leaderboard?limit=10");
        return new Started(service, manifest.event().getName() + " as " + s.applicationServer() + " (application "
                + service.applicationId() + ")");
    }
}
