package dev.starfall.cli;

import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.starfall.schemas.manifest.Manifest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What {@code starfall serve} and {@code starfall ingest} share: options from {@link ServiceSettings},
 * the effective settings logged, the manifest loaded and checked before anything starts, a banner,
 * and the service kept in the foreground until Ctrl-C or SIGTERM.
 */
abstract class ServiceCommand implements Command {

    private static final Logger log = LoggerFactory.getLogger(ServiceCommand.class);

    private final ServiceSettings.Use use;

    ServiceCommand(ServiceSettings.Use use) {
        this.use = use;
    }

    /** What the service does, for its {@code --help}; ends with a newline. */
    abstract String description();

    /**
     * Starts the service and says where it can be reached.
     *
     * @param banner lines printed under the headline, as label and value
     */
    abstract Started start(ServiceSettings s, CheckedManifest checked, Map<String, String> banner);

    /** A started service and the first line of its banner. */
    record Started(AutoCloseable service, String headline) {
    }

    @Override
    public final String usage() {
        return "usage: starfall " + name() + " [options]\n\n" + description() + "\n" + ServiceSettings.options(use);
    }

    @Override
    public final int run(List<String> argv, Map<String, String> env, PrintStream out, PrintStream err) throws Exception {
        Args args = Args.parse(argv, ServiceSettings.flags(use), Set.of());
        if (args.help()) {
            out.print(usage());
            return OK;
        }
        ServiceSettings s = ServiceSettings.resolve(use, args.values(), env);
        ServiceSettings.describe(use, args.values(), env).forEach((k, v) -> log.info("{} = {}", k, v));
        CheckedManifest checked = CheckedManifest.load(s.manifest(), s.manifestPublicKey());
        Manifest manifest = checked.manifest();
        log.info("Loaded {}", manifest.summary());

        Map<String, String> banner = new LinkedHashMap<>();
        banner.put("manifest", manifest.origin() + ", digest " + manifest.digest().substring(0, 12) + ", "
                + checked.check().map(c -> "signature verified by key " + c.keyId()).orElse("signature NOT checked"));
        banner.put("kafka", s.bootstrapServers() + ", schema registry " + s.schemaRegistryUrl());
        Started started = start(s, checked, banner);
        out.println("starfall " + name() + ": " + started.headline());
        banner.forEach((label, value) -> out.printf("  %-11s %s%n", label, value));
        return Foreground.untilStopped(started.service(), name(), out);
    }
}
