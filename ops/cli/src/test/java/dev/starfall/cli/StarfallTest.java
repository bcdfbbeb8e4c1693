package dev.starfall.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import dev.starfall.cli.CliTesting.Result;
import dev.starfall.schemas.manifest.ManifestLoader;
import dev.starfall.schemas.manifest.signing.ManifestKeys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line: dispatch, help, keygen/sign/verify, and the refusal to start on a manifest that does not verify. */
class StarfallTest {

    private static final String WALLET = "terra1wn25alak7ghh78nvfa532tf8lgar8vr7h67mqe";
    private static final String ATTACKER = "terra1attackerattackerattackerattacker0000";
    /** A port nothing listens on: a service that got past the signature check would fail differently. */
    private static final String NOWHERE = "127.0.0.1:1";

    @TempDir
    Path dir;

    private static Result starfall(Map<String, String> env, String... args) {
        return CliTesting.starfall(env, args);
    }

    @Test
    void shouldGiveTheJdkHttpClientLargeBuffersUnlessTheCommandLineChoseASize() {
        Properties none = new Properties();
        Starfall.defaultHttpClientBuffer(none);
        assertThat(none.getProperty("jdk.httpclient.bufsize")).isEqualTo("262144");

        Properties chosen = new Properties();
        chosen.setProperty("jdk.httpclient.bufsize", "32768");
        Starfall.defaultHttpClientBuffer(chosen);
        assertThat(chosen.getProperty("jdk.httpclient.bufsize")).isEqualTo("32768");
    }

    private static Result starfall(String... args) {
        return starfall(Map.of(), args);
    }

    @Test
    void shouldListEveryCommandInTheHelp() {
        Result r = starfall("--help");

        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("run", "serve", "ingest", "keygen", "sign", "verify", "halt", "resume", "reset", "replay", "await-ready");
        assertThat(starfall().code()).isEqualTo(Command.USAGE);
    }

    @Test
    void shouldPrintTheHelpOfEverySubcommand() {
        for (String name : Starfall.commands().keySet()) {
            Result r = starfall(name, "--help");
            assertThat(r.code()).as(name).isZero();
            assertThat(r.out()).as(name).startsWith("usage: starfall " + name);
        }
        assertThat(starfall("serve", "--help").out()).contains("STARFALL_BOOTSTRAP_SERVERS", "STARFALL_MANIFEST_PUBLIC_KEY",
                "STARFALL_ADVERTISED_HOST");
        assertThat(starfall("run", "--help").out()).contains("--public-key");
    }

    @Test
    void shouldRejectAnUnknownCommandOrOptionAsUsage() {
        assertThat(starfall("launch").code()).isEqualTo(Command.USAGE);
        Result r = starfall("verify", "--manifest", "x.json", "--key", "k");
        assertThat(r.code()).isEqualTo(Command.USAGE);
        assertThat(r.err()).contains("unknown option --key");
        assertThat(starfall("serve", "--http-port", "http").err()).contains("--http-port must be an integer");
    }

    @Test
    void shouldPointAUsageErrorOfAnOpsCommandToItsHelp() {
        Result reset = starfall("reset", "--force");
        assertThat(reset.code()).isEqualTo(Command.USAGE);
        assertThat(reset.err()).contains("starfall reset: unknown option --force", "see: starfall reset --help");

        Result export = starfall("replay", "export", "--topic", "transfers", "--format", "xml", "--out", "-");
        assertThat(export.code()).isEqualTo(Command.USAGE);
        assertThat(export.err()).contains("starfall replay export: --format must be csv or jsonl, got 'xml'", "see: starfall replay export --help");

        Result unknown = starfall("replay", "rewind");
        assertThat(unknown.code()).isEqualTo(Command.USAGE);
        assertThat(unknown.err()).contains("starfall replay: unknown replay subcommand 'rewind'", "see: starfall replay --help");

        Result await = starfall("await-ready", "--gateway", "http://127.0.0.1:1", "--settle", "often");
        assertThat(await.code()).isEqualTo(Command.USAGE);
        assertThat(await.err()).contains("starfall await-ready: --settle must be a duration");
    }

    @Test
    void shouldRefuseABadEndpointListBeforeStartingToIngest() {
        Result r = starfall(Map.of("STARFALL_BOOTSTRAP_SERVERS", NOWHERE), "ingest", "--source-url", "main=https://fcd.example@2,backup=fcd.example@1");

        assertThat(r.code()).isEqualTo(Command.USAGE);
        assertThat(r.err()).contains("starfall ingest: --source-url: URL of backup must be http(s)://host[:port][/path], got 'fcd.example'");
        assertThat(starfall("ingest", "--help").out()).contains("STARFALL_SOURCE_URL", "name=URL@weight", "STARFALL_ADMIN_PORT",
                "STARFALL_SOURCE_REQUEST_TIMEOUT", "STARFALL_LCD_DIALECT", "STARFALL_SOLANA_TOKEN_ACCOUNTS", "PUT /endpoints/{name}/weight");
        assertThat(starfall("serve", "--help").out()).contains("STARFALL_APPLICATION_ID", "blue/green");
    }

