package dev.starfall.ingestor.source;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import dev.starfall.schemas.avro.TransferObserved;
import dev.starfall.schemas.avro.TransferRejected;

/**
 * Consecutive transactions of a source, oldest first, turned into events. Published in one Kafka
 * transaction together with the cursor {@link #newest()}. A batch without transactions only moves
 * the cursor's chain time (a "cursor-only" transaction that lets downstream watermarks advance).
 *
 * @param observed     transfers that count, in chain order
 * @param rejected     things that touched the wallet but do not count, in chain order
 * @param transactions number of chain transactions the batch covers (some may yield no event)
 * @param newest       position of the newest transaction in the batch
 * @param chainTime    newest chain time the source can vouch for: every transaction of the wallet
 *                     with a block time strictly before it is in this or an earlier batch (at least
 *                     {@code newest.blockTime()}; the chain head's time on the last batch of a walk)
 */
public record SourceBatch(List<TransferObserved> observed, List<TransferRejected> rejected, int transactions, SourcePosition newest,
                          Instant chainTime) {

    public SourceBatch {
        observed = List.copyOf(observed);
        rejected = List.copyOf(rejected);
        Objects.requireNonNull(newest, "newest");
        if (chainTime == null || chainTime.isBefore(newest.blockTime())) {
            chainTime = newest.blockTime();
        }
    }

    /** A batch whose chain time is its newest block time. */
    public SourceBatch(List<TransferObserved> observed, List<TransferRejected> rejected, int transactions, SourcePosition newest) {
        this(observed, rejected, transactions, newest, null);
    }

    /** The events of consecutive transactions, oldest first, up to {@code newest} (the position of the last of them). */
    public static SourceBatch of(List<? extends ParsedTransaction> oldestFirst, SourcePosition newest) {
        List<TransferObserved> observed = new ArrayList<>();
        List<TransferRejected> rejected = new ArrayList<>();
        for (ParsedTransaction tx : oldestFirst) {
            observed.addAll(tx.observed());
            rejected.addAll(tx.rejected());
        }
        return new SourceBatch(observed, rejected, oldestFirst.size(), newest);
    }

    /** A cursor-only batch: no transactions, position unchanged, chain time moved to {@code chainTime}. */
    public static SourceBatch cursorOnly(SourcePosition position, Instant chainTime) {
        return new SourceBatch(List.of(), List.of(), 0, position, chainTime);
    }

    /**
     * Consecutive batches, oldest first, as one: their events in order, their transactions summed,
     * the newest one's position and the latest chain time.
     */
    public static SourceBatch concat(List<SourceBatch> oldestFirst) {
        if (oldestFirst.isEmpty()) {
            throw new IllegalArgumentException("no batches to concatenate");
        }
        List<TransferObserved> observed = new ArrayList<>();
        List<TransferRejected> rejected = new ArrayList<>();
        int transactions = 0;
        Instant chainTime = null;
        for (SourceBatch b : oldestFirst) {
            observed.addAll(b.observed());
            rejected.addAll(b.rejected());
            transactions = Math.addExact(transactions, b.transactions());
            chainTime = chainTime == null || b.chainTime().isAfter(chainTime) ? b.chainTime() : chainTime;
        }
        return new SourceBatch(observed, rejected, transactions, oldestFirst.get(oldestFirst.size() - 1).newest(), chainTime);
    }

    public int events() {
        return observed.size() + rejected.size();
    }

    /** The same batch with a later chain time (never earlier than it has). */
    public SourceBatch withChainTime(Instant time) {
        return time == null || !time.isAfter(chainTime) ? this : new SourceBatch(observed, rejected, transactions, newest, time);
    }
}
