package dev.starfall.projections;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/** Waits on state, not on time: polls a condition until it holds, or fails once a deadline has passed. */
final class Await {

    private static final Duration POLL = Duration.ofMillis(200);

    private Await() {
    }

    static void until(String what, Duration within, BooleanSupplier done) {
        long deadline = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < deadline) {
            if (done.getAsBoolean()) {
                return;
            }
            LockSupport.parkNanos(POLL.toNanos());
        }
        throw new AssertionError("not within " + within + ": " + what);
    }
}
