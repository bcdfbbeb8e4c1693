package dev.starfall.projections;

import java.util.Objects;

import dev.starfall.schemas.avro.EggDrawn;
import dev.starfall.schemas.avro.EggRevealRejected;
import dev.starfall.schemas.avro.EggSeedRevealed;
import dev.starfall.schemas.avro.ShowerResult;
import dev.starfall.schemas.avro.ShowerSummary;
import dev.starfall.schemas.avro.SourceCursor;
import dev.starfall.schemas.avro.TransferObserved;
import dev.starfall.schemas.registry.SchemaRegistryClient;
import dev.starfall.schemas.serde.AvroSerdes;
import org.apache.kafka.common.serialization.Serde;

/** The Avro value serdes of every topic the full projections topology reads or writes (keys are strings or integers). */
public record TopologySerdes(Serde<TransferObserved> transfers, Serde<SourceCursor> cursors, Serde<EggSeedRevealed> reveals,
                             Serde<EggRevealRejected> rejectedReveals, Serde<ShowerResult> results, Serde<ShowerSummary> summaries,
                             Serde<EggDrawn> eggs) {

    public TopologySerdes {
        Objects.requireNonNull(transfers, "transfers");
        Objects.requireNonNull(cursors, "cursors");
        Objects.requireNonNull(reveals, "reveals");
        Objects.requireNonNull(rejectedReveals, "rejectedReveals");
        Objects.requireNonNull(results, "results");
        Objects.requireNonNull(summaries, "summaries");
        Objects.requireNonNull(eggs, "eggs");
    }

    /** Confluent wire-format serdes over one registry client. */
    public static TopologySerdes of(SchemaRegistryClient client) {
        return new TopologySerdes(AvroSerdes.specific(TransferObserved.class, client, false),
                AvroSerdes.specific(SourceCursor.class, client, false),
                AvroSerdes.specific(EggSeedRevealed.class, client, false),
                AvroSerdes.specific(EggRevealRejected.class, client, false),
                AvroSerdes.specific(ShowerResult.class, client, false),
                AvroSerdes.specific(ShowerSummary.class, client, false),
                AvroSerdes.specific(EggDrawn.class, client, false));
    }
}
