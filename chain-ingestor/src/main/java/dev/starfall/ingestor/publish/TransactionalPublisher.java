package dev.starfall.ingestor.publish;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

import dev.starfall.ingestor.source.SourceBatch;
import dev.starfall.schemas.Topics;
import dev.starfall.schemas.avro.PayloadRejected;
import dev.starfall.schemas.avro.SourceCursor;
import dev.starfall.schemas.avro.TransferObserved;
import dev.starfall.schemas.avro.TransferRejected;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.FencedInstanceIdException;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes a {@link SourceBatch} and the source's new cursor in ONE Kafka transaction:
 * {@link TransferObserved} to {@link Topics#TRANSFERS_OBSERVED} keyed by sender,
 * {@link TransferRejected} to {@link Topics#TRANSFERS_REJECTED} keyed by tx hash and the
 * {@link SourceCursor} to {@link Topics#INGEST_CURSORS} keyed by source id (a batch without events is a
 * cursor-only transaction that moves the cursor's chain time). Readers with
 * {@code isolation.level=read_committed} see all of it or none of it, so a crash at any point
 * neither loses nor duplicates an event.
 *
 * <p>The producer is idempotent with {@code acks=all}; its {@code transactional.id} is fixed per
 * source, so a restarted instance fences the old one and aborts its open transaction in
 * {@link #init()}. Values are serialised up front with the given serializers (Confluent wire
 * format), keys as UTF-8 strings. Used by one thread.
 */
public final class TransactionalPublisher implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(TransactionalPublisher.class);

    /** Value serializers of the four topics. */
    public record Serializers(Serializer<TransferObserved> observed, Serializer<TransferRejected> rejected,
                              Serializer<SourceCursor> cursor, Serializer<PayloadRejected> malformed) {
        public Serializers {
            Objects.requireNonNull(observed, "observed");
            Objects.requireNonNull(rejected, "rejected");
            Objects.requireNonNull(cursor, "cursor");
            Objects.requireNonNull(malformed, "malformed");
        }
    }

    private final Producer<String, byte[]> producer;
    private final Serializers serializers;
    private final String transactionalId;
    private Map<String, Long> observedOffsets = new TreeMap<>();

    /**
     * @param bootstrapServers Kafka bootstrap servers
     * @param transactionalId  stable per source
     * @param overrides        extra producer settings (cannot turn idempotence or acks=all off)
     */
    public TransactionalPublisher(String bootstrapServers, String transactionalId, Map<String, String> overrides, Serializers serializers) {
        this.transactionalId = Objects.requireNonNull(transactionalId, "transactionalId");
        this.serializers = Objects.requireNonNull(serializers, "serializers");
        Map<String, Object> config = new HashMap<>(overrides);
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, transactionalId);
        config.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 5);
        // A group commit holds up to 5,000 events (about 1 MB): in 256 KiB batches instead of the
        // default 16 KiB, the broker appends, and checks, a few batches a partition, not dozens.
        config.putIfAbsent(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        config.putIfAbsent(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        config.putIfAbsent(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, 60_000);
        this.producer = new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer());
    }

    /**
     * Where this source's last committed cursor left the transfers topic: the offset of its last
     * event per partition. Called once on start with the cursor it resumes from.
     */
    public void resumeFrom(SourceCursor cursor) {
        Map<String, Long> offsets = cursor.getObservedOffsets();
        Map<String, Long> copy = new TreeMap<>();
        if (offsets != null) {
            copy.putAll(offsets);
        }
        observedOffsets = copy;
    }

    /** Registers the transactional id with the coordinator, fencing and aborting any older instance's transaction. */
    public void init() {
        try {
            producer.initTransactions();
        } catch (KafkaException e) {
            throw new PublishException("Cannot initialise transactions for " + transactionalId + ": " + e.getMessage(), isFatal(e), e);
        }
    }

    /** Sends the batch and the cursor in one transaction and commits it; aborts on any failure. */
    public void publish(SourceBatch batch, SourceCursor cursor) {
        boolean begun = false;
        try {
            producer.beginTransaction();
            begun = true;
            String observedTopic = Topics.TRANSFERS_OBSERVED.name();
            List<Future<RecordMetadata>> sent = new ArrayList<>(batch.observed().size());
            for (TransferObserved t : batch.observed()) {
                sent.add(producer.send(new ProducerRecord<>(observedTopic, t.getSender(), serializers.observed().serialize(observedTopic, t))));
            }
            String rejectedTopic = Topics.TRANSFERS_REJECTED.name();
            for (TransferRejected t : batch.rejected()) {
                producer.send(new ProducerRecord<>(rejectedTopic, t.getTxHash(), serializers.rejected().serialize(rejectedTopic, t)));
            }
            Map<String, Long> offsets = new TreeMap<>(observedOffsets);
            if (!sent.isEmpty()) {
                // the offsets are assigned once the records are written: the cursor names them
                producer.flush();
                for (Future<RecordMetadata> f : sent) {
                    RecordMetadata m = f.get();
                    offsets.merge(Integer.toString(m.partition()), m.offset(), Math::max);
                }
            }
            SourceCursor withOffsets = SourceCursor.newBuilder(cursor).setObservedOffsets(offsets).build();
            String cursorTopic = Topics.INGEST_CURSORS.name();
            producer.send(new ProducerRecord<>(cursorTopic, cursor.getSourceId(), serializers.cursor().serialize(cursorTopic, withOffsets)));
            producer.commitTransaction();
            observedOffsets = offsets;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            try {
                producer.abortTransaction();
            } catch (RuntimeException abort) {
                e.addSuppressed(abort);
            }
            throw new PublishException("Transaction of " + batch.events() + " events interrupted", true, e);
        } catch (ExecutionException e) {
            RuntimeException cause = e.getCause() instanceof RuntimeException r ? r : new KafkaException(e.getCause());
            boolean fatal = isFatal(cause);
            if (!fatal) {
                try {
                    producer.abortTransaction();
                } catch (RuntimeException abort) {
                    cause.addSuppressed(abort);
                    fatal = true;
                }
            }
            throw new PublishException("Transaction of " + batch.events() + " events up to position " + batch.newest().position()
                    + (fatal ? " failed" : " aborted") + ": " + cause.getMessage(), fatal, cause);
        } catch (RuntimeException e) {
            boolean fatal = isFatal(e);
            if (begun && !fatal) {
                try {
                    producer.abortTransaction();
                } catch (RuntimeException abort) {
                    e.addSuppressed(abort);
                    fatal = true;
                }
            }
            throw new PublishException("Transaction of " + batch.events() + " events up to position " + batch.newest().position()
                    + (fatal ? " failed" : " aborted") + ": " + e.getMessage(), fatal, e);
        }
    }

    /**
     * Records an unparseable payload to {@link Topics#INGEST_MALFORMED} in a transaction of its own
     * (no events, no cursor), keyed by source id.
     */
    public void recordMalformed(PayloadRejected record) {
        boolean begun = false;
        try {
            producer.beginTransaction();
            begun = true;
            String topic = Topics.INGEST_MALFORMED.name();
            producer.send(new ProducerRecord<>(topic, record.getSourceId(), serializers.malformed().serialize(topic, record)));
            producer.commitTransaction();
        } catch (RuntimeException e) {
            boolean fatal = isFatal(e);
            if (begun && !fatal) {
                try {
                    producer.abortTransaction();
                } catch (RuntimeException abort) {
                    e.addSuppressed(abort);
                    fatal = true;
                }
            }
            throw new PublishException("Recording the malformed payload of " + record.getSourceId() + " failed: " + e.getMessage(), fatal, e);
        }
    }

    /** Closes the producer; a transaction still open is aborted by the coordinator on fencing or timeout. */
    public void close(Duration timeout) {
        try {
            producer.close(timeout);
        } catch (RuntimeException e) {
            log.warn("Closing the producer of {} failed: {}", transactionalId, e.toString());
        }
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(30));
    }

    private static boolean isFatal(Throwable e) {
        for (Throwable c = e; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof ProducerFencedException || c instanceof FencedInstanceIdException
                    || c instanceof OutOfOrderSequenceException || c instanceof AuthorizationException
                    || c instanceof UnsupportedVersionException || c instanceof InvalidConfigurationException
                    || c instanceof IllegalStateException) {
                return true;
            }
        }
        return false;
    }
}
