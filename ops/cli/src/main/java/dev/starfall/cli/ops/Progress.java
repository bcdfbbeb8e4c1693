package dev.starfall.cli.ops;

import java.io.PrintStream;
import java.time.Duration;
import java.util.function.LongSupplier;

/** A progress line on stderr every {@code everyRecords} records or {@code everyTime}, whichever comes first. */
final class Progress {

    private final PrintStream err;
    private final String what;
    private final long everyRecords;
    private final long everyNanos;
    private final LongSupplier nanoClock;
    private long count;
    private long lastCount;
    private long lastAt;

    Progress(PrintStream err, String what, long everyRecords, Duration everyTime, LongSupplier nanoClock) {
        this.err = err;
        this.what = what;
        this.everyRecords = everyRecords;
        this.everyNanos = everyTime.toNanos();
        this.nanoClock = nanoClock;
        this.lastAt = nanoClock.getAsLong();
    }

    static Progress of(PrintStream err, String what) {
        return new Progress(err, what, 100_000, Duration.ofSeconds(5), System::nanoTime);
    }

    void tick(long total) {
        count++;
        long now = nanoClock.getAsLong();
        if (count - lastCount >= everyRecords || now - lastAt >= everyNanos) {
            err.printf("%s: %d of %d records%n", what, count, total);
            lastCount = count;
            lastAt = now;
        }
    }

    void done() {
        err.printf("%s: %d records, done%n", what, count);
    }

    long count() {
        return count;
    }
}
