package dev.starfall.projections;

import dev.starfall.schemas.Topics;
import dev.starfall.schemas.avro.TransferObserved;
import dev.starfall.schemas.manifest.Manifest;
import dev.starfall.schemas.manifest.ShowerSchedule;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.StoreBuilder;

/**
 * The projections topology, as a factory. Every operator and store is named (see {@link Stores}),
 * so changelog and repartition topics keep stable names across versions.
 *
 * <pre>
 * transfers.observed (key: sender) --key by shower--> transfers-by-shower (repartition, key: shower)
 *   --count-contributions--> [transfer-ids] [shower-wallet-contributions] [shower-rankings] [shower-totals]
 * </pre>
 */
public final class ProjectionsTopology {

    /** Shower key of transfers whose block time falls outside every shower. */
    public static final int OUTSIDE = 0;

    private ProjectionsTopology() {
    }

    public static Topology build(Manifest manifest, Serde<TransferObserved> transferSerde) {
        ShowerSchedule schedule = manifest.schedule();
        StreamsBuilder builder = new StreamsBuilder();
        builder.addStateStore(store(Stores.TRANSFER_IDS, Serdes.String(), Serdes.Long()));
        builder.addStateStore(store(Stores.CONTRIBUTIONS, ProjectionSerdes.showerWallet(), ProjectionSerdes.contribution()));
        builder.addStateStore(store(Stores.RANKINGS, Serdes.Bytes(), Serdes.ByteArray()));
        builder.addStateStore(store(Stores.SHOWER_TOTALS, Serdes.Integer(), ProjectionSerdes.showerTotals()));

        builder.stream(Topics.TRANSFERS_OBSERVED.name(), Consumed.with(Serdes.String(), transferSerde).withName("transfers-observed"))
                .selectKey((wallet, t) -> schedule.showerOf(t.getBlockTime()).orElse(OUTSIDE), Named.as("key-by-shower"))
                .repartition(Repartitioned.with(Serdes.Integer(), transferSerde).withName(Stores.BY_SHOWER))
                .process(() -> new ContributionProcessor(manifest.minimumContribution()), Named.as("count-contributions"),
                        Stores.TRANSFER_IDS, Stores.CONTRIBUTIONS, Stores.RANKINGS, Stores.SHOWER_TOTALS);
        return builder.build();
    }

    private static <K, V> StoreBuilder<?> store(String name, Serde<K> keys, Serde<V> values) {
        KeyValueBytesStoreSupplier supplier = org.apache.kafka.streams.state.Stores.persistentKeyValueStore(name);
        return org.apache.kafka.streams.state.Stores.keyValueStoreBuilder(supplier, keys, values);
    }
}
