package dev.starfall.gateway;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.LongAdder;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

/**
 * The local reads that renew answers already served past their life ({@link AnswerCache#getRenewingBehind}),
 * gathered from the first for {@link #WINDOW}, or until the event loop runs the timer set for it,
 * and made one after another by one worker task.
 *
 * <p>Each read handed to a worker alone cost the event loop a queue offer and a thread wake-up (a
 * system call), and the worker a park and a wake-up: about 10 µs of a counting shower's wallet
 * renewal's 25 (ops/bench/REPORT.md, row 80), more than its RocksDB read. Nobody waits for these
 * reads (the answer they renew was sent already), so they can wait a little for each other. A
 * busy event loop runs the timer late: under the reads benchmark's 3,900 renewals a second a batch
 * gathered for 7 to 12 ms and held 90 to 190 reads, as renewals come in bursts (an answer's life
 * starts at its renewal's request, so answers renewed in one burst expire in one); a lone renewal
 * of the same run gathered 5 to 9 ms. Reads a request waits for still go to the worker pool one
 * by one, at once.
 *
 * <p>Each read's outcome is its own: one that throws fails its renewal only. All of a batch's
 * outcomes are delivered together on the event loop that opened the batch, as one worker task's
 * result would be. Batches run in parallel on the worker pool, as single reads did.
 */
final class BehindRenewals {

    /** How long the first read of a batch waits for others, at least. */
    static final Duration WINDOW = Duration.ofMillis(2);

    private record Pending(Callable<Answer> read, Promise<Answer> promise) {
    }

    /** What a read threw: kept apart from the answers the other reads of its batch gave. */
    private record Thrown(Throwable cause) {
    }

    private final Vertx vertx;
    private final long windowMillis;
    private final LongAdder batches = new LongAdder();
    private final LongAdder reads = new LongAdder();
    private final LongAdder waitedNanos = new LongAdder();
    /** The batch gathering reads, or null; guarded by {@code this}. */
    private List<Pending> open;
    /** When {@link #open} was opened; guarded by {@code this}. */
    private long openedAtNanos;

    BehindRenewals(Vertx vertx, Duration window) {
        if (window.toMillis() < 1) {
            throw new IllegalArgumentException("the window must be at least 1 ms (a Vert.x timer's resolution), got " + window);
        }
        this.vertx = vertx;
        this.windowMillis = window.toMillis();
    }

    /**
     * The answer of {@code read}, made on a worker thread with the other reads submitted within the
     * window, and delivered on the calling event loop. Called on an event loop.
     */
    Future<Answer> submit(Callable<Answer> read) {
        Promise<Answer> promise = Promise.promise();
        boolean first;
        synchronized (this) {
            first = open == null;
            if (first) {
                open = new ArrayList<>(8);
                openedAtNanos = System.nanoTime();
            }
            open.add(new Pending(read, promise));
        }
        if (first) {
            try {
                vertx.setTimer(windowMillis, id -> flush());
            } catch (RuntimeException e) { // Vert.x closing: no timer fires any more
                flush();
            }
        }
        return promise.future();
    }

    /** Batches handed to the worker pool so far. */
    long batches() {
        return batches.sum();
    }

    /** Reads made in those batches. */
    long reads() {
        return reads.sum();
    }

    /** The time those batches gathered reads, from their first read's submission to their hand-over to the worker pool. */
    long waitedNanos() {
        return waitedNanos.sum();
    }

    private void flush() {
        List<Pending> batch;
        long openedAt;
        synchronized (this) {
            batch = open;
            openedAt = openedAtNanos;
            open = null;
        }
        if (batch == null) {
            return;
        }
        waitedNanos.add(System.nanoTime() - openedAt);
        batches.increment();
        reads.add(batch.size());
        Future<Object[]> made;
        try {
            made = vertx.executeBlocking(() -> {
                Object[] outcomes = new Object[batch.size()];
                for (int i = 0; i < outcomes.length; i++) {
                    try {
                        outcomes[i] = batch.get(i).read().call();
                    } catch (Throwable t) { // as a worker task of its own would: the read's renewal fails
                        outcomes[i] = new Thrown(t);
                    }
                }
                return outcomes;
            }, false);
        } catch (RuntimeException e) {
            made = Future.failedFuture(e);
        }
        made.onComplete(ar -> {
            for (int i = 0; i < batch.size(); i++) {
                Promise<Answer> promise = batch.get(i).promise();
                if (ar.failed()) {
                    promise.fail(ar.cause());
                } else if (ar.result()[i] instanceof Thrown thrown) {
                    promise.fail(thrown.cause());
                } else {
                    promise.complete((Answer) ar.result()[i]);
                }
            }
        });
    }
}
