package dev.starfall.cli.ops;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import dev.starfall.schemas.manifest.Manifest;
import dev.starfall.schemas.manifest.ManifestLoader;

/** Settings shared by the ops commands: flag, else the services' environment variable, else the default. */
final class OpsSupport {

    static final String BOOTSTRAP = "--bootstrap";
    static final String REGISTRY = "--registry";
    static final String MANIFEST = "--manifest";

    private OpsSupport() {
    }

    static String bootstrap(OpsArgs a, Map<String, String> env) {
        return a.get(BOOTSTRAP).or(() -> nonBlank(env.get("STARFALL_BOOTSTRAP_SERVERS"))).orElse("localhost:9092");
    }

    static String registry(OpsArgs a, Map<String, String> env) {
        return a.get(REGISTRY).or(() -> nonBlank(env.get("STARFALL_SCHEMA_REGISTRY_URL"))).orElse("http://localhost:8081");
    }

    static Manifest manifest(OpsArgs a, Map<String, String> env) {
        Optional<String> file = a.get(MANIFEST).or(() -> nonBlank(env.get("STARFALL_MANIFEST")));
        return file.map(f -> ManifestLoader.load(Path.of(f))).orElseGet(ManifestLoader::loadDefault);
    }

    static final String COMMON_HELP = String.format(
            "  %-24s %s%n  %-24s %s%n  %-24s %s%n",
            BOOTSTRAP + " HOST:PORT", "Kafka bootstrap servers (else STARFALL_BOOTSTRAP_SERVERS, default localhost:9092)",
            REGISTRY + " URL", "schema registry (else STARFALL_SCHEMA_REGISTRY_URL, default http://localhost:8081)",
            MANIFEST + " FILE", "event manifest (else STARFALL_MANIFEST, default the shipped Levana Dragons manifest)");

    private static Optional<String> nonBlank(String v) {
        return v == null || v.isBlank() ? Optional.empty() : Optional.of(v.strip());
    }
}
