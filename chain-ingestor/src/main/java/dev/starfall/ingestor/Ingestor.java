package dev.starfall.ingestor;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import dev.starfall.ingestor.publish.CursorReader;
import dev.starfall.ingestor.publish.PublishException;
import dev.starfall.ingestor.publish.TransactionalPublisher;
import dev.starfall.ingestor.source.ChainSource;
import dev.starfall.ingestor.source.MalformedPayloadException;
import dev.starfall.ingestor.source.SourceBatch;
import dev.starfall.ingestor.source.SourceException;
import dev.starfall.ingestor.source.SourcePosition;
import dev.starfall.ingestor.source.SourceStats;
import dev.starfall.schemas.Topics;
import dev.starfall.schemas.avro.PayloadRejected;
import dev.starfall.schemas.avro.SourceCursor;
import dev.starfall.schemas.avro.TransferObserved;
import dev.starfall.schemas.avro.TransferRejected;
import dev.starfall.schemas.registry.SchemaRegistryClient;
import dev.starfall.schemas.serde.AvroSerdes;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads one {@link ChainSource} and publishes what is new, exactly once, on its own thread.
 *
 * <p>On start it initialises a transactional producer (fencing a previous instance of the same
 * source and aborting its open transaction), reads the source's latest committed cursor from
 * {@link Topics#INGEST_CURSORS} and resumes after it. Each batch the source hands over is
 * published with the advanced cursor in one Kafka transaction ({@link TransactionalPublisher}), so
 * a restart, even after {@code kill -9}, neither re-publishes nor loses anything. Batches are
 * published on a thread of their own while the walk reads on ({@link PublishQueue}); those handed
 * over while a transaction was committing go into the next one together, up to
 * {@link IngestorConfig#maxTransactionEvents()} events. A walk counts as done once all it handed
 * over is committed. After catching up it walks again every {@link IngestorConfig#pollInterval()}
 * until closed.
 *
 * <p>Each cursor carries a chain time ({@code SourceCursor.chainTime}): every transaction of the
 * wallet before it is published. When caught up and the chain head moved on, a cursor-only
 * transaction (no events) moves it at most every {@link IngestorConfig#cursorHeartbeat()}, so
 * downstream watermarks advance while the wallet is quiet.
 *
 * <p>Retriable failures (the source gave up its bounded retries, an aborted transaction) are
 * logged and the walk is repeated from the last committed cursor after
 * {@link IngestorConfig#failureBackoff()}; fatal ones (a 4xx, fenced producer) stop the ingestor in
 * {@link State#FAILED}. An unparseable payload is first recorded as {@code PayloadRejected} on
 * {@link Topics#INGEST_MALFORMED} in a transaction of its own, then the ingestor fails with the
 * error naming source, endpoint, request and JSON path; nothing after the last good batch is
 * published. {@link #metrics()} is the monitoring snapshot. Topics must exist (see
 * {@code TopicProvisioner}).
 */
public final class Ingestor implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Ingestor.class);

    /** Batches a walk may hand over ahead of the publishing thread (each at most the source's batch size). */
    static final int QUEUED_BATCHES = 32;

    /** Lifecycle; {@link #CAUGHT_UP} once the first walk has published everything visible. */
    public enum State { NEW, STARTING, CATCHING_UP, CAUGHT_UP, STOPPING, STOPPED, FAILED }

    /**
     * Counters of this instance (published counts start at zero on each start).
     *
     * @param state                    current state
     * @param requests                 HTTP requests to the chain API, every attempt
     * @param retries                  retried requests
     * @param rateLimited              HTTP 429 answers
     * @param serverErrors             HTTP 5xx answers
     * @param pages                    pages read
     * @param walks                    completed walks (top down to the cursor, all handed over)
     * @param kafkaTransactions        committed Kafka transactions
     * @param chainTransactions        chain transactions covered by committed transactions
     * @param observedPublished        {@code TransferObserved} events committed
     * @param rejectedPublished        {@code TransferRejected} events committed
     * @param newestBlockTimeSeen      newest block time read from the chain, or null
     * @param newestBlockTimePublished newest block time committed (by this or an earlier instance), or null
     * @param cursorPosition           position of the committed cursor, or null
     */
    public record Stats(State state, long requests, long retries, long rateLimited, long serverErrors, long pages, long walks,
                        long kafkaTransactions, long chainTransactions, long observedPublished, long rejectedPublished,
                        Instant newestBlockTimeSeen, Instant newestBlockTimePublished, String cursorPosition) {
        public long eventsPublished() {
            return observedPublished + rejectedPublished;
        }
    }

    private final IngestorConfig config;
    private final ChainSource source;
    private final TransactionalPublisher.Serializers serializers;
    private final Deserializer<SourceCursor> cursorDeserializer;
    private final Clock clock;
    private final Object monitor = new Object();
    private final CountDownLatch stopSignal = new CountDownLatch(1);
    private final AtomicLong walks = new AtomicLong();
    private final AtomicLong kafkaTransactions = new AtomicLong();
    private final AtomicLong chainTransactions = new AtomicLong();
    private final AtomicLong observedPublished = new AtomicLong();
    private final AtomicLong rejectedPublished = new AtomicLong();
    private final AtomicLong cursorOnlyTransactions = new AtomicLong();
    private final AtomicLong malformedRecorded = new AtomicLong();

    private volatile State state = State.NEW;
    private volatile boolean stopping;
    private volatile boolean caughtUpOnce;
    private volatile Throwable failure;
    private volatile Optional<SourcePosition> position = Optional.empty();
    private volatile Thread thread;
    private long publishedCount;
    private TransactionalPublisher publisher;
    private PublishQueue queue;
    private long lastProgressNanos;
    private volatile Instant chainTimePublished;
    private long lastCursorOnlyNanos;
    private boolean cursorOnlyWritten;

    Ingestor(IngestorConfig config, ChainSource source, TransactionalPublisher.Serializers serializers,
             Deserializer<SourceCursor> cursorDeserializer, Clock clock) {
        this.config = Objects.requireNonNull(config, "config");
        this.source = Objects.requireNonNull(source, "source");
        this.serializers = Objects.requireNonNull(serializers, "serializers");
        this.cursorDeserializer = Objects.requireNonNull(cursorDeserializer, "cursorDeserializer");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** An ingestor whose values are Avro in the Confluent wire format, registered with {@code registry}. */
    public static Ingestor create(IngestorConfig config, ChainSource source, SchemaRegistryClient registry) {
        return create(config, source, registry, Clock.systemUTC());
    }

    /** As {@link #create(IngestorConfig, ChainSource, SchemaRegistryClient)}; {@code clock} stamps cursors. */
    public static Ingestor create(IngestorConfig config, ChainSource source, SchemaRegistryClient registry, Clock clock) {
        TransactionalPublisher.Serializers serializers = new TransactionalPublisher.Serializers(
                AvroSerdes.specific(TransferObserved.class, registry, false).serializer(),
                AvroSerdes.specific(TransferRejected.class, registry, false).serializer(),
                AvroSerdes.specific(SourceCursor.class, registry, false).serializer(),
                AvroSerdes.specific(PayloadRejected.class, registry, false).serializer());
        return new Ingestor(config, source, serializers, AvroSerdes.specific(SourceCursor.class, registry, false).deserializer(), clock);
    }

    /** Starts the ingestor thread. */
    public synchronized void start() {
        if (thread != null) {
            throw new IllegalStateException("already started");
        }
        Thread t = new Thread(this::run, "ingestor-" + source.sourceId());
        t.setDaemon(false);
        thread = t;
        setState(State.STARTING);
        t.start();
    }

    public State state() {
        return state;
    }

    /** Why the ingestor failed, when it did. */
    public Optional<Throwable> failure() {
        return Optional.ofNullable(failure);
    }

    public String sourceId() {
        return source.sourceId();
    }

    public Stats stats() {
        SourceStats.Snapshot s = source.stats();
        Optional<SourcePosition> p = position;
        return new Stats(state, s.requests(), s.retries(), s.rateLimited(), s.serverErrors(), s.pages(), walks.get(),
                kafkaTransactions.get(), chainTransactions.get(), observedPublished.get(), rejectedPublished.get(),
                s.newestBlockTimeSeen(), p.map(SourcePosition::blockTime).orElse(null), p.map(SourcePosition::position).orElse(null));
    }

    /** A snapshot for monitoring: lag, request counters, per-endpoint breaker states; see {@link IngestorMetrics}. */
    public IngestorMetrics metrics() {
        SourceStats.Snapshot s = source.stats();
        Throwable f = failure;
        Instant published = chainTimePublished;
        return new IngestorMetrics(source.sourceId(), state, f == null ? null : f.getMessage(), s.chainTimeSeen(), published,
                IngestorMetrics.lag(s.chainTimeSeen(), published), s.requests(), s.retries(), s.rateLimited(), s.serverErrors(),
                s.timeouts(), s.failovers(), s.pages(), walks.get(), kafkaTransactions.get(), cursorOnlyTransactions.get(),
                observedPublished.get(), rejectedPublished.get(), malformedRecorded.get(), s.endpoints());
    }

    /**
     * Waits until the first walk has published everything visible.
     *
     * @return true when caught up, false on timeout or when stopped before
     * @throws IllegalStateException when the ingestor failed (the cause is attached)
     */
    public boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
        return await(timeout, () -> caughtUpOnce);
    }

    /** Waits until at least {@code count} walks have completed since start; see {@link #awaitCaughtUp}. */
    public boolean awaitWalks(long count, Duration timeout) throws InterruptedException {
        return await(timeout, () -> walks.get() >= count);
    }

    private boolean await(Duration timeout, java.util.function.BooleanSupplier done) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (monitor) {
            while (true) {
                if (done.getAsBoolean()) {
                    return true;
                }
                if (state == State.FAILED) {
                    throw new IllegalStateException("Ingestor of " + source.sourceId() + " failed: " + failure, failure);
                }
                if (state == State.STOPPED) {
                    return false;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(monitor, left);
            }
        }
    }

    /**
     * Stops after the current batch (its transaction is committed or aborted) and closes the
     * producer. Batches handed over but not yet begun are dropped; the next start reads them again.
     */
    @Override
    public void close() {
        Thread t;
        synchronized (this) {
            t = thread;
            if (t == null) {
                setState(State.STOPPED);
                return;
            }
        }
        stopping = true;
        stopSignal.countDown();
        if (state != State.FAILED && state != State.STOPPED) {
            setState(State.STOPPING);
        }
        try {
            t.join(config.closeTimeout().toMillis());
            if (t.isAlive()) {
                log.warn("Ingestor of {} did not stop within {}; interrupting it", source.sourceId(), config.closeTimeout());
                t.interrupt();
                t.join(TimeUnit.SECONDS.toMillis(10));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        String id = source.sourceId();
        try {
            publisher = new TransactionalPublisher(config.bootstrapServers(), config.transactionalId(id), config.producerOverrides(), serializers);
            publisher.init();
            Optional<SourceCursor> cursor = CursorReader.latest(config.bootstrapServers(), Topics.INGEST_CURSORS.name(), id,
                    cursorDeserializer, config.startupTimeout());
            cursor.ifPresent(publisher::resumeFrom);
            position = cursor.map(SourcePosition::of);
            publishedCount = cursor.map(SourceCursor::getPublishedCount).orElse(0L);
            chainTimePublished = cursor.map(Ingestor::chainTimeOf).orElse(null);
            if (cursor.isPresent()) {
                log.info("Ingestor of {} resuming after position {} (block {} at {}; {} events published so far) from {}", id,
                        cursor.get().getPosition(), cursor.get().getNewestBlockHeight(), cursor.get().getNewestBlockTime(),
                        publishedCount, source.endpoint());
            } else {
                log.info("Ingestor of {} starting from the beginning of the history at {}", id, source.endpoint());
            }
            setState(State.CATCHING_UP);
            lastProgressNanos = System.nanoTime();
            queue = new PublishQueue("ingestor-publish-" + id, QUEUED_BATCHES, config.maxTransactionEvents(), this::publishHandedOver);
            Sink sink = new Sink();
            while (!stopping) {
                Duration wait = config.pollInterval();
                try {
                    // a walk resumes from the committed position: what an earlier, failed walk handed over first
                    queue.drain();
                    ChainSource.WalkResult result = source.fetchNewer(position.filter(p -> !p.position().isEmpty()), sink);
                    if (result.stopped()) {
                        break;
                    }
                    queue.drain();
                    if (result.transactions() == 0) {
                        heartbeat(result.headTime());
                    }
                    synchronized (monitor) {
                        walks.incrementAndGet();
                        if (!caughtUpOnce) {
                            caughtUpOnce = true;
                            state = State.CAUGHT_UP;
                            Stats s = stats();
                            log.info("Ingestor of {} caught up: {} events in {} transactions published, newest block time {}, {} requests ({} retries, {} rate-limited)",
                                    id, s.eventsPublished(), s.kafkaTransactions(), s.newestBlockTimePublished(), s.requests(),
                                    s.retries(), s.rateLimited());
                        }
                        monitor.notifyAll();
                    }
                    if (result.events() > 0) {
                        log.debug("Ingestor of {} published {} new events from {} transactions", id, result.events(), result.transactions());
                    }
                } catch (MalformedPayloadException e) {
                    drainBefore(e);
                    recordMalformed(e);
                    throw e;
                } catch (SourceException e) {
                    if (!e.retriable()) {
                        throw e;
                    }
                    log.warn("Ingestor of {}: walk failed, walking again from position {} in {}: {}", id,
                            position.map(SourcePosition::position).orElse("(start)"), config.failureBackoff(), e.getMessage());
                    wait = config.failureBackoff();
                } catch (PublishException e) {
                    if (e.fatal()) {
                        throw e;
                    }
                    log.warn("Ingestor of {}: publishing failed, walking again from position {} in {}: {}", id,
                            position.map(SourcePosition::position).orElse("(start)"), config.failureBackoff(), e.getMessage());
                    wait = config.failureBackoff();
                }
                if (stopSignal.await(wait.toMillis(), TimeUnit.MILLISECONDS)) {
                    break;
                }
            }
            queue.close(config.closeTimeout());
            setState(State.STOPPED);
            log.info("Ingestor of {} stopped at position {}", id, position.map(SourcePosition::position).orElse("(start)"));
        } catch (InterruptedException e) {
            setState(State.STOPPED);
            log.info("Ingestor of {} interrupted at position {}", id, position.map(SourcePosition::position).orElse("(start)"));
        } catch (RuntimeException | Error e) {
            if (stopping && Thread.currentThread().isInterrupted()) {
                // interrupted by close() after its timeout: the open transaction was aborted or is fenced later
                setState(State.STOPPED);
                log.warn("Ingestor of {} stopped by interruption at position {}: {}", id,
                        position.map(SourcePosition::position).orElse("(start)"), e.toString());
                return;
            }
            failure = e;
            setState(State.FAILED);
            log.error("Ingestor of {} failed at position {}", id, position.map(SourcePosition::position).orElse("(start)"), e);
        } finally {
            if (queue != null) {
                queue.close(config.closeTimeout());
            }
            if (publisher != null) {
                publisher.close(config.closeTimeout());
            }
        }
    }

    /** Commits the good batches handed over before a malformed page, so that its record follows them. */
    private void drainBefore(MalformedPayloadException e) {
        try {
            queue.drain();
        } catch (PublishException p) {
            e.addSuppressed(p);
        } catch (InterruptedException i) {
            Thread.currentThread().interrupt();
            e.addSuppressed(i);
        }
    }

    /** On the publishing thread: commits a (merged) batch with its cursor, counts it and logs backfill progress. */
    private void publishHandedOver(SourceBatch batch) {
        publishCursor(batch);
        kafkaTransactions.incrementAndGet();
        chainTransactions.addAndGet(batch.transactions());
        observedPublished.addAndGet(batch.observed().size());
        rejectedPublished.addAndGet(batch.rejected().size());
        if (progressDue()) {
            SourcePosition newest = batch.newest();
            log.info("Backfill of {}: {} events published, newest block time {} (block {}), {} pages read",
                    source.sourceId(), observedPublished.get() + rejectedPublished.get(), newest.blockTime(),
                    newest.blockHeight(), source.stats().pages());
        }
    }

    /** Whether a backfill progress line is due; called from the walking and the publishing thread. */
    private synchronized boolean progressDue() {
        if (caughtUpOnce) {
            return false;
        }
        long now = System.nanoTime();
        if (now - lastProgressNanos < config.progressLogInterval().toNanos()) {
            return false;
        }
        lastProgressNanos = now;
        return true;
    }

    /** Newest chain time a cursor vouches for: its chain time or, when older or absent, its newest block time. */
    private static Instant chainTimeOf(SourceCursor c) {
        Instant t = c.getChainTime();
        return t == null || t.isBefore(c.getNewestBlockTime()) ? c.getNewestBlockTime() : t;
    }

    /**
     * Caught up with nothing new: when the head moved past what the cursor vouches for, commits a
     * cursor-only transaction, at most every {@link IngestorConfig#cursorHeartbeat()}.
     */
    private void heartbeat(Instant head) {
        if (head == null) {
            return;
        }
        Instant published = chainTimePublished;
        if (published != null && !head.isAfter(published)) {
            return;
        }
        long now = System.nanoTime();
        if (cursorOnlyWritten && now - lastCursorOnlyNanos < config.cursorHeartbeat().toNanos()) {
            return;
        }
        SourcePosition at = position.orElseGet(() -> new SourcePosition("", 0, Instant.EPOCH));
        publishCursor(SourceBatch.cursorOnly(at, head));
        cursorOnlyWritten = true;
        lastCursorOnlyNanos = now;
        cursorOnlyTransactions.incrementAndGet();
        log.debug("Ingestor of {} moved its chain time to the head's {}", source.sourceId(), head);
    }

    /**
     * Commits the batch and its cursor; updates position, counts and chain time. Called by the
     * publishing thread, or by the walking thread when nothing is queued or being published.
     */
    private void publishCursor(SourceBatch batch) {
        long count = publishedCount + batch.events();
        SourcePosition newest = batch.newest();
        Instant previous = chainTimePublished;
        Instant chainTime = previous != null && previous.isAfter(batch.chainTime()) ? previous : batch.chainTime();
        SourceCursor cursor = SourceCursor.newBuilder()
                .setSourceId(source.sourceId())
                .setPosition(newest.position())
                .setNewestBlockHeight(newest.blockHeight())
                .setNewestBlockTime(newest.blockTime())
                .setPublishedCount(count)
                .setUpdatedAt(clock.instant())
                .setChainTime(chainTime)
                .build();
        publisher.publish(batch, cursor);
        publishedCount = count;
        position = Optional.of(newest);
        chainTimePublished = chainTime;
    }

    /** Records the unparseable payload in its own transaction before the ingestor stops; a failure to do so is logged and added. */
    private void recordMalformed(MalformedPayloadException e) {
        String raw = e.rawBody() == null ? "" : e.rawBody();
        boolean truncated = raw.length() > config.rawBodyLimit();
        PayloadRejected record = PayloadRejected.newBuilder()
                .setSourceId(source.sourceId())
                .setEndpoint(e.source() == null ? source.endpoint() : e.source())
                .setRequest(e.request() == null ? "(unknown)" : e.request())
                .setHttpStatus(e.httpStatus())
                .setJsonPath(e.jsonPath() == null ? "$" : e.jsonPath())
                .setError(e.getMessage())
                .setRawBody(truncated ? raw.substring(0, config.rawBodyLimit()) : raw)
                .setRawBodyTruncated(truncated)
                .setObservedAt(clock.instant())
                .build();
        try {
            publisher.recordMalformed(record);
            malformedRecorded.incrementAndGet();
            log.error("Ingestor of {} recorded an unparseable answer of {} to {} on {} and stops", source.sourceId(),
                    record.getEndpoint(), record.getRequest(), Topics.INGEST_MALFORMED.name());
        } catch (PublishException p) {
            log.error("Ingestor of {} could not record the unparseable answer of {}: {}", source.sourceId(), record.getEndpoint(),
                    p.getMessage());
            e.addSuppressed(p);
        }
    }

    private void setState(State next) {
        synchronized (monitor) {
            if (state == State.FAILED) {
                return;
            }
            state = next;
            monitor.notifyAll();
        }
    }

    /** Queues each batch for the publishing thread; logs backfill progress. */
    private final class Sink implements ChainSource.BatchSink {

        @Override
        public void accept(SourceBatch batch) throws InterruptedException {
            queue.submit(batch);
        }

        @Override
        public boolean stopRequested() {
            return stopping;
        }

        @Override
        public void walking(int pages, int transactions, Instant reachedBack) {
            if (progressDue()) {
                log.info("Backfill of {}: reading, {} pages so far in this walk, {} new transactions, back to block time {}",
                        source.sourceId(), pages, transactions, reachedBack == null ? "-" : reachedBack);
            }
        }
    }
}
