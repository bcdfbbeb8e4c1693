package dev.starfall.bench;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import dev.starfall.embedded.EmbeddedKafka;
import dev.starfall.embedded.registry.SchemaRegistryServer;

/**
 * A child process holding only the embedded broker (KRaft) and the schema registry, so that the
 * services measured run in their own JVMs against it. Prints {@code READY} when both answer; stops
 * on SIGTERM. Arguments: data directory, broker port, registry port.
 */
public final class BrokerMain {

    public static final String READY = "BROKER READY";

    private BrokerMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        if (args.length != 3) {
            System.err.println("usage: BrokerMain <data-dir> <broker-port> <registry-port>");
            System.exit(2);
        }
        int port = Integer.parseInt(args[1]);
        EmbeddedKafka kafka = EmbeddedKafka.start(new EmbeddedKafka.Config(Path.of(args[0]), port, port + 1, Map.of()));
        SchemaRegistryServer registry = SchemaRegistryServer.start(kafka.bootstrapServers(), Integer.parseInt(args[2]));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            registry.close();
            kafka.close();
            stopped.countDown();
        }, "broker-shutdown"));
        System.out.println(READY + " " + kafka.bootstrapServers() + " " + registry.url());
        System.out.flush();
        stopped.await();
    }
}
