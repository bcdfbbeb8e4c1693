package dev.starfall.schemas.manifest.signing;

import java.security.PublicKey;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.starfall.schemas.Topics;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Publishes signed halt notices to {@link Topics#CONTROL}, key = event id, value = the notice's JSON bytes. */
public final class HaltNotices {

    private static final Logger log = LoggerFactory.getLogger(HaltNotices.class);

    private HaltNotices() {
    }

    /** An idempotent producer with {@code acks=all}, suitable for {@link #publish(Producer, HaltNotice, PublicKey, Duration)}. */
    public static Producer<String, byte[]> producer(String bootstrapServers, Duration timeout) {
        int millis = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
        return new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.MAX_BLOCK_MS_CONFIG, millis,
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, Math.min(millis, 30_000),
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Math.max(millis, 30_000 + 1),
                ProducerConfig.LINGER_MS_CONFIG, 0,
                ProducerConfig.CLIENT_ID_CONFIG, "starfall-halt-notice"), new StringSerializer(), new ByteArraySerializer());
    }

    /**
     * Publishes {@code notice} after checking that it verifies against {@code key} (the key every
     * watcher checks with); waits for the broker's acknowledgement.
     *
     * @throws SignatureRefusedException when the notice does not verify; nothing is sent
     */
    public static RecordMetadata publish(Producer<String, byte[]> producer, HaltNotice notice, PublicKey key, Duration timeout) {
        SignatureCheck check = notice.verify(key);
        if (check instanceof SignatureCheck.Refused refused) {
            throw new SignatureRefusedException(refused);
        }
        try {
            RecordMetadata md = producer.send(new ProducerRecord<>(Topics.CONTROL.name(), notice.eventId(), notice.toBytes()))
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            log.info("Published {} notice for {} issued {} to {}-{}@{}", notice.state(), notice.eventId(), notice.issuedAt(),
                    md.topic(), md.partition(), md.offset());
            return md;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while publishing the notice", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("could not publish the notice to " + Topics.CONTROL.name() + ": " + e.getCause().getMessage(),
                    e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("no acknowledgement for the notice within " + timeout, e);
        }
    }
}
