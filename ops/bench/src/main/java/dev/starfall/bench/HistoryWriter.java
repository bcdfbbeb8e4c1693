package dev.starfall.bench;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongConsumer;

import dev.starfall.schemas.Bech32;
import dev.starfall.schemas.Topics;
import dev.starfall.schemas.avro.TransferObserved;
import dev.starfall.schemas.manifest.Manifest;
import dev.starfall.schemas.manifest.ShowerSchedule;
import dev.starfall.schemas.registry.HttpSchemaRegistryClient;
import dev.starfall.schemas.serde.AvroSerdes;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Writes a synthetic history straight to the transfers topic, in the ingestor's format (keyed by
 * sender, Confluent wire format through the registry), oldest block first: the fast way to give
 * the projections 100 k to 10 M events of history when what is measured is not the ingestor.
 * Deterministic by seed. Amounts are integer minor units with a heavy tail; every event falls in
 * one of the manifest's showers.
 */
public final class HistoryWriter {

    /** What was written. */
    public record Written(long events, BigInteger raised, Map<Integer, BigInteger> raisedByShower) {
    }

    private final Manifest manifest;
    private final int wallets;
    private final long seed;

    public HistoryWriter(Manifest manifest, int wallets, long seed) {
        this.manifest = manifest;
        this.wallets = wallets;
        this.seed = seed;
    }

