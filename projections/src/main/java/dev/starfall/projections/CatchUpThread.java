package dev.starfall.projections;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import dev.starfall.schemas.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A second stream thread for the projections while they have a large backlog and a core is free.
 *
 * <p>One stream thread waits for its exactly-once commits about a seventh of its time and leaves
 * a core idle when nothing else in the process needs it; a second thread counts while the first
 * commits. Nothing else needs that core in a {@code serve} instance rebuilding after a reset or a
 * green application reading the transfer log from the start, nor in the embedded default once its
 * ingestor has caught up with the chain (before that, its ingest side does, and two threads cost
 * more CPU a transfer for no gain: ops/bench/REPORT.md, twenty-sixth round).
 *
 * <p>So the thread is added only when {@code coreFree} says so, the instance is the only one of
 * its application, and the backlog is large enough to pay for the rebalances that move tasks to the
 * new thread and back; it is removed once the backlog is worked off, so an instance that has caught
 * up runs, and answers reads, with one thread as before.
 *
 * <p>The backlog is the main consumers' {@code records-lag}, summed over their partitions (the
 * transfers and the repartitioned transfers; a record waiting in both counts twice, which only
 * moves the thresholds). A partition's lag is known once a poll has returned its records, so the
 * sum reads low at a start and after a rebalance: an add may come a few checks later, and a
 * removal waits for two seconds of low readings.
 *
 * <p>A fresh instance that is alone ({@link #noLocalState}, {@link #members}: a first start, a
 * rebuild after a reset, a green application, a new instance restoring a lost one's state) and has
 * many records ahead of it ({@link #ahead}, {@link #FRESH_START_FROM}) starts with the second thread
 * instead ({@link #FRESH_START}, {@link #watchFreshStart}): its tasks restore everything from their
 * changelogs, which no lag shows, and then count whatever the changelogs had not reached, so the
 * thread pays for itself from the start and costs no rebalance to add. With few records ahead (an
 * empty or small history) it would gain nothing, and its clients and join cost CPU at the start.
 */
public final class CatchUpThread implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(CatchUpThread.class);

    /**
     * How long the backlog must read low, with no rebalance, before the added thread is removed. A
     * partition's lag is known only once a poll has returned its records, so right after a
     * rebalance the sum reads low until every partition with records has been polled again.
     */
    private static final long LOW_FOR_NANOS = Duration.ofSeconds(2).toNanos();

    /**
     * @param addFrom    backlog (records) from which the thread is added: it must save more than
     *                   the rebalances cost
     * @param removeUpTo backlog (records) at or under which, read for two seconds, it is removed
     * @param every      how often the backlog is read
     */
    public record Settings(long addFrom, long removeUpTo, Duration every) {
        /**
         * From 500,000 records (about 15 s of counting alone) to 1,000, read every half second. The
         * rebalances that move tasks to the new thread and back cost a few seconds of counting: the
         * embedded default's tail after its ingestor has published 1 M transfers (410,000 to 460,000
         * records) gained nothing measurable from a thread at 100,000, while a build of 2 M events and
         * a rebuild of 1 M each took 0.88 of the time (medians; ops/bench/REPORT.md, sections 2 and 4,
         * thirty-second round).
         */
        public static final Settings DEFAULT = new Settings(500_000, 1_000, Duration.ofMillis(500));

        public Settings {
            Objects.requireNonNull(every, "every");
            if (removeUpTo < 0 || addFrom <= removeUpTo) {
                throw new IllegalArgumentException("need 0 <= removeUpTo < addFrom, got " + removeUpTo + " and " + addFrom);
            }
        }
    }

    /**
     * Kafka Streams settings for a fresh instance that is alone, applied under an operator's own: a
     * second stream thread (each has a state updater of its own, so the tasks restore two at a time)
     * and restore batches of 10,000 records instead of 1,000. Given by hand, they took a fresh restore
     * of 10 M events from 61.4 to 53.4 s (medians; ops/bench/REPORT.md, section 3, twenty-sixth round);
     * as {@code serve}'s fresh start, from 110.7 to 80.3 s on a slower stretch (thirty-third round).
     */
    public static final Map<String, Object> FRESH_START = Map.of(
            StreamsConfig.NUM_STREAM_THREADS_CONFIG, 2,
            StreamsConfig.restoreConsumerPrefix(ConsumerConfig.MAX_POLL_RECORDS_CONFIG), 10_000);

    /**
     * Records ahead ({@link Ahead#records}) from which a fresh instance alone starts with
     * {@link #FRESH_START}, as many as {@link Settings#DEFAULT} adds a thread from. Under it the
     * second stream thread gains nothing measurable (a history of 100 k events, about 260,000
     * changelog records, restored and built as fast with one), and its clients and join cost a start
     * on an empty history about 0.3 s of CPU (ops/bench/REPORT.md, section 3, thirty-fourth round);
     * above it, a fresh restore of 1 M events, 2.6 M changelog records, took 10.15 s with it against
     * 12.56 s (thirty-third round).
     */
    public static final long FRESH_START_FROM = 500_000;

    /** A task's directory under the application's state directory: {@code <subtopology>_<partition>}. */
    private static final Pattern TASK_DIRECTORY = Pattern.compile("\\d+_\\d+");

    private final KafkaStreams streams;
    private final BooleanSupplier coreFree;
    private final Settings settings;
    private final ScheduledExecutorService timer;
    /** Whether this watcher holds a thread to give back; only the timer's thread touches it and {@link #lowSince}. */
    private boolean extra;
    /** When the backlog began to read low ({@link System#nanoTime}), or -1. */
    private long lowSince = -1;
    private volatile int adds;
    private final List<Removal> removals = new CopyOnWriteArrayList<>();

    private CatchUpThread(KafkaStreams streams, BooleanSupplier coreFree, Settings settings) {
        this.streams = streams;
        this.coreFree = coreFree;
        this.settings = settings;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "projections-catch-up");
            t.setDaemon(true);
            return t;
        });
    }

    /** Starts watching {@code streams}' backlog; {@code coreFree} is asked before each add. */
    public static CatchUpThread watch(KafkaStreams streams, BooleanSupplier coreFree, Settings settings) {
        return schedule(new CatchUpThread(streams, coreFree, settings));
    }

    /**
     * As {@link #watch}, for {@code streams} started with {@link #FRESH_START}: the second thread is
     * given back as an added one would be, once caught up or when another instance joins.
     */
    public static CatchUpThread watchFreshStart(KafkaStreams streams, BooleanSupplier coreFree, Settings settings) {
        CatchUpThread c = new CatchUpThread(streams, coreFree, settings);
        c.extra = true; // before the timer's first check, which the scheduling below orders after this write
        return schedule(c);
    }

    private static CatchUpThread schedule(CatchUpThread c) {
        long ms = c.settings.every().toMillis();
        c.timer.scheduleWithFixedDelay(c::check, ms, ms, TimeUnit.MILLISECONDS);
        return c;
    }

    /**
     * Whether {@code stateDir} holds no task of {@code applicationId}: a first start, a start after
     * a reset (which deletes the application's local state), or a new host. Such an instance restores
     * every task it is given from the changelogs.
     */
    public static boolean noLocalState(Path stateDir, String applicationId) {
        Path app = stateDir.resolve(applicationId);
        if (!Files.isDirectory(app)) {
            return true;
        }
        try (Stream<Path> entries = Files.list(app)) {
            return entries.noneMatch(p -> Files.isDirectory(p) && TASK_DIRECTORY.matcher(p.getFileName().toString()).matches());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the state directory " + app + ": " + e.getMessage(), e);
        }
    }

    /**
     * How many members the consumer group of {@code applicationId} has (none: an instance starting
     * now would be alone in it); empty when the broker does not say within {@code timeout}. For
     * applications on Kafka's classic group protocol, Kafka Streams' default: the consumer groups'
     * API does not describe a group of the streams protocol.
     */
    public static OptionalInt members(Admin admin, String applicationId, Duration timeout) {
        try {
            ConsumerGroupDescription group = admin.describeConsumerGroups(List.of(applicationId)).describedGroups().get(applicationId)
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return OptionalInt.of(group.members().size());
        } catch (ExecutionException e) {
            if (e.getCause() instanceof GroupIdNotFoundException) {
                return OptionalInt.of(0);
            }
            log.debug("Cannot tell whether application {} has other instances: {}", applicationId, e.getCause().toString());
            return OptionalInt.empty();
        } catch (TimeoutException e) {
            log.debug("Cannot tell whether application {} has other instances: no answer in {}", applicationId, timeout);
            return OptionalInt.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return OptionalInt.empty();
        }
    }

    /**
     * What an instance of an application starting on no local state has ahead of it, in records:
     * {@code toRestore} in the changelogs of its {@link Stores#PERSISTENT persistent stores}, at most
     * (a compacted changelog's offsets also count the records its cleaning removed), and
     * {@code toCount} in the transfers topic past the application's committed offsets.
     */
    public record Ahead(long toRestore, long toCount) {
        /** Both, saturating at {@link Long#MAX_VALUE}. */
        public long records() {
            long sum = toRestore + toCount;
            return sum < 0 ? Long.MAX_VALUE : sum;
        }
    }

    /**
     * What a fresh instance of {@code applicationId} would restore and count ({@link Ahead}): nothing
     * to restore where no changelog exists yet (a first start, a start after a reset, a green
     * application), everything on the transfers topic to count where the application has committed
     * no offset. Empty when the broker does not say within {@code timeout}.
     */
    public static Optional<Ahead> ahead(Admin admin, String applicationId, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            Set<String> topics = admin.listTopics().names().get(left(deadline), TimeUnit.NANOSECONDS);
            List<String> changelogs = Stores.PERSISTENT.stream().map(store -> Stores.changelog(applicationId, store))
                    .filter(topics::contains).toList();
            String transfers = Topics.TRANSFERS_OBSERVED.name();
            List<String> described = Stream.concat(changelogs.stream(), Stream.of(transfers).filter(topics::contains)).toList();
            List<TopicPartition> partitions = described.isEmpty() ? List.of()
                    : admin.describeTopics(described).allTopicNames().get(left(deadline), TimeUnit.NANOSECONDS).values().stream()
                            .flatMap(d -> d.partitions().stream().map(p -> new TopicPartition(d.name(), p.partition()))).toList();
            if (partitions.isEmpty()) {
                return Optional.of(new Ahead(0, 0));
            }
            Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> earliest = offsets(admin, partitions, OffsetSpec.earliest(), deadline);
            Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> latest = offsets(admin, partitions, OffsetSpec.latest(), deadline);
            Map<TopicPartition, OffsetAndMetadata> committed = committed(admin, applicationId, deadline);
            long toRestore = 0;
            long toCount = 0;
            for (TopicPartition p : partitions) {
                long from = earliest.get(p).offset();
                long to = latest.get(p).offset();
                if (p.topic().equals(transfers)) {
                    OffsetAndMetadata c = committed.get(p);
                    toCount += Math.max(0, to - (c == null ? from : Math.max(from, c.offset())));
                } else {
                    toRestore += Math.max(0, to - from);
                }
            }
            return Optional.of(new Ahead(toRestore, toCount));
        } catch (ExecutionException e) {
            log.debug("Cannot tell what application {} would restore and count: {}", applicationId, e.getCause().toString());
            return Optional.empty();
        } catch (TimeoutException e) {
            log.debug("Cannot tell what application {} would restore and count: no answer in {}", applicationId, timeout);
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /** The application's committed offsets; none for a group that does not exist. */
    private static Map<TopicPartition, OffsetAndMetadata> committed(Admin admin, String applicationId, long deadline)
            throws ExecutionException, InterruptedException, TimeoutException {
        try {
            Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(applicationId).partitionsToOffsetAndMetadata()
                    .get(left(deadline), TimeUnit.NANOSECONDS);
            Map<TopicPartition, OffsetAndMetadata> present = new HashMap<>();
            offsets.forEach((p, o) -> {
                if (o != null) { // a partition without a committed offset
                    present.put(p, o);
                }
            });
            return present;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof GroupIdNotFoundException) {
                return Map.of();
            }
            throw e;
        }
    }

    private static Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> offsets(Admin admin, List<TopicPartition> partitions,
            OffsetSpec spec, long deadline) throws ExecutionException, InterruptedException, TimeoutException {
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        partitions.forEach(p -> request.put(p, spec));
        return admin.listOffsets(request).all().get(left(deadline), TimeUnit.NANOSECONDS);
    }

    private static long left(long deadline) {
        return Math.max(0, deadline - System.nanoTime());
    }

    /** How many times a thread was added. */
    public int adds() {
        return adds;
    }

    /** Why the added thread was removed, each time, oldest first. */
    public List<Removal> removals() {
        return List.copyOf(removals);
    }

    /** Why an added thread was removed. */
    public enum Removal {
        /** The backlog was worked off. */
        CAUGHT_UP,
        /** Another instance joined the application. */
        SHARED
    }

    private void check() {
        try {
            if (streams.state() != KafkaStreams.State.RUNNING) {
                lowSince = -1;
                return; // a rebalance or restore in progress: lags are partial, and a change now only adds another
            }
            if (!extra) {
                if (!coreFree.getAsBoolean() || !alone()) {
                    return; // the metrics are read only when they can change something
                }
                long backlog = backlog(streams.metrics());
                if (backlog >= settings.addFrom()) {
                    Optional<String> added = streams.addStreamThread();
                    if (added.isPresent()) {
                        extra = true;
                        adds++;
                        log.info("Projections {} records behind with a core free: added stream thread {} until they catch up",
                                backlog, added.get());
                    }
                }
            } else if (!alone()) {
                // another instance joined: the group's threads share the tasks, so this one would hold more than its share
                remove(Removal.SHARED, "another instance joined the application");
            } else {
                long backlog = backlog(streams.metrics());
                long now = System.nanoTime();
                if (backlog > settings.removeUpTo()) {
                    lowSince = -1;
                } else if (lowSince < 0) {
                    lowSince = now;
                }
                if (lowSince >= 0 && now - lowSince >= LOW_FOR_NANOS) {
                    remove(Removal.CAUGHT_UP, "caught up, " + backlog + " records behind");
                }
            }
        } catch (RuntimeException e) {
            // the projections go on with the threads they have; the next check tries again
            log.warn("Projections' catch-up thread check failed: {}", e.toString());
        }
    }

    private void remove(Removal reason, String why) {
        Optional<String> removed = streams.removeStreamThread(Duration.ofSeconds(30));
        log.info("Projections {}: removed stream thread {}", why, removed.orElse("(none)"));
        removals.add(reason);
        extra = false;
        lowSince = -1;
    }

    /**
     * Whether this instance is the only one of its application. With others, a thread added here
     * would draw tasks from them (the assignor balances tasks over threads), each restored from its
     * changelogs, and send them back when removed.
     */
    private boolean alone() {
        return streams.metadataForAllStreamsClients().size() <= 1;
    }

    /** Sum of the stream threads' main consumers' {@code records-lag} (not the restore or global consumers'). */
    static long backlog(Map<MetricName, ? extends Metric> metrics) {
        long sum = 0;
        for (Map.Entry<MetricName, ? extends Metric> e : metrics.entrySet()) {
            MetricName n = e.getKey();
            if (!n.name().equals("records-lag") || !n.group().equals("consumer-fetch-manager-metrics")) {
                continue;
            }
            String client = n.tags().getOrDefault("client-id", "");
            if (!client.endsWith("-consumer") || client.endsWith("-restore-consumer") || client.endsWith("-global-consumer")) {
                continue;
            }
            Object v = e.getValue().metricValue();
            if (v instanceof Number x && !Double.isNaN(x.doubleValue()) && x.doubleValue() > 0) {
                sum += x.longValue();
            }
        }
        return sum;
    }

    @Override
    public void close() {
        timer.shutdownNow();
        try {
            timer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
