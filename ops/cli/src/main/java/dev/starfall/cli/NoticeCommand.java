package dev.starfall.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.starfall.schemas.TopicProvisioner;
import dev.starfall.schemas.Topics;
import dev.starfall.schemas.manifest.signing.HaltNotice;
import dev.starfall.schemas.manifest.signing.HaltNotices;
import dev.starfall.schemas.manifest.signing.ManifestKeys;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.RecordMetadata;

/** {@code starfall halt} and {@code starfall resume}: sign a halt notice and publish it to the control topic. */
final class NoticeCommand implements Command {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final HaltNotice.State state;

    private NoticeCommand(HaltNotice.State state) {
        this.state = state;
    }

    static NoticeCommand halt() {
        return new NoticeCommand(HaltNotice.State.HALTED);
    }

    static NoticeCommand resume() {
        return new NoticeCommand(HaltNotice.State.RESUMED);
    }

    @Override
    public String name() {
        return state == HaltNotice.State.HALTED ? "halt" : "resume";
    }

    @Override
    public String summary() {
        return state == HaltNotice.State.HALTED ? "publish a signed notice that an event is halted"
                : "publish a signed notice that a halted event resumed";
    }

    @Override
    public String usage() {
        return "usage: starfall " + name() + " --event ID --message TEXT --key FILE --bootstrap HOST:PORT [--out FILE]\n\n"
                + "Signs a " + state + " notice for the event with the manifest's private key and publishes it to\n"
                + Topics.CONTROL.name() + " (created when missing). Services started with the manifest's public key\n"
                + "pick it up; a notice that does not verify is ignored by them.\n\n"
                + "options:\n"
                + "  --event ID                  the manifest's event id\n"
                + "  --message TEXT              what clients are told\n"
                + "  --key FILE                  the private key (" + ManifestKeys.PRIVATE_KEY_FILE + ")\n"
                + "  --bootstrap HOST:PORT       Kafka bootstrap servers\n"
                + "  --out FILE                  also write the signed notice (JSON) to FILE\n"
                + "  --replication-factor N      replication factor if the control topic must be created (default 1)\n";
    }

    @Override
    public int run(List<String> argv, Map<String, String> env, PrintStream out, PrintStream err) throws Exception {
        Args args = Args.parse(argv, Set.of("--event", "--message", "--key", "--bootstrap", "--out", "--replication-factor"), Set.of());
        if (args.help()) {
            out.print(usage());
            return OK;
        }
        String event = args.require("--event");
        String message = args.require("--message");
        Path keyFile = args.requirePath("--key");
        String bootstrap = args.require("--bootstrap");
        short rf = (short) args.integer("--replication-factor", 1, 1, 32);
        PrivateKey key = ManifestKeys.readPrivateKey(keyFile);
        PublicKey publicKey = ManifestKeys.publicKeyOf(key);
        HaltNotice notice = HaltNotice.of(event, state, message, Instant.now()).signedWith(key);
        if (args.get("--out").isPresent()) {
            notice.writeTo(args.requirePath("--out"));
        }
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            new TopicProvisioner(admin, rf).ensure(List.of(Topics.CONTROL), TIMEOUT);
        }
        RecordMetadata md;
        try (Producer<String, byte[]> producer = HaltNotices.producer(bootstrap, TIMEOUT)) {
            md = HaltNotices.publish(producer, notice, publicKey, TIMEOUT);
        }
        out.println("published " + state + " for " + event + " issued " + notice.issuedAt() + " signed by key "
                + ManifestKeys.fingerprint(publicKey) + " (" + md.topic() + "-" + md.partition() + "@" + md.offset() + ")");
        return OK;
    }
}
