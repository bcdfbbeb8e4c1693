package dev.starfall.ingestor.source;

import java.util.List;

import dev.starfall.schemas.avro.TransferObserved;
import dev.starfall.schemas.avro.TransferRejected;

/** What a parser made of one chain transaction: its events (built by {@link TransferEvents}), in order. */
public interface ParsedTransaction {

    List<TransferObserved> observed();

    List<TransferRejected> rejected();

    default int events() {
        return observed().size() + rejected().size();
    }
}
