package dev.starfall.projections;

import java.util.Optional;
import java.util.Set;

import dev.starfall.schemas.avro.ShowerResult;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.processor.StreamPartitioner;

/**
 * Which partition of {@code Topics.RESULTS} holds a wallet's results: the default partitioner over
 * the String-serialised wallet, as used by {@code queryMetadataForKey(Stores.METEORS, wallet,
 * StringSerializer)}. The results keep their compacted key {@code "<shower>:<wallet>"}, but are
 * written to their wallet's partition, so the cave tasks read the topic directly, with no
 * repartition of their own.
 */
final class WalletPartitions {

    private static final StringSerializer SERIALIZER = new StringSerializer();

    private WalletPartitions() {
    }

    static int partitionOf(String wallet, int partitions) {
        return BuiltInPartitioner.partitionForKey(SERIALIZER.serialize(null, wallet), partitions);
    }

    /** Each result to the partition of its wallet. */
    static StreamPartitioner<String, ShowerResult> partitioner() {
        return (topic, key, result, partitions) -> Optional.of(Set.of(partitionOf(result.getWallet(), partitions)));
    }
}
