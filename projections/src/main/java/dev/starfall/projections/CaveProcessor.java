package dev.starfall.projections;

import dev.starfall.projections.domain.Meteor;
import dev.starfall.projections.domain.WalletMeteorKey;
import dev.starfall.schemas.avro.ShowerResult;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Adds each final result, read from {@code Topics.RESULTS} (key {@code "<shower>:<wallet>"}, written
 * to its wallet's partition, see {@link WalletPartitions}), to the wallet's cave: one entry per
 * (wallet, shower) in {@link Stores#METEORS}, written without reading anything, so a re-emitted
 * result replaces its meteor and a wallet's hundredth meteor costs what its first did.
 */
final class CaveProcessor implements Processor<String, ShowerResult, Void, Void> {

    private final int partitions;
    private final CaveVersions versions;
    private KeyValueStore<WalletMeteorKey, Meteor> meteors;
    private int partition;

    /**
     * @param partitions partitions of the results topic (1 under {@code TopologyTestDriver})
     * @param versions   told of every change of this task's caves, after it is made
     */
    CaveProcessor(int partitions, CaveVersions versions) {
        this.partitions = partitions;
        this.versions = versions;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        meteors = context.getStateStore(Stores.METEORS);
        partition = context.taskId().partition();
        // (re)assigned, restored, or revived after a failure that wiped the store
        versions.changed(partition);
    }

    @Override
    public void process(Record<String, ShowerResult> record) {
        ShowerResult r = record.value();
        if (r == null) {
            return;
        }
        String wallet = r.getWallet();
        int owner = WalletPartitions.partitionOf(wallet, partitions);
        if (owner != partition) {
            throw new IllegalStateException("result " + record.key() + " of wallet " + wallet + " is in partition " + partition
                    + " of the results topic but belongs to partition " + owner + " of " + partitions
                    + ": the topic was written with another partitioning (results are partitioned by wallet; recreate the topic"
                    + " and reset the projections) or the topology's results partition count does not match it");
        }
        meteors.put(new WalletMeteorKey(wallet, r.getShower()),
                new Meteor(r.getShower(), r.getRank(), r.getTier(), r.getContribution().toBigIntegerExact()));
        versions.changed(partition);
    }

    @Override
    public void close() {
        // revoked or closed: a read made here before is no longer known to hold
        versions.changed(partition);
    }
}
