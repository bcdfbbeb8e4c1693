package dev.starfall.cli;

import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.starfall.gateway.Gateway;
import dev.starfall.projections.ProjectionsService;
import dev.starfall.schemas.manifest.Manifest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code starfall serve}: the projections and the HTTP gateway of one instance, against an external
 * Kafka cluster and schema registry. Instances of the same event form one Streams application and
 * route queries to each other by their advertised host.
 */
final class ServeCommand implements Command {

    private static final Logger log = LoggerFactory.getLogger(ServeCommand.class);

    @Override
    public String name() {
        return "serve";
    }

    @Override
    public String summary() {
        return "projections and HTTP gateway against an external Kafka and schema registry";
    }

    @Override
    public String usage() {
        return "usage: starfall serve [options]\n\n"
                + "Runs the projections (Kafka Streams) and the HTTP gateway of one instance against an external Kafka\n"
                + "cluster and schema registry; start several with distinct advertised hosts to share the work. With a\n"
                + "manifest public key, the manifest must verify or nothing starts, and signed halt notices are followed.\n\n"
                + ServiceSettings.options(ServiceSettings.Use.SERVE);
    }

    @Override
    public int run(List<String> argv, Map<String, String> env, PrintStream out, PrintStream err) throws Exception {
        Args args = Args.parse(argv, ServiceSettings.flags(ServiceSettings.Use.SERVE), Set.of());
        if (args.help()) {
            out.print(usage());
            return Starfall.OK;
        }
        ServiceSettings s = ServiceSettings.resolve(ServiceSettings.Use.SERVE, args.values(), env);
        ServiceSettings.describe(ServiceSettings.Use.SERVE, args.values(), env).forEach((k, v) -> log.info("{} = {}", k, v));
        CheckedManifest checked = CheckedManifest.load(s.manifest(), s.manifestPublicKey());
        Manifest manifest = checked.manifest();
        log.info("Loaded {}", manifest.summary());

        ServeService service = ServeService.start(s, checked);
        Gateway gateway = service.gateway();
        String local = "http://" + s.advertisedHost() + ":" + gateway.port();
        out.println("starfall serve: " + manifest.event().getName() + " as " + s.applicationServer() + " (application "
                + ProjectionsService.Settings.applicationIdFor(manifest) + ")");
        out.println("  manifest    " + manifest.origin() + ", digest " + manifest.digest().substring(0, 12) + ", "
                + checked.check().map(c -> "signature verified by key " + c.keyId()).orElse("signature NOT checked"));
        out.println("  kafka       " + s.bootstrapServers() + ", schema registry " + s.schemaRegistryUrl());
        out.println("  readiness   " + local + "/health/ready");
        out.println("  leaderboard " + local + "/api/v1/showers/1/leaderboard?limit=10");
        return Foreground.untilStopped(service, "serve", out);
    }
}
