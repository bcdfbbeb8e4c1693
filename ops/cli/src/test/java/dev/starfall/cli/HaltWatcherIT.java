package dev.starfall.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import dev.starfall.embedded.EmbeddedKafka;
import dev.starfall.schemas.TopicProvisioner;
import dev.starfall.schemas.Topics;
import dev.starfall.schemas.manifest.signing.HaltNotice;
import dev.starfall.schemas.manifest.signing.HaltNotices;
import dev.starfall.schemas.manifest.signing.HaltWatcher;
import dev.starfall.schemas.manifest.signing.ManifestKeys;
import dev.starfall.schemas.manifest.signing.SignatureRefusedException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Halt notices on a real broker: {@code starfall halt} publishes a signed notice, a watcher reading
 * the control topic from the beginning takes it, ignores forged, tampered and replayed notices, and
 * follows a later signed RESUMED.
 */
class HaltWatcherIT {

    private static final String EVENT = "levana-dragons-2021";
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    @Test
    void shouldFollowSignedNoticesAndIgnoreUnverifiableOnes() throws Exception {
        Path keys = dir.resolve("keys");
        assertThat(run("keygen", "--out", keys.toString())).isZero();
        KeyPair key = new KeyPair(ManifestKeys.readPublicKey(keys.resolve(ManifestKeys.PUBLIC_KEY_FILE)),
                ManifestKeys.readPrivateKey(keys.resolve(ManifestKeys.PRIVATE_KEY_FILE)));
        KeyPair other = ManifestKeys.generate();

        try (EmbeddedKafka kafka = EmbeddedKafka.start(EmbeddedKafka.Config.ephemeral(dir.resolve("kafka")))) {
            String bootstrap = kafka.bootstrapServers();
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
                new TopicProvisioner(admin, (short) 1).ensure(List.of(Topics.CONTROL), Duration.ofSeconds(30));
            }
            assertThat(run("halt", "--event", EVENT, "--message", "Shower 2 is halted", "--key",
                    keys.resolve(ManifestKeys.PRIVATE_KEY_FILE).toString(), "--bootstrap", bootstrap)).isZero();

            try (Producer<String, byte[]> producer = HaltNotices.producer(bootstrap, TIMEOUT);
                 HaltWatcher watcher = HaltWatcher.start(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap), EVENT,
                         key.getPublic(), n -> { })) {
                assertThat(watcher.awaitCaughtUp(TIMEOUT)).as("caught up").isTrue();
                assertThat(watcher.current()).hasValueSatisfying(n -> {
                    assertThat(n.state()).isEqualTo(HaltNotice.State.HALTED);
                    assertThat(n.message()).isEqualTo("Shower 2 is halted");
                });
                HaltNotice halted = watcher.current().orElseThrow();

                Instant later = halted.issuedAt().plusSeconds(60);
                HaltNotice forged = HaltNotice.of(EVENT, HaltNotice.State.RESUMED, "all clear", later).signedWith(other.getPrivate());
                assertThatThrownBy(() -> HaltNotices.publish(producer, forged, key.getPublic(), TIMEOUT))
                        .isInstanceOf(SignatureRefusedException.class);
                HaltNotice signed = HaltNotice.of(EVENT, HaltNotice.State.HALTED, "halted", later).signedWith(key.getPrivate());
                HaltNotice tampered = new HaltNotice(EVENT, HaltNotice.State.RESUMED, "halted", later, signed.signatures());
                send(producer, forged.toBytes());
                send(producer, tampered.toBytes());
                send(producer, "not json".getBytes(StandardCharsets.UTF_8));
                awaitTrue(() -> watcher.ignored() == 3, "three unverifiable notices ignored");
                assertThat(watcher.halted()).as("still halted").isTrue();

                HaltNotice resumed = HaltNotice.of(EVENT, HaltNotice.State.RESUMED, "Shower 2 resumed", later).signedWith(key.getPrivate());
                HaltNotices.publish(producer, resumed, key.getPublic(), TIMEOUT);
                awaitTrue(() -> watcher.current().map(n -> n.state() == HaltNotice.State.RESUMED).orElse(false), "resumed");

                send(producer, halted.toBytes());
                awaitTrue(() -> watcher.ignored() == 4, "the replayed older HALTED ignored");
                assertThat(watcher.current()).contains(resumed);
                assertThat(watcher.failure()).isEmpty();
            }

            try (HaltWatcher late = HaltWatcher.start(bootstrap, EVENT, key.getPublic())) {
                assertThat(late.awaitCaughtUp(TIMEOUT)).isTrue();
                assertThat(late.current()).hasValueSatisfying(n -> assertThat(n.state()).isEqualTo(HaltNotice.State.RESUMED));
            }
            try (HaltWatcher wrongKey = HaltWatcher.start(bootstrap, EVENT, other.getPublic())) {
                assertThat(wrongKey.awaitCaughtUp(TIMEOUT)).isTrue();
                assertThat(wrongKey.current()).as("only the notice made with that other key verifies against it")
                        .hasValueSatisfying(n -> assertThat(n.message()).isEqualTo("all clear"));
                assertThat(wrongKey.ignored()).as("the real key's three notices, the tampered one and the garbage").isEqualTo(5);
            }
        }
    }

    private static void send(Producer<String, byte[]> producer, byte[] value) throws Exception {
        producer.send(new ProducerRecord<>(Topics.CONTROL.name(), EVENT, value)).get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }

    private static int run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        return Starfall.run(List.of(args), Map.of(), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(out, true, StandardCharsets.UTF_8));
    }

    private static void awaitTrue(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting: " + what);
            }
            LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
        }
    }
}
