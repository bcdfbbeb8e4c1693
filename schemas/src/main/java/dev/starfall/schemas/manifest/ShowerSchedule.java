package dev.starfall.schemas.manifest;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalInt;

/**
 * When each shower opens and closes. Shower {@code k} (1-based) collects block times in
 * (close of shower k-1, close of shower k]; shower 1 starts when the event opens. A time at or
 * before the open, or after the last close, belongs to no shower.
 */
public final class ShowerSchedule {

    /** Where a shower stands at a given wall-clock time. */
    public enum Status { UPCOMING, OPEN, CLOSING, CLOSED }

    private final long opensAtMillis;
    private final long[] closeMillis;
    private final long graceMillis;

    public ShowerSchedule(Instant opensAt, List<Instant> closeTimes, Duration grace) {
        if (closeTimes.isEmpty()) {
            throw new IllegalArgumentException("at least one shower is required");
        }
        this.opensAtMillis = opensAt.toEpochMilli();
        this.closeMillis = closeTimes.stream().mapToLong(Instant::toEpochMilli).toArray();
        this.graceMillis = grace.toMillis();
        long previous = opensAtMillis;
        for (int i = 0; i < closeMillis.length; i++) {
            if (closeMillis[i] <= previous) {
                throw new IllegalArgumentException("close of shower " + (i + 1) + " must be after " + Instant.ofEpochMilli(previous));
            }
            previous = closeMillis[i];
        }
    }

    public int showerCount() {
        return closeMillis.length;
    }

    public Instant opensAt() {
        return Instant.ofEpochMilli(opensAtMillis);
    }

    /** Start (exclusive) of shower {@code n}: the event's open for shower 1, else the previous close. */
    public Instant startOf(int shower) {
        checkShower(shower);
        return Instant.ofEpochMilli(shower == 1 ? opensAtMillis : closeMillis[shower - 2]);
    }

    /** Close (inclusive) of shower {@code n}. */
    public Instant closeOf(int shower) {
        checkShower(shower);
        return Instant.ofEpochMilli(closeMillis[shower - 1]);
    }

    /** When the results of shower {@code n} become final: its close plus the grace period. */
    public Instant finalAt(int shower) {
        return closeOf(shower).plusMillis(graceMillis);
    }

    public Duration grace() {
        return Duration.ofMillis(graceMillis);
    }

    /** The shower a block time belongs to, or empty when it falls outside every shower. */
    public OptionalInt showerOf(Instant blockTime) {
        return showerOf(blockTime.toEpochMilli());
    }

    public OptionalInt showerOf(long blockTimeMillis) {
        if (blockTimeMillis <= opensAtMillis || blockTimeMillis > closeMillis[closeMillis.length - 1]) {
            return OptionalInt.empty();
        }
        int i = Arrays.binarySearch(closeMillis, blockTimeMillis);
        // found: exactly on a close, which is inclusive; not found: insertion point is the first close after it
        return OptionalInt.of((i >= 0 ? i : -i - 1) + 1);
    }

    public Status statusAt(int shower, Instant now) {
        long t = now.toEpochMilli();
        if (t <= startOf(shower).toEpochMilli()) {
            return Status.UPCOMING;
        }
        long close = closeMillis[shower - 1];
        if (t <= close) {
            return Status.OPEN;
        }
        return t <= close + graceMillis ? Status.CLOSING : Status.CLOSED;
    }

    public boolean isShower(int shower) {
        return shower >= 1 && shower <= closeMillis.length;
    }

    private void checkShower(int shower) {
        if (!isShower(shower)) {
            throw new IllegalArgumentException("no shower " + shower + " (1.." + closeMillis.length + ")");
        }
    }
}
