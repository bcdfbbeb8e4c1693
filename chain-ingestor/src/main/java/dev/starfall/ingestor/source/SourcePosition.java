package dev.starfall.ingestor.source;

import java.time.Instant;
import java.util.Objects;

import dev.starfall.schemas.avro.SourceCursor;

/**
 * Where a source has read up to: the newest transaction fully handed over.
 *
 * @param position    opaque, source-specific position (FCD row id, Solana signature...)
 * @param blockHeight height or slot of that transaction
 * @param blockTime   its block time
 */
public record SourcePosition(String position, long blockHeight, Instant blockTime) {

    public SourcePosition {
        Objects.requireNonNull(position, "position");
        Objects.requireNonNull(blockTime, "blockTime");
    }

    public static SourcePosition of(SourceCursor cursor) {
        return new SourcePosition(cursor.getPosition(), cursor.getNewestBlockHeight(), cursor.getNewestBlockTime());
    }
}
