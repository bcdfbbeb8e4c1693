package dev.starfall.projections;

import java.util.List;
import java.util.Objects;

import dev.starfall.schemas.Topics;
import dev.starfall.schemas.avro.EggDrawn;
import dev.starfall.schemas.avro.EggRevealRejected;
import dev.starfall.schemas.avro.EggSeedRevealed;
import dev.starfall.schemas.avro.ShowerResult;
import dev.starfall.schemas.avro.ShowerSummary;
import dev.starfall.schemas.avro.SourceCursor;
import dev.starfall.schemas.avro.TransferObserved;
import dev.starfall.schemas.registry.SchemaRegistryClient;
import dev.starfall.schemas.serde.AvroFieldReader;
import dev.starfall.schemas.serde.AvroSerdes;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Avro value serdes of every topic the full projections topology reads or writes (keys are
 * strings or integers), and a reader of the transfers' block times alone ({@code blockTime} in
 * epoch milliseconds, the rest of the record skipped undecoded), for the task that only keys each
 * transfer by its shower (ops/bench/REPORT.md, row 60).
 */
public record TopologySerdes(Serde<TransferObserved> transfers, Serde<SourceCursor> cursors, Serde<EggSeedRevealed> reveals,
                             Serde<EggRevealRejected> rejectedReveals, Serde<ShowerResult> results, Serde<ShowerSummary> summaries,
                             Serde<EggDrawn> eggs, Deserializer<Long> transferBlockTimes) {

    private static final Logger log = LoggerFactory.getLogger(TopologySerdes.class);

    /**
     * Value subjects of the topics whose records the global stores hold as they are (Avro in the
     * Confluent wire format), so that reading a store decodes them: the ingest cursors and the
     * shower summaries (the telescope).
     */
    public static final List<String> STORED_SUBJECTS = List.of(AvroSerdes.subject(Topics.INGEST_CURSORS.name(), false),
            AvroSerdes.subject(Topics.SHOWER_SUMMARIES.name(), false));

    public TopologySerdes {
        Objects.requireNonNull(transfers, "transfers");
        Objects.requireNonNull(cursors, "cursors");
        Objects.requireNonNull(reveals, "reveals");
        Objects.requireNonNull(rejectedReveals, "rejectedReveals");
        Objects.requireNonNull(results, "results");
        Objects.requireNonNull(summaries, "summaries");
        Objects.requireNonNull(eggs, "eggs");
        Objects.requireNonNull(transferBlockTimes, "transferBlockTimes");
    }

    /** Confluent wire-format serdes over one registry client. */
    public static TopologySerdes of(SchemaRegistryClient client) {
        return new TopologySerdes(AvroSerdes.specific(TransferObserved.class, client, false),
                AvroSerdes.specific(SourceCursor.class, client, false),
                AvroSerdes.specific(EggSeedRevealed.class, client, false),
                AvroSerdes.specific(EggRevealRejected.class, client, false),
                AvroSerdes.specific(ShowerResult.class, client, false),
                AvroSerdes.specific(ShowerSummary.class, client, false),
                AvroSerdes.specific(EggDrawn.class, client, false),
                new AvroFieldReader<>(TransferObserved.getClassSchema(), "blockTime", Long.class, client));
    }

    /**
     * Fetches the latest schema of each of {@link #STORED_SUBJECTS} on a daemon thread of its own,
     * so that the first query decoding a global store finds its writer's schema cached instead of
     * waiting for the registry (and, on a restart, for the first HTTP client of the JVM to start):
     * about a third of a second taken off the first answer. Records written with an older schema
     * still fetch theirs on first read. A failure is only logged at debug: the read that needs the
     * schema reports it.
     */
    public static Thread prefetchStoredSchemas(SchemaRegistryClient client) {
        Objects.requireNonNull(client, "client");
        Thread t = new Thread(() -> {
            for (String subject : STORED_SUBJECTS) {
                try {
                    client.latest(subject);
                } catch (RuntimeException e) {
                    log.debug("Could not prefetch the latest schema of {}: {}", subject, e.toString());
                }
            }
        }, "starfall-schema-prefetch");
        t.setDaemon(true);
        t.start();
        return t;
    }
}