    /** The address of sender {@code i}: a valid bech32 address of the manifest's chain prefix. */
    public static String wallet(String hrp, int i) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(("bench-wallet-" + i).getBytes(StandardCharsets.UTF_8));
            byte[] twenty = new byte[20];
            System.arraycopy(hash, 0, twenty, 0, 20);
            return Bech32.encode(hrp, twenty);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The hash of transaction {@code sequence}: SHA-256 of the sequence, in upper-case hex, as a
     * chain's hashes look. They are uniformly random, so the transfer ids reach the projections'
     * stores in no key order, as a chain's do; hashes in sequence (written until the
     * twenty-seventh round) reached RocksDB in key order, which made each new id's read and write
     * cheaper than a chain's (ops/bench/REPORT.md, section 3).
     */
    static String txHash(long sequence) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(ByteBuffer.allocate(Long.BYTES).putLong(sequence).array());
            return HexFormat.of().withUpperCase().formatHex(hash);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Writes {@code events} transfers; {@code progress} is told the count every 100,000. */
    public Written write(String bootstrapServers, String registryUrl, long events, LongConsumer progress) {
        ShowerSchedule schedule = manifest.schedule();
        String[] senders = senders();
        Serializer<TransferObserved> values = serializer(registryUrl);
        String topic = Topics.TRANSFERS_OBSERVED.name();
        long first = schedule.opensAt().toEpochMilli() + 1;
        long last = schedule.closeOf(schedule.showerCount()).toEpochMilli();
        long span = last - first;
        SplittableRandom random = new SplittableRandom(seed);
        BigInteger raised = BigInteger.ZERO;
        Map<Integer, BigInteger> byShower = new HashMap<>();
        Instant now = Instant.now();
        try (KafkaProducer<String, byte[]> producer = producer(bootstrapServers)) {
            for (long e = 0; e < events; e++) {
                long blockTime = first + e * (span / 1000) / events * 1000;
                int shower = schedule.showerOf(blockTime).orElseThrow();
                BigInteger amount = amount(random);
                String sender = senders[random.nextInt(wallets)];
                producer.send(new ProducerRecord<>(topic, sender, values.serialize(topic, transfer(e, blockTime, sender, amount, now))));
                raised = raised.add(amount);
                byShower.merge(shower, amount, BigInteger::add);
                if ((e + 1) % 100_000 == 0) {
                    progress.accept(e + 1);
                }
            }
            producer.flush();
        }
        return new Written(events, raised, byShower);
    }

    /**
     * Starts writing transfers into {@code shower} at {@code perSecond}, each with the block time
     * one millisecond before the shower's close (so the shower keeps counting and the chain's
     * watermark stays inside it), until closed: a shower that is live while it is being read. Half
     * of the senders are drawn from {@code topUps} (wallets already in the shower, which move up
     * its ranking), half from every wallet of the history. Transaction hashes continue after
     * {@code firstSequence}, so none repeats one of the history's.
     */
    public Trickle trickle(String bootstrapServers, String registryUrl, int shower, long firstSequence, double perSecond,
                           List<String> topUps) {
        return new Trickle(bootstrapServers, registryUrl, shower, firstSequence, perSecond, List.copyOf(topUps));
    }

    /** Transfers written in the background by {@link #trickle}; {@link #close} stops, flushes and reports failures. */
    public final class Trickle implements AutoCloseable {

        private final Thread thread;
        private final AtomicLong written = new AtomicLong();
        private volatile boolean stop;
        private volatile Exception failure;

        private Trickle(String bootstrapServers, String registryUrl, int shower, long firstSequence, double perSecond,
                        List<String> topUps) {
            long blockTime = manifest.schedule().closeOf(shower).toEpochMilli() - 1;
            String[] senders = senders();
            Serializer<TransferObserved> values = serializer(registryUrl);
            String topic = Topics.TRANSFERS_OBSERVED.name();
            long intervalNanos = Math.max(1, Math.round(1e9 / perSecond));
            this.thread = new Thread(() -> {
                SplittableRandom random = new SplittableRandom(seed + firstSequence);
                Instant now = Instant.now();
                long next = System.nanoTime();
                try (KafkaProducer<String, byte[]> producer = producer(bootstrapServers)) {
                    for (long e = firstSequence; !stop; e++) {
                        String sender = random.nextBoolean() && !topUps.isEmpty() ? topUps.get(random.nextInt(topUps.size()))
                                : senders[random.nextInt(wallets)];
                        producer.send(new ProducerRecord<>(topic, sender, values.serialize(topic,
                                transfer(e, blockTime, sender, amount(random), now))));
                        written.incrementAndGet();
                        next += intervalNanos;
                        long wait = next - System.nanoTime();
                        if (wait > 0) {
                            LockSupport.parkNanos(wait);
                        }
                    }
                    producer.flush();
                } catch (RuntimeException ex) {
                    failure = ex;
                }
            }, "bench-trickle");
            thread.setDaemon(true);
            thread.start();
        }

        /** Transfers handed to the producer so far. */
        public long written() {
            return written.get();
        }

        @Override
        public void close() {
            stop = true;
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while stopping the trickle of transfers", e);
            }
            if (failure != null) {
                throw new IllegalStateException("the trickle of transfers failed", failure);
            }
        }
    }

    private String[] senders() {
        String hrp = Bech32.decode(manifest.event().getDestinationWallet()).hrp();
        String[] senders = new String[wallets];
        for (int i = 0; i < wallets; i++) {
            senders[i] = wallet(hrp, i);
        }
        return senders;
    }

    private Serializer<TransferObserved> serializer(String registryUrl) {
        return AvroSerdes.specific(TransferObserved.class, new HttpSchemaRegistryClient(registryUrl), false).serializer();
    }

    private static KafkaProducer<String, byte[]> producer(String bootstrapServers) {
        Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        config.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        config.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        return new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer());
    }

    /** A heavy tail in integer units: most near the minimum, a few a thousand times it. */
    private BigInteger amount(SplittableRandom random) {
        BigInteger unit = manifest.minimumContribution().signum() > 0 ? manifest.minimumContribution() : BigInteger.valueOf(1_000_000);
        long k = 1 + random.nextInt(40);
        long whales = random.nextInt(100) == 0 ? 1 + random.nextInt(1000) : 1;
        return unit.multiply(BigInteger.valueOf(k * k * whales)).divide(BigInteger.valueOf(16))
                .add(BigInteger.valueOf(random.nextInt(1_000_000)));
    }

    private TransferObserved transfer(long sequence, long blockTime, String sender, BigInteger amount, Instant observedAt) {
        return TransferObserved.newBuilder()
                .setChain(manifest.event().getChain())
                .setChainId(manifest.event().getChainId())
                .setTxHash(txHash(sequence))
                .setMessageIndex(0)
                .setBlockHeight(5_000_000 + sequence / 10)
                .setBlockTime(Instant.ofEpochMilli(blockTime))
                .setSender(sender)
                .setRecipient(manifest.event().getDestinationWallet())
                .setDenom(manifest.event().getDenom())
                .setAmount(new BigDecimal(amount))
                .setMemo(null)
                .setSourceEndpoint("bench-history")
                .setObservedAt(observedAt)
                .build();
    }
}
