package dev.starfall.cli;

import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.starfall.schemas.manifest.signing.ManifestKeys;
import dev.starfall.schemas.manifest.signing.ManifestSigner;

/** {@code starfall sign --manifest FILE --key FILE}. */
final class SignCommand implements Command {

    @Override
    public String name() {
        return "sign";
    }

    @Override
    public String summary() {
        return "sign a manifest file with a private key (writes the signature into the file)";
    }

    @Override
    public String usage() {
        return "usage: starfall sign --manifest FILE --key FILE\n\n"
                + "Validates the manifest, signs its event content (canonical JSON: sorted keys, no whitespace) with\n"
                + "the Ed25519 private key, and writes the file back with the signature under \"signatures\",\n"
                + "replacing an earlier signature by the same key. Formatting and key order may change later without\n"
                + "breaking the signature; any changed value breaks it.\n\n"
                + "options:\n"
                + "  --manifest FILE   the manifest to sign (rewritten in place)\n"
                + "  --key FILE        the private key (" + ManifestKeys.PRIVATE_KEY_FILE + " from starfall keygen)\n";
    }

    @Override
    public int run(List<String> argv, Map<String, String> env, PrintStream out, PrintStream err) {
        Args args = Args.parse(argv, Set.of("--manifest", "--key"), Set.of());
        if (args.help()) {
            out.print(usage());
            return OK;
        }
        var manifest = args.requirePath("--manifest");
        var key = ManifestKeys.readPrivateKey(args.requirePath("--key"));
        ManifestSigner.Signed signed = ManifestSigner.signFile(manifest, key);
        out.println("signed " + manifest + " with key " + signed.signature().keyId()
                + (signed.replacedEarlier() ? " (replaced its earlier signature)" : ""));
        out.println("event digest " + signed.digest());
        return OK;
    }
}
