package dev.starfall.ingestor.source;

import java.util.Optional;

/**
 * One chain API read for one {@link WatchTarget}. Implementations walk the API from the newest
 * transaction down to a cursor and hand what is new over oldest first, in batches, so that the
 * caller can publish each batch with its cursor atomically. The manifest's chain picks the
 * implementation ({@link Sources}): FCD for Terra Classic and the simulator, LCD for Cosmos SDK
 * chains, JSON-RPC for Solana.
 *
 * <p>Not thread-safe: one caller thread walks at a time.
 */
public interface ChainSource {

    /** Receives batches oldest first; an exception from {@link #accept} ends the walk. */
    interface BatchSink {
        void accept(SourceBatch batch) throws InterruptedException;

        /** Polled between requests and batches; when true the walk ends early without error. */
        default boolean stopRequested() {
            return false;
        }

        /**
         * Told after each page of a walk, before anything is handed over: how far down the walk is.
         *
         * @param pages        pages read so far in this walk
         * @param transactions new transactions found so far
         * @param reachedBack  block time of the oldest of them, null when none
         */
        default void walking(int pages, int transactions, java.time.Instant reachedBack) {
        }
    }

    /**
     * Outcome of one walk.
     *
     * @param headTime the chain head's time read at the start of the walk, or null when the API
     *                 does not say; every transaction of the wallet up to it was handed over unless
     *                 {@code stopped}
     */
    record WalkResult(int pages, int transactions, int events, boolean stopped, java.time.Instant headTime) {
        public WalkResult(int pages, int transactions, int events, boolean stopped) {
            this(pages, transactions, events, stopped, null);
        }
    }

    /** Stable id (chain, network, wallet and API); keys the cursor and derives the transactional id. */
    String sourceId();

    /** Name or base URL of the endpoint, stamped on every event. */
    String endpoint();

    /**
     * Reads every transaction newer than {@code after} (everything when empty) and hands it to
     * {@code sink} oldest first.
     *
     * @throws SourceException after bounded retries ({@link SourceException#retriable()} true) or
     *                         on a fatal answer; nothing after the last accepted batch was handed over
     */
    WalkResult fetchNewer(Optional<SourcePosition> after, BatchSink sink) throws InterruptedException;

    /** Counters since this source was created. */
    SourceStats.Snapshot stats();
}
