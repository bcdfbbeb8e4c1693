package dev.starfall.projections;

import java.math.BigInteger;

import dev.starfall.projections.domain.Contribution;
import dev.starfall.projections.domain.RankingKey;
import dev.starfall.projections.domain.ShowerTotals;
import dev.starfall.projections.domain.ShowerWallet;
import dev.starfall.schemas.TransferIds;
import dev.starfall.schemas.avro.TransferObserved;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Counts each transfer once into its shower: deduplicates by transfer id, adds it to the
 * (shower, wallet) contribution, moves the wallet's ranking entry and updates the shower totals.
 * Input is keyed by shower number ({@link ProjectionsTopology#OUTSIDE} for transfers outside
 * every shower), so one shower's stores live in one partition.
 */
final class ContributionProcessor implements Processor<Integer, TransferObserved, Void, Void> {

    private static final byte[] NO_VALUE = new byte[0];

    private final BigInteger minimum;
    private KeyValueStore<String, Long> transferIds;
    private KeyValueStore<ShowerWallet, Contribution> contributions;
    private KeyValueStore<Bytes, byte[]> rankings;
    private KeyValueStore<Integer, ShowerTotals> totals;

    ContributionProcessor(BigInteger minimum) {
        this.minimum = minimum;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        transferIds = context.getStateStore(Stores.TRANSFER_IDS);
        contributions = context.getStateStore(Stores.CONTRIBUTIONS);
        rankings = context.getStateStore(Stores.RANKINGS);
        totals = context.getStateStore(Stores.SHOWER_TOTALS);
    }

    @Override
    public void process(Record<Integer, TransferObserved> record) {
        TransferObserved t = record.value();
        if (t == null || record.key() == null) {
            return;
        }
        int shower = record.key();
        ShowerTotals current = totals.get(shower);
        if (current == null) {
            current = ShowerTotals.EMPTY;
        }
        String id = TransferIds.of(t);
        long blockTime = t.getBlockTime().toEpochMilli();
        if (transferIds.get(id) != null) {
            totals.put(shower, current.withDuplicate());
            return;
        }
        transferIds.put(id, blockTime);
        BigInteger amount = t.getAmount().toBigIntegerExact();
        if (shower == ProjectionsTopology.OUTSIDE) {
            totals.put(shower, current.withOutsideTransfer(amount));
            return;
        }
        ShowerWallet key = new ShowerWallet(shower, t.getSender());
        Contribution before = contributions.get(key);
        Contribution after = before == null ? Contribution.first(amount, blockTime) : before.plus(amount, blockTime);
        if (before != null) {
            rankings.delete(Bytes.wrap(new RankingKey(shower, before.amount(), before.reachedAt(), key.wallet()).encode()));
        }
        rankings.put(Bytes.wrap(new RankingKey(shower, after.amount(), after.reachedAt(), key.wallet()).encode()), NO_VALUE);
        contributions.put(key, after);
        totals.put(shower, current.withTransfer(before, after, amount, minimum));
    }
}
