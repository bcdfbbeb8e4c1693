package dev.starfall.ingestor;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

import dev.starfall.ingestor.source.SourceBatch;

/**
 * Hands batches from the thread that walks a chain API to one thread that publishes them, so that
 * reading the next pages overlaps with committing the last ones.
 *
 * <p>Group commit: whatever is queued when the publishing thread is free is merged into one batch
 * (one Kafka transaction), up to {@code maxEvents} events. A walk that outruns the broker thus
 * commits fewer, larger transactions, and a live walk that finds a few transfers commits them at
 * once. Batches are published in the order submitted; a merge covers consecutive batches and
 * carries the newest one's position.
 *
 * <p>A failed publish discards what was queued after it (nothing may be committed past a batch
 * that was not) and is thrown, once, to the walking thread by its next {@link #submit} or
 * {@link #drain}. {@link #close} discards what is queued and waits for the batch being published.
 */
final class PublishQueue implements AutoCloseable {

    private final ArrayDeque<SourceBatch> queue = new ArrayDeque<>();
    private final int capacity;
    private final int maxEvents;
    private final Consumer<SourceBatch> publisher;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final Thread thread;
    private boolean busy;
    private boolean closed;
    private Throwable failure;

    /**
     * @param name      the publishing thread's name
     * @param capacity  batches that may wait; {@link #submit} blocks beyond
     * @param maxEvents most events merged into one publish (a single larger batch is published alone)
     * @param publisher publishes one (merged) batch, on the publishing thread; throws when it did not commit
     */
    PublishQueue(String name, int capacity, int maxEvents, Consumer<SourceBatch> publisher) {
        if (capacity < 1 || maxEvents < 1) {
            throw new IllegalArgumentException("capacity and maxEvents must be positive, were " + capacity + ", " + maxEvents);
        }
        this.capacity = capacity;
        this.maxEvents = maxEvents;
        this.publisher = Objects.requireNonNull(publisher, "publisher");
        this.thread = new Thread(this::run, name);
        thread.setDaemon(true);
        thread.start();
    }

    /** Queues a batch, waiting while the queue is full; throws the failure of an earlier publish instead. */
    void submit(SourceBatch batch) throws InterruptedException {
        Objects.requireNonNull(batch, "batch");
        lock.lock();
        try {
            while (true) {
                throwFailure();
                if (closed) {
                    throw new IllegalStateException("publish queue closed");
                }
                if (queue.size() < capacity) {
                    break;
                }
                changed.await();
            }
            queue.add(batch);
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Waits until everything submitted is published; throws the failure of a publish instead. */
    void drain() throws InterruptedException {
        lock.lock();
        try {
            while ((busy || !queue.isEmpty()) && failure == null && !closed) {
                changed.await();
            }
            throwFailure();
        } finally {
            lock.unlock();
        }
    }

    /** Batches waiting (not counting one being published). */
    int queued() {
        lock.lock();
        try {
            return queue.size();
        } finally {
            lock.unlock();
        }
    }

    /** Discards what is queued and waits up to {@code timeout} for the batch being published, then interrupts it. */
    void close(Duration timeout) {
        lock.lock();
        try {
            closed = true;
            queue.clear();
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        try {
            thread.join(Math.max(1, timeout.toMillis()));
            if (thread.isAlive()) {
                thread.interrupt();
                thread.join(TimeUnit.SECONDS.toMillis(10));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(30));
    }

    private void run() {
        while (true) {
            List<SourceBatch> merge = new ArrayList<>();
            lock.lock();
            try {
                while (queue.isEmpty() && !closed) {
                    changed.awaitUninterruptibly();
                }
                if (closed) {
                    return;
                }
                long events = 0;
                while (!queue.isEmpty() && (merge.isEmpty() || events + queue.peek().events() <= maxEvents)) {
                    SourceBatch next = queue.poll();
                    events += next.events();
                    merge.add(next);
                }
                busy = true;
                changed.signalAll();
            } finally {
                lock.unlock();
            }
            Throwable failed = null;
            try {
                publisher.accept(merge.size() == 1 ? merge.get(0) : SourceBatch.concat(merge));
            } catch (RuntimeException | Error e) {
                failed = e;
            }
            lock.lock();
            try {
                busy = false;
                if (failed != null) {
                    failure = failed;
                    queue.clear();
                }
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }

    private void throwFailure() {
        Throwable f = failure;
        if (f == null) {
            return;
        }
        failure = null;
        if (f instanceof RuntimeException r) {
            throw r;
        }
        throw (Error) f;
    }
}
