package dev.starfall.cli.ops;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import dev.starfall.cli.Args;
import dev.starfall.cli.ServiceSettings.Setting;
import dev.starfall.schemas.manifest.Manifest;
import dev.starfall.schemas.manifest.ManifestLoader;

/**
 * Cluster settings shared by the ops commands: the flag, else the services' environment variable,
 * else the services' default (all from {@link Setting}, so an ops command on a service's host finds
 * what the service uses).
 */
final class OpsSupport {

    static final String BOOTSTRAP = "--bootstrap";
    static final String REGISTRY = "--registry";
    static final String MANIFEST = "--manifest";

    static final String COMMON_HELP = help(BOOTSTRAP + " HOST:PORT", Setting.BOOTSTRAP_SERVERS)
            + help(REGISTRY + " URL", Setting.SCHEMA_REGISTRY_URL)
            + help(MANIFEST + " FILE", Setting.MANIFEST);

    private OpsSupport() {
    }

    static String bootstrap(Args a, Map<String, String> env) {
        return value(a, BOOTSTRAP, Setting.BOOTSTRAP_SERVERS, env).orElseThrow();
    }

    static String registry(Args a, Map<String, String> env) {
        return value(a, REGISTRY, Setting.SCHEMA_REGISTRY_URL, env).orElseThrow();
    }

    static Manifest manifest(Args a, Map<String, String> env) {
        return value(a, MANIFEST, Setting.MANIFEST, env).map(f -> ManifestLoader.load(Path.of(f))).orElseGet(ManifestLoader::loadDefault);
    }

    /** {@code flag}, else {@code setting}'s variable, else its default; empty when none of them is set. */
    static Optional<String> value(Args a, String flag, Setting setting, Map<String, String> env) {
        return a.get(flag).map(String::strip).or(() -> nonBlank(env.get(setting.env()))).or(() -> nonBlank(setting.defaultValue()));
    }

    /** One line of an option list: the flag and what it means, where it defaults to and its default. */
    static String help(String flagAndArgument, Setting setting) {
        return String.format("  %-24s %s (else %s%s)%n", flagAndArgument, setting.doc(), setting.env(),
                setting.defaultValue().isEmpty() ? "" : ", default " + setting.defaultValue());
    }

    /** One line of an option list for an option of the command's own. */
    static String help(String flagAndArgument, String doc) {
        return String.format("  %-24s %s%n", flagAndArgument, doc);
    }

    private static Optional<String> nonBlank(String v) {
        return v == null || v.isBlank() ? Optional.empty() : Optional.of(v.strip());
    }
}
