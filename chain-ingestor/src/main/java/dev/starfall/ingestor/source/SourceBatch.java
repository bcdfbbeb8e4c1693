package dev.starfall.ingestor.source;

import java.util.List;
import java.util.Objects;

import dev.starfall.schemas.avro.TransferObserved;
import dev.starfall.schemas.avro.TransferRejected;

/**
 * Consecutive transactions of a source, oldest first, turned into events. Published in one Kafka
 * transaction together with the cursor {@link #newest()}.
 *
 * @param observed     transfers that count, in chain order
 * @param rejected     things that touched the wallet but do not count, in chain order
 * @param transactions number of chain transactions the batch covers (some may yield no event)
 * @param newest       position of the newest transaction in the batch
 */
public record SourceBatch(List<TransferObserved> observed, List<TransferRejected> rejected, int transactions, SourcePosition newest) {

    public SourceBatch {
        observed = List.copyOf(observed);
        rejected = List.copyOf(rejected);
        Objects.requireNonNull(newest, "newest");
    }

    public int events() {
        return observed.size() + rejected.size();
    }
}
