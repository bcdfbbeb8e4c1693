package dev.starfall.projections.query;

import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

import dev.starfall.projections.RankedContributionsStore;
import dev.starfall.projections.Stores;
import dev.starfall.projections.domain.Contribution;
import dev.starfall.projections.domain.RankingKey;
import dev.starfall.projections.domain.ShowerTotals;
import dev.starfall.projections.domain.ShowerWallet;
import dev.starfall.projections.domain.ChainWatermark;
import dev.starfall.projections.domain.TierFloors;
import dev.starfall.projections.domain.Tiers;
import dev.starfall.schemas.avro.ShowerSummary;
import dev.starfall.schemas.manifest.Manifest;
import dev.starfall.schemas.manifest.ShowerSchedule;
import org.apache.kafka.common.serialization.BytesSerializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * Reads one shower's answers from its local stores (one partition). Scans close their iterators;
 * callers run this off the event loop. A reader from {@link #forOneAnswer()} reads each shower's
 * totals once and answers every part from that one read.
 */
public final class ShowerReader {

    /** {@link RankedContributionsStore#rankingsOf} or {@link RankedContributionsStore#PARTITION}'s: key and contribution of each entry, and the entries at ranks. */
    private final RankedContributionsStore.Rankings rankings;
    private final ReadOnlyKeyValueStore<ShowerWallet, Contribution> contributions;
    private final ReadOnlyKeyValueStore<Integer, ShowerTotals> totals;
    private final Tiers tiers;
    private final ReadOnlyKeyValueStore<Integer, Long> taskWatermarks;
    /** The shower partition whose task's stores these are: the key of its watermark in {@link #taskWatermarks}. */
    private final int partition;
    private final ReadOnlyKeyValueStore<String, ShowerSummary> finals;
    private final Manifest manifest;
    private final RankSnapshots ranks;
    /** Each shower's totals as first read by this reader; null: read the store on every use. */
    private final Map<Integer, ShowerTotals> totalsRead;

    /** Leaderboard, wallet and totals only; the status, summary, floor and next-tier methods need the other constructor. */
    public ShowerReader(RankedContributionsStore.Rankings rankings, ReadOnlyKeyValueStore<ShowerWallet, Contribution> contributions,
                        ReadOnlyKeyValueStore<Integer, ShowerTotals> totals, Tiers tiers) {
        this.rankings = rankings;
        this.contributions = contributions;
        this.totals = totals;
        this.tiers = tiers;
        this.taskWatermarks = null;
        this.partition = -1;
        this.finals = null;
        this.manifest = null;
        this.ranks = null;
        this.totalsRead = null;
    }

    /**
     * Every answer of one shower partition.
     *
     * @param taskWatermarks {@link Stores#TASK_WATERMARKS} of the same partition
     * @param partition      that partition (the shower partition of all four stores)
     * @param finals         the global {@link Stores#TELESCOPE} store (closed showers' final summaries), from
     *                       which {@link #floors} answers a closed shower without scanning; null: always scan
     */
    public ShowerReader(RankedContributionsStore.Rankings rankings, ReadOnlyKeyValueStore<ShowerWallet, Contribution> contributions,
                        ReadOnlyKeyValueStore<Integer, ShowerTotals> totals, ReadOnlyKeyValueStore<Integer, Long> taskWatermarks, int partition,
                        ReadOnlyKeyValueStore<String, ShowerSummary> finals, Manifest manifest) {
        this(rankings, contributions, totals, taskWatermarks, partition, finals, manifest, null);
    }

    /**
     * Every answer of one shower partition, ranks from {@code ranks} (see {@link RankSnapshots}):
     * only for the stores of an active task on this instance; null scans the ranking for each rank.
     */
    public ShowerReader(RankedContributionsStore.Rankings rankings, ReadOnlyKeyValueStore<ShowerWallet, Contribution> contributions,
                        ReadOnlyKeyValueStore<Integer, ShowerTotals> totals, ReadOnlyKeyValueStore<Integer, Long> taskWatermarks, int partition,
                        ReadOnlyKeyValueStore<String, ShowerSummary> finals, Manifest manifest, RankSnapshots ranks) {
        this(rankings, contributions, totals, new Tiers(manifest.tiers()), taskWatermarks, partition, finals, manifest, ranks, null);
    }

    private ShowerReader(RankedContributionsStore.Rankings rankings, ReadOnlyKeyValueStore<ShowerWallet, Contribution> contributions,
                         ReadOnlyKeyValueStore<Integer, ShowerTotals> totals, Tiers tiers, ReadOnlyKeyValueStore<Integer, Long> taskWatermarks,
                         int partition, ReadOnlyKeyValueStore<String, ShowerSummary> finals, Manifest manifest, RankSnapshots ranks,
                         Map<Integer, ShowerTotals> totalsRead) {
        this.rankings = rankings;
        this.contributions = contributions;
        this.totals = totals;
        this.tiers = tiers;
        this.taskWatermarks = taskWatermarks;
        this.partition = partition;
        this.finals = finals;
        this.manifest = manifest;
        this.ranks = ranks;
        this.totalsRead = totalsRead;
    }

    /**
     * This reader for one answer, made of several parts (a wallet's status, standing and next
     * tier; a summary's counts and floors): each shower's totals are read once, at their first
     * use, and every later part uses that read. The parts then describe the same counts (a next
     * tier of the eligible wallets the standing was ranked among), and an answer costs one
     * totals read instead of one per part. Not for keeping: a reader from here never sees the
     * shower's counts change. Not thread-safe; one answer is read on one thread.
     */
    public ShowerReader forOneAnswer() {
        return new ShowerReader(rankings, contributions, totals, tiers, taskWatermarks, partition, finals, manifest, ranks, new HashMap<>(4));
    }

    /**
     * The chain-time watermark of this partition's task (epoch millis), as the task last stored it:
     * the in-band low watermark over the input partitions of the transfers topic, advanced by the
     * cursors' chain time once every input partition processed what the cursors vouch for (see
     * {@link ChainWatermark#of}); {@link ChainWatermark#NONE} when nothing is known. It is the
     * watermark the task closes showers by, at most a second old. (The cursor store is no longer
     * read here: a cursor can be ahead of the transfers the task processed.) One point read of the
     * task's key: the store's other keys are the input partitions' last ticks.
     */
    public long watermark() {
        requireFull();
        Long watermark = taskWatermarks.get(partition);
        return watermark == null ? ChainWatermark.NONE : watermark;
    }

    /**
     * UPCOMING, OPEN or CLOSING by the watermark; CLOSED only once the shower's results were emitted
     * (then from the totals alone: the watermark is not read).
     */
    public ShowerSchedule.Status status(int shower) {
        requireFull();
        return totals(shower).closed() ? ShowerSchedule.Status.CLOSED : status(shower, watermark());
    }

    private ShowerSchedule.Status status(int shower, long watermark) {
        requireFull();
        if (totals(shower).closed()) {
            return ShowerSchedule.Status.CLOSED;
        }
        ShowerSchedule.Status s = manifest.schedule().statusAt(shower, Instant.ofEpochMilli(watermark));
        return s == ShowerSchedule.Status.CLOSED ? ShowerSchedule.Status.CLOSING : s;
    }

    /** The shower's summary with status and floors; empty when the manifest has no such shower. */
    public Optional<ShowerView> summary(int shower) {
        requireFull();
        if (!manifest.schedule().isShower(shower)) {
            return Optional.empty();
        }
        long watermark = watermark();
        ShowerTotals t = totals(shower);
        return Optional.of(new ShowerView(shower, status(shower, watermark).name(), watermark, t.wallets(), t.eligibleWallets(),
                t.raised().toString(), t.transfers(), t.duplicates(), t.late(), floors(shower)));
    }

    /**
     * Floors of every tier, best first (live while open, final once closed). A closed shower's
     * ranking never changes again, so its floors are the final ones it was closed with: one point
     * read of the telescope when that already holds them. Otherwise (open, or the telescope's copy
     * not read yet) the entries at the tiers' last ranks: stepped to from the ranking's anchors
     * ({@link RankedContributionsStore.Rankings#keysAt}), or, the first time, one forward scan of at
     * most the last rank of the second-to-last tier (about a third of the eligible wallets with
     * the Levana tiers); and one reverse seek for the last tier - no sort, no full scan.
     */
    public List<FloorView> floors(int shower) {
        requireFull();
        ShowerTotals t = totals(shower);
        if (t.closed() && finals != null) {
            ShowerSummary last = finals.get(Integer.toString(shower));
            if (last != null && last.getEligibleWallets() == t.eligibleWallets()) {
                return TelescopeReader.floors(last);
            }
        }
        return scannedFloors(shower, t.eligibleWallets());
    }

    /** {@link #floors} from the ranking itself, whatever the telescope holds. */
    public List<FloorView> scannedFloors(int shower) {
        requireFull();
        return scannedFloors(shower, totals(shower).eligibleWallets());
    }

    private List<FloorView> scannedFloors(int shower, long eligible) {
        List<Long> boundaries = TierFloors.boundaryRanks(tiers, eligible);
        Map<Long, BigInteger> amounts = new HashMap<>();
        long lastScanned = boundaries.size() > 1 ? boundaries.get(boundaries.size() - 2) : 0;
        RankSnapshot snapshot = ranks == null ? null : ranks.usable(shower, totals(shower));
        if (lastScanned > 0 && snapshot != null && lastScanned <= snapshot.size()) {
            for (long rank : boundaries) {
                if (rank <= lastScanned) {
                    amounts.put(rank, snapshot.at(rank).amount());
                }
            }
        } else if (lastScanned > 0) {
            rankings.keysAt(shower, boundaries.subList(0, boundaries.size() - 1))
                    .forEach((rank, key) -> amounts.put(rank, RankingKey.decode(key).amount()));
        }
        if (eligible > 0) {
            amounts.put(eligible, lowestEligible(shower).orElseThrow(
                    () -> new IllegalStateException("shower " + shower + " counts eligible wallets but ranks none")).amount());
        }
        List<FloorView> out = new ArrayList<>();
        for (TierFloors.Floor f : TierFloors.floors(tiers, eligible, amounts::get)) {
            out.add(new FloorView(f.tier(), f.wallets(), f.lastRank(), f.floor() == null ? null : f.floor().toString()));
        }
        return out;
    }

    /**
     * The smallest top-up that lifts a wallet to a better tier (definition in {@link TierFloors});
     * empty when the wallet has not contributed or is in the top tier. Cost: scans up to the
     * wallet's rank.
     */
    public Optional<NextTierView> nextTier(int shower, String wallet) {
        requireFull();
        return wallet(shower, wallet, manifest.minimumContribution()).flatMap(w -> nextTier(shower, w));
    }

    /** {@link #nextTier(int, String)} for a standing just read by {@link #wallet}. Cost: up to a scan to the target rank. */
    public Optional<NextTierView> nextTier(int shower, WalletStanding w) {
        requireFull();
        long eligible = totals(shower).eligibleWallets();
        return TierFloors.nextTier(tiers, manifest.minimumContribution(), eligible, new BigInteger(w.amount()), w.rank(),
                        rank -> amountAt(shower, rank))
                .map(n -> new NextTierView(shower, w.wallet(), n.tier(), n.targetRank(), n.amount().toString()));
    }

    private BigInteger amountAt(int shower, long rank) {
        RankSnapshot snapshot = ranks == null ? null : ranks.usable(shower, totals(shower));
        if (snapshot != null && rank >= 1 && rank <= snapshot.size()) {
            return snapshot.at(rank).amount();
        }
        long r = 0;
        try (KeyValueIterator<Bytes, byte[]> it = ranking(shower)) {
            while (it.hasNext()) {
                byte[] key = it.next().key.get();
                if (++r == rank) {
                    walked(shower, totals(shower), r);
                    return RankingKey.decode(key).amount();
                }
            }
        }
        throw new IllegalStateException("shower " + shower + " has no rank " + rank);
    }

    /** Tells the snapshots that a read of a closed shower walked {@code entries} of its ranking without one ({@link RankSnapshots#walked}). */
    private void walked(int shower, ShowerTotals counted, long entries) {
        if (ranks != null && counted.closed()) {
            ranks.walked(shower, entries);
        }
    }

    /** The lowest-ranked wallet whose contribution reaches the minimum: one reverse seek. */
    private Optional<RankingKey> lowestEligible(int shower) {
        BigInteger minimum = manifest == null ? BigInteger.ZERO : manifest.minimumContribution();
        byte[] bound = minimum.signum() == 0 ? RankingKey.showerPrefix(shower + 1)
                : new RankingKey(shower, minimum.subtract(BigInteger.ONE), Long.MIN_VALUE, "").encode();
        try (KeyValueIterator<Bytes, byte[]> it = rankings.reverseRange(Bytes.wrap(RankingKey.showerPrefix(shower)), Bytes.wrap(bound))) {
            while (it.hasNext()) {
                byte[] key = it.next().key.get();
                if (!Arrays.equals(key, bound)) {
                    return Optional.of(RankingKey.decode(key));
                }
            }
        }
        return Optional.empty();
    }

    private void requireFull() {
        if (manifest == null) {
            throw new IllegalStateException("this ShowerReader was built without the manifest, watermark and cursor stores");
        }
    }

    /** The shower's totals: as this reader first read them when it is {@link #forOneAnswer() for one answer}, else now. */
    public ShowerTotals totals(int shower) {
        return totalsRead == null ? storedTotals(shower) : totalsRead.computeIfAbsent(shower, this::storedTotals);
    }

    /** The shower's totals as the store holds them now, whatever this reader read before. */
    private ShowerTotals storedTotals(int shower) {
        ShowerTotals t = totals.get(shower);
        return t == null ? ShowerTotals.EMPTY : t;
    }

    /**
     * Ranks {@code offset+1 .. offset+limit} of a shower: one prefix scan, no sort, and no read per
     * wallet (each ranking entry holds its contribution: {@link RankedContributionsStore}). A page
     * of a closed shower, whose ranking no longer changes, starts at the entry of rank
     * {@code offset+1} found from the ranking's anchors ({@link RankedContributionsStore.Rankings#keysAt}),
     * so paging through it steps about a page from the last page's anchor instead of scanning from the
     * top for each page; an open shower's page is one scan, so that its ranks come from one state.
     */
    public Leaderboard leaderboard(int shower, int offset, int limit) {
        ShowerTotals t = totals(shower);
        List<LeaderboardEntry> entries = new ArrayList<>(Math.min(limit, 1024));
        boolean fromAnchor = offset > 0 && limit > 0 && t.closed();
        byte[] first = fromAnchor ? rankings.keysAt(shower, List.of(offset + 1L)).get(offset + 1L) : null;
        if (!fromAnchor || first != null) { // else the page starts past the last rank
            long rank = fromAnchor ? offset : 0;
            try (KeyValueIterator<Bytes, byte[]> it = fromAnchor
                    ? rankings.range(Bytes.wrap(first), Bytes.wrap(RankingKey.showerPrefix(shower + 1))) : ranking(shower)) {
                while (it.hasNext() && entries.size() < limit) {
                    KeyValue<Bytes, byte[]> kv = it.next();
                    rank++;
                    if (rank <= offset) {
                        continue;
                    }
                    RankingKey key = RankingKey.decode(kv.key.get());
                    Contribution c = RankedContributionsStore.contributionOf(kv.value);
                    entries.add(new LeaderboardEntry(rank, key.wallet(), key.amount().toString(), c.transfers(),
                            key.reachedAt(), tierName(rank, t.eligibleWallets())));
                }
            }
        }
        return new Leaderboard(shower, t.wallets(), t.eligibleWallets(), t.raised().toString(), t.transfers(), offset, limit, entries);
    }

    /**
     * A wallet's contribution, rank and tier in a shower; empty when it has not contributed. With
     * {@link RankSnapshots}, the rank is a binary search in the shower's snapshot (see there for
     * how current it is, and when a closed shower gets one); without, a scan down to the wallet's rank.
     */
    public Optional<WalletStanding> wallet(int shower, String wallet, BigInteger minimum) {
        ShowerTotals counted = ranks == null ? null : totals(shower); // before the contribution: see RankSnapshot
        Contribution c = contributions.get(new ShowerWallet(shower, wallet));
        if (c == null) {
            return Optional.empty();
        }
        byte[] own = new RankingKey(shower, c.amount(), c.reachedAt(), wallet).encode();
        long rank = 0;
        RankSnapshot snapshot = ranks == null ? null : ranks.get(shower, counted, new SnapshotRenewal(shower));
        if (snapshot != null) {
            rank = snapshot.rankOf(own);
        } else {
            try (KeyValueIterator<Bytes, byte[]> it = ranking(shower)) {
                while (it.hasNext()) {
                    rank++;
                    if (Arrays.equals(it.next().key.get(), own)) {
                        break;
                    }
                }
            }
            walked(shower, counted, rank);
        }
        boolean eligible = c.isEligible(minimum);
        long eligibleWallets = totals(shower).eligibleWallets();
        return Optional.of(new WalletStanding(shower, wallet, c.amount().toString(), c.transfers(), c.firstAt(), c.lastAt(),
                rank, eligible, eligible ? tierName(rank, eligibleWallets) : null));
    }

    /** The shower's ranking keys, best first. */
    private KeyValueIterator<Bytes, byte[]> ranking(int shower) {
        return rankings.prefixScan(Bytes.wrap(RankingKey.showerPrefix(shower)), new BytesSerializer());
    }

    /**
     * A shower's new snapshot: one scan of its whole ranking, or a kept snapshot with the ranking's
     * moves since applied; counted when the shower counted nothing meanwhile (the processor writes a
     * transfer's ranking entry before the totals that count it, so totals read before never count
     * a move the snapshot lacks).
     */
    private final class SnapshotRenewal implements RankSnapshots.Renewal {
        private final int shower;

        SnapshotRenewal(int shower) {
            this.shower = shower;
        }

        @Override
        public RankSnapshot scan(long atNanos) {
            ShowerTotals before = storedTotals(shower);
            RankSnapshot s;
            try (RankedContributionsStore.Scan it = rankings.scan(shower)) {
                s = RankSnapshot.of(it, atNanos);
            }
            return counted(s, before);
        }

        @Override
        public RankSnapshot moved(RankSnapshot kept, long atNanos) {
            ShowerTotals before = storedTotals(shower);
            RankedContributionsStore.Moves moves = rankings.movesSince(shower, kept.version());
            RankSnapshot s = moves == null ? null : kept.moved(moves, atNanos);
            return s == null ? null : counted(s, before);
        }

        private RankSnapshot counted(RankSnapshot s, ShowerTotals before) {
            return before.sameRanking(storedTotals(shower)) ? s.counted(before) : s;
        }
    }

    private String tierName(long rank, long eligible) {
        OptionalInt tier = tiers.tierOf(rank, eligible);
        return tier.isPresent() ? tiers.name(tier.getAsInt()) : null;
    }
}
