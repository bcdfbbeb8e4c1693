package dev.starfall.cli;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.starfall.schemas.manifest.signing.ManifestKeys;

/** {@code starfall keygen --out DIR}: a new Ed25519 key pair for signing manifests and halt notices. */
final class KeygenCommand implements Command {

    @Override
    public String name() {
        return "keygen";
    }

    @Override
    public String summary() {
        return "create an Ed25519 key pair for signing manifests and halt notices";
    }

    @Override
    public String usage() {
        return "usage: starfall keygen --out DIR\n\n"
                + "Writes DIR/" + ManifestKeys.PRIVATE_KEY_FILE + " (PKCS#8 PEM, permissions 600; keep it offline) and\n"
                + "DIR/" + ManifestKeys.PUBLIC_KEY_FILE + " (X.509 PEM; give it to every service), and prints the key's\n"
                + "fingerprint, the key id that signatures carry. Existing key files are never overwritten.\n\n"
                + "options:\n  --out DIR   directory for the two files (created when missing)\n";
    }

    @Override
    public int run(List<String> argv, Map<String, String> env, PrintStream out, PrintStream err) throws Exception {
        Args args = Args.parse(argv, Set.of("--out"), Set.of());
        if (args.help()) {
            out.print(usage());
            return OK;
        }
        Path dir = args.requirePath("--out");
        Path priv = dir.resolve(ManifestKeys.PRIVATE_KEY_FILE);
        Path pub = dir.resolve(ManifestKeys.PUBLIC_KEY_FILE);
        for (Path p : List.of(priv, pub)) {
            if (Files.exists(p)) {
                err.println("starfall keygen: " + p + " already exists; not overwriting a key");
                return FAILED;
            }
        }
        Files.createDirectories(dir);
        KeyPair pair = ManifestKeys.generate();
        ManifestKeys.writePrivateKey(pair.getPrivate(), priv);
        ManifestKeys.writePublicKey(pair.getPublic(), pub);
        out.println("private key  " + priv.toAbsolutePath() + "  (keep offline; signs manifests and halt notices)");
        out.println("public key   " + pub.toAbsolutePath() + "  (STARFALL_MANIFEST_PUBLIC_KEY of every service)");
        out.println("fingerprint  " + ManifestKeys.fingerprint(pair.getPublic()));
        return OK;
    }
}