    @Test
    void shouldGenerateAKeySignAManifestAndVerifyIt() throws IOException {
        Path keys = dir.resolve("keys");
        Result keygen = starfall("keygen", "--out", keys.toString());
        assertThat(keygen.code()).as(keygen.err()).isZero();
        String fingerprint = ManifestKeys.fingerprint(ManifestKeys.readPublicKey(keys.resolve(ManifestKeys.PUBLIC_KEY_FILE)));
        assertThat(keygen.out()).contains("fingerprint  " + fingerprint);
        assertThat(starfall("keygen", "--out", keys.toString()).code()).as("never overwrites a key").isEqualTo(Command.FAILED);

        Path manifest = defaultManifestCopy();
        Result sign = starfall("sign", "--manifest", manifest.toString(), "--key", keys.resolve(ManifestKeys.PRIVATE_KEY_FILE).toString());
        assertThat(sign.code()).as(sign.err()).isZero();
        assertThat(sign.out()).contains("with key " + fingerprint);

        Result verify = starfall("verify", "--manifest", manifest.toString(), "--public-key", keys.resolve(ManifestKeys.PUBLIC_KEY_FILE).toString());
        assertThat(verify.code()).as(verify.err()).isZero();
        assertThat(verify.out()).startsWith("OK: ").contains(WALLET);
    }

    @Test
    void shouldRefuseToVerifyAManifestWhoseWalletChangedAfterSigning() throws IOException {
        Path keys = signedManifestAndKeys();
        Path manifest = dir.resolve("event.json");
        Files.writeString(manifest, Files.readString(manifest).replace(WALLET, ATTACKER));

        Result r = starfall("verify", "--manifest", manifest.toString(), "--public-key", keys.resolve(ManifestKeys.PUBLIC_KEY_FILE).toString());

        assertThat(r.code()).isEqualTo(Command.FAILED);
        assertThat(r.err()).contains("REFUSED (DOES_NOT_VERIFY)", "destinationWallet", ATTACKER);
    }

    @Test
    void shouldRefuseToServeOrIngestATamperedManifestBeforeTouchingKafka() throws IOException {
        Path keys = signedManifestAndKeys();
        Path manifest = dir.resolve("event.json");
        Files.writeString(manifest, Files.readString(manifest).replace(WALLET, ATTACKER));
        Map<String, String> env = Map.of(
                "STARFALL_BOOTSTRAP_SERVERS", NOWHERE,
                "STARFALL_SCHEMA_REGISTRY_URL", "http://" + NOWHERE,
                "STARFALL_MANIFEST", manifest.toString(),
                "STARFALL_MANIFEST_PUBLIC_KEY", keys.resolve(ManifestKeys.PUBLIC_KEY_FILE).toString(),
                "STARFALL_SIMULATOR", "true",
                "STARFALL_STATE_DIR", dir.resolve("state").toString());

        for (String command : List.of("serve", "ingest")) {
            Result r = starfall(env, command);
            assertThat(r.code()).as(command).isEqualTo(Command.FAILED);
            assertThat(r.err()).as(command).contains("refused (DOES_NOT_VERIFY)", "the event content changed after signing", ATTACKER);
        }
        assertThat(dir.resolve("state")).as("serve stopped before creating its state").doesNotExist();
    }

    @Test
    void shouldRefuseToRunTheUnsignedDefaultManifestWhenGivenAPublicKey() {
        Path keys = dir.resolve("keys");
        assertThat(starfall("keygen", "--out", keys.toString()).code()).isZero();

        Result r = starfall("run", "--public-key", keys.resolve(ManifestKeys.PUBLIC_KEY_FILE).toString(),
                "--data-dir", dir.resolve("data").toString());

        assertThat(r.code()).isEqualTo(Command.FAILED);
        assertThat(r.err()).contains("refused (NO_SIGNATURE_BY_KEY)", "carries no signatures");
        assertThat(dir.resolve("data")).doesNotExist();
    }

    private Path signedManifestAndKeys() throws IOException {
        Path keys = dir.resolve("keys");
        assertThat(starfall("keygen", "--out", keys.toString()).code()).isZero();
        Path manifest = defaultManifestCopy();
        assertThat(starfall("sign", "--manifest", manifest.toString(), "--key", keys.resolve(ManifestKeys.PRIVATE_KEY_FILE).toString())
                .code()).isZero();
        return keys;
    }

    private Path defaultManifestCopy() throws IOException {
        Path file = dir.resolve("event.json");
        try (InputStream in = ManifestLoader.class.getClassLoader().getResourceAsStream(ManifestLoader.DEFAULT_RESOURCE)) {
            Files.write(file, in.readAllBytes());
        }
        return file;
    }
}
