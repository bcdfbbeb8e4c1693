package dev.starfall.ingestor.source.http;

/** A monotonic nanosecond time source; injected so that tests move time by hand. */
@FunctionalInterface
public interface Ticker {

    /** {@link System#nanoTime()}. */
    Ticker SYSTEM = System::nanoTime;

    long nanos();
}
