package dev.starfall.ingestor.source.http;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

import dev.starfall.ingestor.source.Sleeper;

/** A ticker that only moves when its sleeper "sleeps" (or when told); records every sleep. Thread-safe. */
public final class FakeTime implements Ticker, Sleeper {

    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private final List<Duration> sleeps = new CopyOnWriteArrayList<>();

    @Override
    public long nanos() {
        return nanos.get();
    }

    @Override
    public void sleep(Duration duration) {
        sleeps.add(duration);
        advance(duration);
    }

    public void advance(Duration d) {
        nanos.addAndGet(d.toNanos());
    }

    public List<Duration> sleeps() {
        return sleeps;
    }
}
