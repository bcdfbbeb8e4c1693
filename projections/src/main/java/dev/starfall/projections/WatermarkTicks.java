package dev.starfall.projections;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import dev.starfall.schemas.avro.TransferObserved;
import org.apache.kafka.streams.processor.StreamPartitioner;

/**
 * Watermark ticks: the internal encoding of "upstream input partition {@code u} of
 * {@code Topics.TRANSFERS_OBSERVED} has processed every transfer with a block time up to
 * {@code t}" inside the {@link Stores#BY_SHOWER} repartition topic, so a shower task learns how far
 * every upstream partition got in the same stream (and the same exactly-once transactions) as the
 * transfers themselves.
 *
 * <p>Encoding (internal to the repartition topic, never on a public topic): key
 * {@code -1 - u} (a negative shower number), value a {@link TransferObserved} with
 * {@code chain = "watermark"}, {@code txHash = ""}, {@code messageIndex = u} and
 * {@code blockTime = t}; every other field is empty or zero. A tick goes to every partition of the
 * repartition topic (multicast); a transfer goes to the one partition the default partitioner
 * picks for its Integer shower key, so {@code queryMetadataForKey(store, shower, IntegerSerializer)}
 * finds the owner of a shower.
 */
final class WatermarkTicks {

    /** The {@code chain} of a tick record. */
    static final String CHAIN = "watermark";

    private WatermarkTicks() {
    }

    static boolean isTick(Integer key) {
        return key != null && key < 0;
    }

    static int keyOf(int upstreamPartition) {
        return -1 - upstreamPartition;
    }

    static int upstreamOf(int key) {
        return -1 - key;
    }

    static TransferObserved tick(int upstreamPartition, long time) {
        Instant at = Instant.ofEpochMilli(time);
        return TransferObserved.newBuilder().setChain(CHAIN).setChainId("").setTxHash("").setMessageIndex(upstreamPartition)
                .setBlockHeight(0).setBlockTime(at).setSender("").setRecipient("").setDenom("").setAmount(BigDecimal.ZERO)
                .setSourceEndpoint("").setObservedAt(at).build();
    }

    /** Ticks to every partition; transfers to the default partitioner's partition for their shower. */
    static <V> StreamPartitioner<Integer, V> partitioner() {
        return (topic, key, value, partitions) -> {
            if (isTick(key)) {
                return Optional.of(IntStream.range(0, partitions).boxed().collect(Collectors.toSet()));
            }
            return Optional.of(Set.of(ShowerPartitions.partitionOf(key == null ? ProjectionsTopology.OUTSIDE : key, partitions)));
        };
    }
}
