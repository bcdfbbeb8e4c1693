package dev.starfall.cli;

import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.starfall.schemas.manifest.Manifest;
import dev.starfall.schemas.manifest.ManifestLoader;
import dev.starfall.schemas.manifest.signing.ManifestKeys;
import dev.starfall.schemas.manifest.signing.ManifestVerifier;
import dev.starfall.schemas.manifest.signing.SignatureCheck;

/** {@code starfall verify --manifest FILE --public-key FILE}: exit 0 when it verifies, 1 with the reason when not. */
final class VerifyCommand implements Command {

    @Override
    public String name() {
        return "verify";
    }

    @Override
    public String summary() {
        return "check a manifest's signature against a public key";
    }

    @Override
    public String usage() {
        return "usage: starfall verify --manifest FILE --public-key FILE\n\n"
                + "Exit 0 and the event's summary when the manifest carries a valid signature by the key; exit 1 with\n"
                + "the reason when not (no signature by that key, malformed signature, or content changed after signing).\n\n"
                + "options:\n"
                + "  --manifest FILE     the manifest to check\n"
                + "  --public-key FILE   the public key (" + ManifestKeys.PUBLIC_KEY_FILE + " from starfall keygen)\n";
    }

    @Override
    public int run(List<String> argv, Map<String, String> env, PrintStream out, PrintStream err) {
        Args args = Args.parse(argv, Set.of("--manifest", "--public-key"), Set.of());
        if (args.help()) {
            out.print(usage());
            return OK;
        }
        Manifest manifest = ManifestLoader.load(args.requirePath("--manifest"));
        SignatureCheck check = new ManifestVerifier(ManifestKeys.readPublicKey(args.requirePath("--public-key"))).verify(manifest);
        if (check instanceof SignatureCheck.Refused refused) {
            err.println("REFUSED (" + refused.reason() + "): " + refused.message());
            return FAILED;
        }
        out.println("OK: " + check.message());
        out.println("event " + manifest.event().getId() + " pays to " + manifest.event().getDestinationWallet() + " on "
                + manifest.event().getChain() + "/" + manifest.event().getChainId());
        return OK;
    }
}
