package dev.starfall.ingestor.source;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** Waits between retries; injected so that unit tests do not sleep. */
@FunctionalInterface
public interface Sleeper {

    /** Sleeps on the calling thread; interruptible. */
    Sleeper SYSTEM = d -> TimeUnit.NANOSECONDS.sleep(d.toNanos());

    /** Returns at once; for tests. */
    Sleeper NONE = d -> { };

    void sleep(Duration duration) throws InterruptedException;
}
