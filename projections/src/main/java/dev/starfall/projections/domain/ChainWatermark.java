package dev.starfall.projections.domain;

import java.time.Instant;
import java.util.OptionalLong;

import dev.starfall.schemas.avro.SourceCursor;

/**
 * The chain-time watermark: how far the chain has been read, independent of the wall clock (so a
 * replay of 2021 in 2026 closes showers at 2021 chain times).
 *
 * <p>A source's watermark is max(newestBlockTime, chainTime): the newest block time it published,
 * or the chain head it observed when the wallet had no newer transaction. The event's cursor
 * watermark is the minimum over sources (the slowest source bounds what is known to be complete).
 * A projections task's watermark is the maximum of that and the newest block time of the transfers
 * it processed ({@link #combine}; the projections use {@link #of} instead).
 *
 * <p>Why not simply that: the ingestor commits a cursor in the same transaction as a batch of
 * transfers that can span hours of chain time, and the global cursor store is updated by its own
 * thread, independently of the stream tasks. A task reading the global store can therefore see a
 * cursor - and its chain time - before it has processed the transfers committed with it. The
 * shower tasks thus use an in-band low watermark (see {@link #of}).
 */
public final class ChainWatermark {

    /** No chain time known yet. */
    public static final long NONE = Long.MIN_VALUE;

    private ChainWatermark() {
    }

    public static long ofSource(SourceCursor cursor) {
        long newest = cursor.getNewestBlockTime().toEpochMilli();
        Instant chainTime = cursor.getChainTime();
        return chainTime == null ? newest : Math.max(newest, chainTime.toEpochMilli());
    }

    /** Minimum over the sources' watermarks; empty without sources. */
    public static OptionalLong ofSources(Iterable<SourceCursor> cursors) {
        long min = Long.MAX_VALUE;
        boolean any = false;
        for (SourceCursor c : cursors) {
            if (c != null) {
                any = true;
                min = Math.min(min, ofSource(c));
            }
        }
        return any ? OptionalLong.of(min) : OptionalLong.empty();
    }

    /**
     * A shower task's watermark from the in-band low watermark and the cursors.
     *
     * <p>{@code inBand} is the minimum, over every input partition of the transfers topic, of the
     * last watermark tick that partition sent (how far it has processed; an input partition that
     * sent none counts as the event's open). The cursors may advance it, to their watermark (min
     * over sources of max(newest block time, chain time): chain time beyond the last transfer),
     * only when it cannot run ahead of unprocessed transfers: when {@code inBand} is at least every
     * source's newest block time, i.e. every input partition has processed everything committed
     * with those cursors. Then the result is max(inBand, cursor watermark); otherwise inBand. With
     * several sources the result is also capped by the cursor watermark, because block times are
     * ordered within one source only. In a replay this lets the cursors count only once the whole
     * log is processed; on a live run once the tasks caught up.
     *
     * @param inBand  minimum over input partitions of their last tick (epoch millis)
     * @param cursors the cursor of every source (none: the in-band watermark alone)
     */
    public static long of(long inBand, java.util.Collection<SourceCursor> cursors) {
        long newest = Long.MIN_VALUE;
        int sources = 0;
        for (SourceCursor c : cursors) {
            if (c != null) {
                sources++;
                newest = Math.max(newest, c.getNewestBlockTime().toEpochMilli());
            }
        }
        if (sources == 0) {
            return inBand;
        }
        long cursorWatermark = ofSources(cursors).getAsLong();
        long watermark = inBand >= newest ? Math.max(inBand, cursorWatermark) : inBand;
        return sources > 1 ? Math.min(watermark, cursorWatermark) : watermark;
    }

    /** A task's watermark: the cursor watermark advanced by the newest processed block time. */
    public static long combine(OptionalLong cursors, long newestProcessed) {
        return cursors.isPresent() ? Math.max(cursors.getAsLong(), newestProcessed) : newestProcessed;
    }
}
