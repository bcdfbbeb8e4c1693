package dev.starfall.projections;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import dev.starfall.projections.domain.ChainWatermark;
import dev.starfall.projections.domain.Contribution;
import dev.starfall.projections.domain.EggDraw;
import dev.starfall.projections.domain.RankingKey;
import dev.starfall.projections.domain.ShowerTotals;
import dev.starfall.projections.domain.ShowerWallet;
import dev.starfall.projections.domain.TierFloors;
import dev.starfall.projections.domain.Tiers;
import dev.starfall.projections.domain.TransferIdKey;
import dev.starfall.schemas.TransferIds;
import dev.starfall.schemas.avro.EggDrawn;
import dev.starfall.schemas.avro.EggWinner;
import dev.starfall.schemas.avro.ShowerResult;
import dev.starfall.schemas.avro.ShowerSummary;
import dev.starfall.schemas.avro.SourceCursor;
import dev.starfall.schemas.avro.TierFloor;
import dev.starfall.schemas.avro.TransferObserved;
import dev.starfall.schemas.manifest.Manifest;
import dev.starfall.schemas.manifest.ShowerSchedule;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.BytesSerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts each transfer once into its shower and closes the showers of its partition.
 *
 * <p>Counting: deduplicates by transfer id, adds the transfer to the (shower, wallet) contribution
 * (whose store moves the wallet's ranking entry with it: {@link RankedContributionsStore}) and
 * updates the shower totals. Input is keyed by shower number
 * ({@link ProjectionsTopology#OUTSIDE} for transfers outside every shower), so one shower's stores
 * live in one partition.
 *
 * <p>Closing (when built with closing on): the task's chain-time watermark is an in-band low
 * watermark: the minimum, over every input partition of the transfers topic, of the last
 * {@link WatermarkTicks watermark tick} it sent through the by-shower topic (a partition that sent
 * none holds it at the event's open), advanced by the cursors' chain time only when every input
 * partition has processed everything committed with those cursors ({@link ChainWatermark#of}).
 * The ticks travel with the transfers, so a shower never closes before the transfers of its time
 * that were published ahead of the tick are counted - even though the global cursor store runs
 * ahead of the tasks. The last tick of every input partition is kept in
 * {@link Stores#TASK_WATERMARKS} (key {@code -1 - input partition}), and so is the task's
 * watermark (key: the task's partition; never decreases), so both survive restarts and the
 * readers see the watermark the task closes by. On every tick and every second of wall-clock
 * time (a punctuator), each shower of the task's partition whose close plus grace is before the
 * watermark is closed, in shower order: one
 * {@link ShowerResult} per eligible wallet, one {@link ShowerSummary}, the {@link EggDrawn} of each
 * tier when the egg seed is known, and the shower is marked closed in its totals - all in the same
 * exactly-once transaction. A later transfer of a closed shower is counted as {@code late} in its
 * totals and forwarded as it is (to the late topic); its contributions and ranking never change.
 * Output records carry the shower's final time as timestamp and depend only on the final state,
 * so a re-emission after a restart writes identical values under identical compacted keys.
 *
 * <p>Output: key and value of the topic they go to (results, summaries, eggs, late transfers).
 *
 * <p>While initialized, the processor lists its task's stores in {@link ShowerTaskStores}, for the
 * instance's readers; closing it (which comes before the task's stores close) takes them out.
 */
final class ShowerProcessor implements Processor<Integer, byte[], String, SpecificRecord> {

    private static final Logger log = LoggerFactory.getLogger(ShowerProcessor.class);
    /** The value of a counted transfer's key: the key is all there is to know. */
    private static final byte[] COUNTED = new byte[0];
    static final String SEED_KEY = "seed";

    private final Manifest manifest;
    private final ShowerSchedule schedule;
    private final BigInteger minimum;
    private final Tiers tiers;
    private final boolean closing;
    private final int showerPartitions;
    private final int upstreamPartitions;
    private final Deserializer<TransferObserved> transfers;
    private final ShowerTaskStores running;
    /** What this processor listed in {@link #running}, until it is closed. */
    private ShowerTaskStores.Held held;

    private ProcessorContext<String, SpecificRecord> context;
    /** Counted transfers, by {@link TransferIdKey}: an empty value (earlier versions wrote the block time). */
    private KeyValueStore<Bytes, byte[]> transferIds;
    /**
     * Which earlier versions' keys the transfer-ids store holds, under which a transfer is then also
     * looked up; null until the task's first new transfer.
     */
    private EarlierIds earlierIds;
    private KeyValueStore<ShowerWallet, Contribution> contributions;
    /** The contributions' rankings: a contribution put moves its entry (see {@link RankedContributionsStore}). */
    private ReadOnlyKeyValueStore<Bytes, byte[]> rankings;
    private KeyValueStore<Integer, ShowerTotals> totals;
    private KeyValueStore<Integer, Long> watermarks;
    private KeyValueStore<String, String> eggSeed;
    private ReadOnlyKeyValueStore<String, SourceCursor> cursors;
    private int partition;
    private int[] showers;
    /** Last tick of each input partition of the transfers topic ({@link ChainWatermark#NONE}: none yet). */
    private long[] ticks;
    /** The task's watermark, as last stored. */
    private long watermark = ChainWatermark.NONE;
    /** Smallest final time (close plus grace) among this task's showers not yet closed. */
    private long nextFinalAt = Long.MAX_VALUE;

    /**
     * @param closing          close showers and emit results (needs the global cursor store and the egg-seed store)
     * @param showerPartitions   partitions of the by-shower topic, to know which showers this task owns
     * @param upstreamPartitions partitions of the transfers topic, each of which sends watermark ticks
     * @param transfers          decodes the transfers and ticks of the by-shower topic (Confluent wire format)
     * @param running            where the processor lists its task's stores while it is initialized
     */
    ShowerProcessor(Manifest manifest, boolean closing, int showerPartitions, int upstreamPartitions, Deserializer<TransferObserved> transfers,
                    ShowerTaskStores running) {
        this.manifest = manifest;
        this.schedule = manifest.schedule();
        this.minimum = manifest.minimumContribution();
        this.tiers = new Tiers(manifest.tiers());
        this.closing = closing;
        this.showerPartitions = showerPartitions;
        this.upstreamPartitions = upstreamPartitions;
        this.transfers = transfers;
        this.running = running;
    }

    @Override
    public void init(ProcessorContext<String, SpecificRecord> context) {
        this.context = context;
        transferIds = context.getStateStore(Stores.TRANSFER_IDS);
        earlierIds = null;
        contributions = context.getStateStore(Stores.CONTRIBUTIONS);
        rankings = RankedContributionsStore.rankingsOf(context.getStateStore(Stores.CONTRIBUTIONS));
        totals = context.getStateStore(Stores.SHOWER_TOTALS);
        watermarks = context.getStateStore(Stores.TASK_WATERMARKS);
        partition = context.taskId().partition();
        held = new ShowerTaskStores.Held(partition, contributions, totals, watermarks);
        running.started(held);
        if (!closing) {
            return;
        }
        Long stored = watermarks.get(partition);
        watermark = stored == null ? ChainWatermark.NONE : stored;
        ticks = new long[upstreamPartitions];
        for (int u = 0; u < upstreamPartitions; u++) {
            Long tick = watermarks.get(WatermarkTicks.keyOf(u));
            ticks[u] = tick == null ? ChainWatermark.NONE : tick;
        }
        eggSeed = context.getStateStore(Stores.EGG_SEED);
        cursors = context.getStateStore(Stores.INGEST_CURSORS);
        showers = ShowerPartitions.showersOf(partition, showerPartitions, schedule.showerCount());
        nextFinalAt = nextFinalAt();
        context.schedule(Duration.ofSeconds(1), PunctuationType.WALL_CLOCK_TIME, now -> closeDue(watermark()));
    }

    @Override
    public void process(Record<Integer, byte[]> record) {
        if (record.value() == null || record.key() == null) {
            return;
        }
        TransferObserved t = transfers.deserialize(Stores.BY_SHOWER, record.value());
        int shower = record.key();
        if (WatermarkTicks.isTick(shower)) {
            if (closing) {
                tick(WatermarkTicks.upstreamOf(shower), t.getBlockTime().toEpochMilli());
            }
            return;
        }
        long blockTime = t.getBlockTime().toEpochMilli();
        if (closing) {
            checkOwned(shower);
        }
        ShowerTotals current = totals(shower);
        String id = TransferIds.of(t);
        Bytes idKey = Bytes.wrap(TransferIdKey.of(blockTime, id));
        if (counted(idKey, blockTime, id)) {
            totals.put(shower, current.withDuplicate());
            return;
        }
        transferIds.put(idKey, COUNTED);
        BigInteger amount = t.getAmount().toBigIntegerExact();
        if (shower == ProjectionsTopology.OUTSIDE) {
            totals.put(shower, current.withOutsideTransfer(amount));
            return;
        }
        if (current.closed()) {
            totals.put(shower, current.withLate());
            context.forward(new Record<String, SpecificRecord>(id, t, record.timestamp()));
            log.debug("Late transfer {} for closed shower {}", id, shower);
            return;
        }
        ShowerWallet key = new ShowerWallet(shower, t.getSender());
        Contribution before = contributions.get(key);
        Contribution after = before == null ? Contribution.first(amount, blockTime) : before.plus(amount, blockTime);
        contributions.put(key, after);
        totals.put(shower, current.withTransfer(before, after, amount, minimum));
    }

    /**
     * Whether the transfer was counted before: under its key, or, on a state an earlier version
     * built, under the key that version wrote. The store is looked at for such keys once per task,
     * at its first transfer not found (the task alone writes the store once restored).
     */
    private boolean counted(Bytes idKey, long blockTime, String id) {
        if (transferIds.get(idKey) != null) {
            return true;
        }
        if (earlierIds == null) {
            earlierIds = new EarlierIds(any(TransferIdKey.firstOf(TransferIdKey.TIME_ORDERED), TransferIdKey.firstOf(TransferIdKey.DIGESTED)),
                    any(TransferIdKey.FIRST_LEGACY, null));
            if (earlierIds.any()) {
                log.info("The transfer ids of partition {} include ids an earlier version recorded: each transfer not found is looked up"
                        + " again under {}, until the state is rebuilt (ops/RUNBOOK.md)", partition, earlierIds);
            }
        }
        return earlierIds.timeOrdered() && transferIds.get(Bytes.wrap(TransferIdKey.timeOrdered(blockTime, id))) != null
                || earlierIds.legacy() && transferIds.get(Bytes.wrap(TransferIdKey.legacy(id))) != null;
    }

    /**
     * Whether the transfer-ids store holds a key from {@code from} to {@code to} (both inclusive, as
     * Kafka Streams' {@code range} takes them, and both one byte long, which no key is; null: no end).
     */
    private boolean any(byte[] from, byte[] to) {
        try (KeyValueIterator<Bytes, byte[]> it = transferIds.range(Bytes.wrap(from), to == null ? null : Bytes.wrap(to))) {
            return it.hasNext();
        }
    }

    /** Which earlier forms of {@link TransferIdKey} a task's store holds. */
    private record EarlierIds(boolean timeOrdered, boolean legacy) {

        boolean any() {
            return timeOrdered || legacy;
        }

        @Override
        public String toString() {
            return timeOrdered && legacy ? "both earlier keys" : timeOrdered ? "its key by block time and id" : "its key by id alone";
        }
    }

    private void checkOwned(int shower) {
        if (shower != ProjectionsTopology.OUTSIDE && ShowerPartitions.partitionOf(shower, showerPartitions) != partition) {
            throw new IllegalStateException("shower " + shower + " arrived in partition " + partition + " but belongs to partition "
                    + ShowerPartitions.partitionOf(shower, showerPartitions) + " of " + showerPartitions
                    + ": the topology's shower partition count does not match the by-shower topic");
        }
    }

    /** Called when the task is suspended (before any revocation, recycling or close): its stores are no longer listed. */
    @Override
    public void close() {
        running.stopped(held);
        held = null;
    }

    private ShowerTotals totals(int shower) {
        ShowerTotals t = totals.get(shower);
        return t == null ? ShowerTotals.EMPTY : t;
    }

    private void tick(int upstream, long time) {
        if (upstream >= upstreamPartitions) {
            throw new IllegalStateException("a watermark tick of input partition " + upstream + " arrived, but the topology expects "
                    + upstreamPartitions + ": the topology's upstream partition count does not match the transfers topic");
        }
        if (time > ticks[upstream]) {
            ticks[upstream] = time;
            watermarks.put(WatermarkTicks.keyOf(upstream), time);
        }
        closeDue(watermark());
    }

    /** The task's watermark now (see the class comment); stored when it advanced. */
    private long watermark() {
        long inBand = Long.MAX_VALUE;
        long open = schedule.opensAt().toEpochMilli();
        for (long tick : ticks) {
            inBand = Math.min(inBand, tick == ChainWatermark.NONE ? open : tick);
        }
        List<SourceCursor> all = new ArrayList<>();
        try (KeyValueIterator<String, SourceCursor> it = cursors.all()) {
            it.forEachRemaining(kv -> all.add(kv.value));
        }
        long now = ChainWatermark.of(inBand, all);
        if (now > watermark) {
            watermark = now;
            watermarks.put(partition, now);
        }
        return watermark;
    }

    private long nextFinalAt() {
        long next = Long.MAX_VALUE;
        for (int s : showers) {
            if (!totals(s).closed()) {
                next = Math.min(next, schedule.finalAt(s).toEpochMilli());
            }
        }
        return next;
    }

    /** Closes, in shower order, every shower of this task whose close plus grace is before the watermark. */
    private void closeDue(long watermark) {
        if (watermark <= nextFinalAt) {
            return;
        }
        for (int s : showers) {
            if (schedule.finalAt(s).toEpochMilli() < watermark && !totals(s).closed()) {
                close(s, watermark);
            }
        }
        nextFinalAt = nextFinalAt();
    }

    private void close(int shower, long watermark) {
        ShowerTotals t = totals(shower);
        long eligible = t.eligibleWallets();
        long finalAt = schedule.finalAt(shower).toEpochMilli();
        byte[] seed = seed(eggSeed);
        List<List<EggDraw.Candidate>> candidates = seed == null ? null : emptyTiers();
        Map<Long, BigInteger> boundaries = new HashMap<>();
        for (Long r : TierFloors.boundaryRanks(tiers, eligible)) {
            boundaries.put(r, null);
        }
        long rank = 0;
        try (KeyValueIterator<Bytes, byte[]> it = rankings.prefixScan(Bytes.wrap(RankingKey.showerPrefix(shower)), new BytesSerializer())) {
            while (it.hasNext() && rank < eligible) {
                KeyValue<Bytes, byte[]> kv = it.next();
                rank++;
                RankingKey key = RankingKey.decode(kv.key.get());
                int tier = tiers.tierOf(rank, eligible).orElseThrow();
                Contribution c = RankedContributionsStore.contributionOf(kv.value);
                ShowerResult result = ShowerResult.newBuilder().setEventId(manifest.event().getId()).setShower(shower)
                        .setWallet(key.wallet()).setRank(rank).setTier(tiers.name(tier)).setTierIndex(tier)
                        .setContribution(new BigDecimal(key.amount())).setTransfers(c.transfers())
                        .setFirstAt(java.time.Instant.ofEpochMilli(c.firstAt()))
                        .setReachedAt(java.time.Instant.ofEpochMilli(key.reachedAt())).build();
                context.forward(new Record<String, SpecificRecord>(shower + ":" + key.wallet(), result, finalAt));
                if (boundaries.containsKey(rank)) {
                    boundaries.put(rank, key.amount());
                }
                if (candidates != null) {
                    candidates.get(tier).add(new EggDraw.Candidate(key.wallet(), rank, key.amount()));
                }
            }
        }
        if (rank != eligible) {
            throw new IllegalStateException("shower " + shower + ": " + eligible + " eligible wallets counted but " + rank + " ranked");
        }
        context.forward(new Record<String, SpecificRecord>(Integer.toString(shower),
                summary(shower, t, TierFloors.floors(tiers, eligible, boundaries::get)), finalAt));
        if (candidates != null) {
            forwardEggs(shower, seed, candidates);
        }
        totals.put(shower, t.asClosed());
        log.info("Closed shower {} at chain time {}: {} meteors of {} wallets (task partition {})", shower,
                java.time.Instant.ofEpochMilli(watermark), eligible, t.wallets(), partition);
    }

    private ShowerSummary summary(int shower, ShowerTotals t, List<TierFloors.Floor> floors) {
        List<TierFloor> out = new ArrayList<>(floors.size());
        for (TierFloors.Floor f : floors) {
            out.add(TierFloor.newBuilder().setTier(f.tier()).setWallets(f.wallets()).setLastRank(f.lastRank())
                    .setFloor(f.floor() == null ? null : new BigDecimal(f.floor())).build());
        }
        return ShowerSummary.newBuilder().setEventId(manifest.event().getId()).setShower(shower)
                .setClosesAt(schedule.closeOf(shower)).setFinalAt(schedule.finalAt(shower))
                .setWallets(t.wallets()).setEligibleWallets(t.eligibleWallets()).setRaised(new BigDecimal(t.raised()))
                .setTransfers(t.transfers()).setDuplicates(t.duplicates()).setFloors(out).build();
    }

    private List<List<EggDraw.Candidate>> emptyTiers() {
        List<List<EggDraw.Candidate>> out = new ArrayList<>(tiers.size());
        for (int i = 0; i < tiers.size(); i++) {
            out.add(new ArrayList<>());
        }
        return out;
    }

    /** The final ranking of a closed shower, by tier, as egg candidates. */
    static List<List<EggDraw.Candidate>> candidates(ReadOnlyKeyValueStore<Bytes, byte[]> rankings, Tiers tiers, int shower, long eligible) {
        List<List<EggDraw.Candidate>> out = new ArrayList<>(tiers.size());
        for (int i = 0; i < tiers.size(); i++) {
            out.add(new ArrayList<>());
        }
        long rank = 0;
        try (KeyValueIterator<Bytes, byte[]> it = rankings.prefixScan(Bytes.wrap(RankingKey.showerPrefix(shower)), new BytesSerializer())) {
            while (it.hasNext() && rank < eligible) {
                RankingKey key = RankingKey.decode(it.next().key.get());
                rank++;
                out.get(tiers.tierOf(rank, eligible).orElseThrow()).add(new EggDraw.Candidate(key.wallet(), rank, key.amount()));
            }
        }
        return out;
    }

    private void forwardEggs(int shower, byte[] seed, List<List<EggDraw.Candidate>> byTier) {
        forwardEggs(context, manifest, shower, seed, byTier);
    }

    /** Draws and forwards the eggs of every tier of a closed shower, key {@code "<shower>:<tier>"}. */
    static void forwardEggs(ProcessorContext<String, SpecificRecord> context, Manifest manifest, int shower, byte[] seed,
                            List<List<EggDraw.Candidate>> byTier) {
        Tiers tiers = new Tiers(manifest.tiers());
        long finalAt = manifest.schedule().finalAt(shower).toEpochMilli();
        for (int i = 0; i < tiers.size(); i++) {
            int eggs = manifest.tiers().get(i).getEggsPerShower();
            List<EggWinner> winners = new ArrayList<>();
            for (EggDraw.Winner w : EggDraw.draw(seed, shower, tiers.name(i), byTier.get(i), eggs)) {
                winners.add(EggWinner.newBuilder().setRound(w.round()).setWallet(w.candidate().wallet()).setRank(w.candidate().rank())
                        .setContribution(new BigDecimal(w.candidate().weight())).build());
            }
            EggDrawn drawn = EggDrawn.newBuilder().setEventId(manifest.event().getId()).setShower(shower).setTier(tiers.name(i))
                    .setTierIndex(i).setEggs(eggs).setCandidates(byTier.get(i).size())
                    .setSeedCommitment(manifest.event().getEggSeedCommitment()).setWinners(winners).build();
            context.forward(new Record<String, SpecificRecord>(shower + ":" + tiers.name(i), drawn, finalAt));
        }
    }

    static byte[] seed(KeyValueStore<String, String> eggSeed) {
        String hex = eggSeed.get(SEED_KEY);
        return hex == null ? null : HexFormat.of().parseHex(hex);
    }
}
