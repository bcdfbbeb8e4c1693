package dev.starfall.projections;

import java.util.HexFormat;

import dev.starfall.projections.domain.EggSeed;
import dev.starfall.projections.domain.ShowerTotals;
import dev.starfall.projections.domain.Tiers;
import dev.starfall.schemas.avro.EggSeedRevealed;
import dev.starfall.schemas.manifest.Manifest;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * Receives an accepted egg seed (broadcast to every shower partition), keeps it in the task's
 * {@link Stores#EGG_SEED} store so showers closing later draw their eggs at once, and draws the
 * eggs of every shower of this partition that is already closed. Shares the ranking and totals
 * stores with {@link ShowerProcessor}, so it runs in the same task; re-checks the seed (defence in
 * depth, it is cheap).
 */
final class EggDrawProcessor implements Processor<String, EggSeedRevealed, String, SpecificRecord> {

    private final Manifest manifest;
    private final Tiers tiers;
    private final int showerPartitions;
    private ProcessorContext<String, SpecificRecord> context;
    private ReadOnlyKeyValueStore<Bytes, byte[]> rankings;
    private KeyValueStore<Integer, ShowerTotals> totals;
    private KeyValueStore<String, String> eggSeed;

    EggDrawProcessor(Manifest manifest, int showerPartitions) {
        this.manifest = manifest;
        this.tiers = new Tiers(manifest.tiers());
        this.showerPartitions = showerPartitions;
    }

    @Override
    public void init(ProcessorContext<String, SpecificRecord> context) {
        this.context = context;
        rankings = RankedContributionsStore.rankingsOf(context.getStateStore(Stores.CONTRIBUTIONS));
        totals = context.getStateStore(Stores.SHOWER_TOTALS);
        eggSeed = context.getStateStore(Stores.EGG_SEED);
    }

    @Override
    public void process(Record<String, EggSeedRevealed> record) {
        if (record.value() == null) {
            return;
        }
        EggSeed.Verdict verdict = EggSeed.check(record.value().getSeed(), manifest.event().getEggSeedCommitment());
        if (!verdict.accepted()) {
            return;
        }
        eggSeed.put(ShowerProcessor.SEED_KEY, HexFormat.of().formatHex(verdict.seed()));
        int partition = context.taskId().partition();
        for (int shower : ShowerPartitions.showersOf(partition, showerPartitions, manifest.schedule().showerCount())) {
            ShowerTotals t = totals.get(shower);
            if (t != null && t.closed()) {
                ShowerProcessor.forwardEggs(context, manifest, shower, verdict.seed(),
                        ShowerProcessor.candidates(rankings, tiers, shower, t.eligibleWallets()));
            }
        }
    }
}
