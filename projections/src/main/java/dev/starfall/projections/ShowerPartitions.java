package dev.starfall.projections;

import java.util.stream.IntStream;

import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.apache.kafka.common.serialization.IntegerSerializer;

/**
 * Which partition of the by-shower topics holds a shower: the default partitioner over the
 * Integer-serialised shower number, as used by the repartition step and by
 * {@code queryMetadataForKey(store, shower, IntegerSerializer)}. A task closes exactly the showers
 * of its partition, including those that never received a transfer.
 */
final class ShowerPartitions {

    private static final IntegerSerializer SERIALIZER = new IntegerSerializer();

    private ShowerPartitions() {
    }

    static int partitionOf(int shower, int partitions) {
        return BuiltInPartitioner.partitionForKey(SERIALIZER.serialize(null, shower), partitions);
    }

    /** The showers (1..count, ascending) whose partition is {@code partition}. */
    static int[] showersOf(int partition, int partitions, int count) {
        return IntStream.rangeClosed(1, count).filter(s -> partitionOf(s, partitions) == partition).toArray();
    }
}
