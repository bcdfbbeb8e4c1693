package dev.starfall.schemas.manifest.signing;

import java.security.PublicKey;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import dev.starfall.schemas.Topics;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows {@link Topics#CONTROL} from the beginning on a background thread and keeps the latest
 * verified halt notice of one event. Notices that do not parse, do not verify against the public
 * key, name another event, or are older than the current one (a replay) are ignored and logged.
 * Reads {@code read_committed}, without a consumer group: every instance reads everything.
 */
public final class HaltWatcher implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(HaltWatcher.class);
    private static final Duration POLL = Duration.ofMillis(250);
    private static final Duration TOPIC_RETRY = Duration.ofSeconds(1);

    private final String eventId;
    private final PublicKey key;
    private final String keyId;
    private final Consumer<HaltNotice> onChange;
    private final KafkaConsumer<String, byte[]> consumer;
    private final AtomicReference<HaltNotice> current = new AtomicReference<>();
    private final AtomicLong ignored = new AtomicLong();
    private final CountDownLatch caughtUp = new CountDownLatch(1);
    private final CountDownLatch stopping = new CountDownLatch(1);
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final Thread thread;
    private volatile boolean running = true;

    private HaltWatcher(Map<String, Object> consumerConfig, String eventId, PublicKey key, Consumer<HaltNotice> onChange) {
        this.eventId = Objects.requireNonNull(eventId, "eventId");
        this.key = Objects.requireNonNull(key, "key");
        this.keyId = ManifestKeys.fingerprint(key);
        this.onChange = Objects.requireNonNull(onChange, "onChange");
        Map<String, Object> config = new HashMap<>(consumerConfig);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        config.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, "starfall-halt-watcher-" + eventId);
        this.consumer = new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer());
        this.thread = new Thread(this::loop, "starfall-halt-watcher");
        this.thread.setDaemon(true);
    }

    /** Starts watching the notices of {@code eventId}, checking each with {@code key}. */
    public static HaltWatcher start(String bootstrapServers, String eventId, PublicKey key) {
        return start(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers), eventId, key, n -> { });
    }

    /**
     * @param consumerConfig at least {@code bootstrap.servers}; isolation, auto-commit and topic
     *                       auto-creation are set by the watcher
     * @param onChange       called on the watcher's thread with each newly accepted notice
     */
    public static HaltWatcher start(Map<String, Object> consumerConfig, String eventId, PublicKey key, Consumer<HaltNotice> onChange) {
        HaltWatcher w = new HaltWatcher(consumerConfig, eventId, key, onChange);
        w.thread.start();
        return w;
    }

    /** The latest verified notice of the event, or empty when none was ever published. */
    public Optional<HaltNotice> current() {
        return Optional.ofNullable(current.get());
    }

    /** True when the latest verified notice says HALTED. */
    public boolean halted() {
        HaltNotice n = current.get();
        return n != null && n.halted();
    }

    /** Notices seen and ignored (unparseable, unverifiable, other event, replayed). */
    public long ignored() {
        return ignored.get();
    }

    /** The error that stopped the watcher's thread, if any. */
    public Optional<Throwable> failure() {
        return Optional.ofNullable(failure.get());
    }

    /** Waits until the watcher has read everything the topic held when it started. */
    public boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
        return caughtUp.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    public boolean isCaughtUp() {
        return caughtUp.getCount() == 0;
    }

    private void loop() {
        try {
            List<TopicPartition> partitions = awaitPartitions();
            if (partitions.isEmpty()) {
                return;
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            log.info("Watching halt notices of {} on {} (key {})", eventId, Topics.CONTROL.name(), keyId);
            while (running) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(POLL)) {
                    accept(r);
                }
                if (caughtUp.getCount() > 0 && end.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue())) {
                    caughtUp.countDown();
                    log.info("Halt notices of {} read: {}", eventId,
                            current().map(n -> n.state() + " since " + n.issuedAt()).orElse("none"));
                }
            }
        } catch (WakeupException e) {
            if (running) {
                failure.set(e);
                log.error("Halt watcher woken up unexpectedly", e);
            }
        } catch (RuntimeException e) {
            failure.set(e);
            log.error("Halt watcher stopped: {}", e.toString(), e);
        } finally {
            consumer.close(org.apache.kafka.clients.consumer.CloseOptions.timeout(Duration.ofSeconds(5)));
        }
    }

    /** The control topic's partitions, waiting for the topic to exist; empty when closed first. */
    private List<TopicPartition> awaitPartitions() {
        while (running) {
            try {
                var infos = consumer.partitionsFor(Topics.CONTROL.name(), Duration.ofSeconds(5));
                if (infos != null && !infos.isEmpty()) {
                    return infos.stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList();
                }
                log.warn("Topic {} does not exist yet; halt notices are not watched until it does", Topics.CONTROL.name());
            } catch (org.apache.kafka.common.errors.TimeoutException e) {
                log.warn("No metadata for {} yet: {}", Topics.CONTROL.name(), e.getMessage());
            }
            try {
                if (stopping.await(TOPIC_RETRY.toMillis(), TimeUnit.MILLISECONDS)) {
                    break;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return List.of();
    }

    private void accept(ConsumerRecord<String, byte[]> r) {
        String where = r.topic() + "-" + r.partition() + "@" + r.offset();
        if (r.value() == null) {
            if (eventId.equals(r.key())) {
                ignored.incrementAndGet();
                log.warn("Ignored a tombstone for {} at {}: only a signed RESUMED notice lifts a halt", eventId, where);
            }
            return;
        }
        HaltNotice notice;
        try {
            notice = HaltNotice.parse(r.value(), where);
        } catch (IllegalArgumentException e) {
            ignored.incrementAndGet();
            log.warn("Ignored an unreadable notice: {}", e.getMessage());
            return;
        }
        if (!eventId.equals(notice.eventId()) || (r.key() != null && !r.key().equals(notice.eventId()))) {
            if (eventId.equals(r.key()) || eventId.equals(notice.eventId())) {
                ignored.incrementAndGet();
                log.warn("Ignored a notice at {}: key '{}' and notice event '{}' disagree", where, r.key(), notice.eventId());
            }
            return;
        }
        SignatureCheck check = notice.verify(key);
        if (!check.verified()) {
            ignored.incrementAndGet();
            log.warn("Ignored an unverifiable {} notice at {}: {}", notice.state(), where, check.message());
            return;
        }
        HaltNotice previous = current.get();
        if (previous != null && notice.issuedAt().isBefore(previous.issuedAt())) {
            ignored.incrementAndGet();
            log.warn("Ignored a {} notice issued {} at {}: older than the current {} notice issued {} (a replay?)", notice.state(),
                    notice.issuedAt(), where, previous.state(), previous.issuedAt());
            return;
        }
        current.set(notice);
        if (previous == null || !previous.equals(notice)) {
            log.info("Event {} is {} since {} (notice at {}): {}", eventId, notice.state(), notice.issuedAt(), where, notice.message());
            onChange.accept(notice);
        }
    }

    /** Stops the thread and closes the consumer. */
    @Override
    public void close() {
        running = false;
        stopping.countDown();
        consumer.wakeup();
        try {
            thread.join(Duration.ofSeconds(10).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
