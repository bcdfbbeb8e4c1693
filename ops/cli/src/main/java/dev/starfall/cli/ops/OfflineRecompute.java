package dev.starfall.cli.ops;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

import dev.starfall.projections.domain.Contribution;
import dev.starfall.projections.domain.RankingKey;
import dev.starfall.projections.domain.TierFloors;
import dev.starfall.projections.domain.Tiers;
import dev.starfall.schemas.TransferIds;
import dev.starfall.schemas.avro.TransferObserved;
import dev.starfall.schemas.manifest.Manifest;
import dev.starfall.schemas.manifest.ShowerSchedule;

/**
 * Each shower's ranking, tiers and floors recomputed offline from the transfer log, with the same
 * domain rules the projections use: a transfer counts once per transfer id ({@link TransferIds}), in
 * the shower of its block time ({@link ShowerSchedule#showerOf(long)}); a wallet's transfers in a
 * shower add up to one {@link Contribution}; the ranking is the byte order of {@link RankingKey}
 * (contribution descending, reached-at ascending, wallet ascending); tiers by {@link Tiers} over the
 * eligible wallets; floors by {@link TierFloors}.
 *
 * <p>Not thread-safe; feed it with {@link #add}, then read {@link #showers()}.
 */
public final class OfflineRecompute {

    /** One transfer as the recomputation needs it. */
    public record Transfer(String id, String sender, BigInteger amount, long blockTime) {
        public Transfer {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(sender, "sender");
            Objects.requireNonNull(amount, "amount");
        }

        public static Transfer of(TransferObserved t) {
            return new Transfer(TransferIds.of(t), t.getSender(), t.getAmount().toBigIntegerExact(), t.getBlockTime().toEpochMilli());
        }
    }

    /**
     * One ranked wallet.
     *
     * @param tier tier name; null when below the minimum
     */
    public record Ranked(long rank, String wallet, BigInteger amount, long transfers, long reachedAt, String tier) {
    }

    /** A shower recomputed: every wallet with a counted transfer, ranked, with the totals and floors. */
    public record ShowerRanking(int shower, List<Ranked> entries, long eligibleWallets, BigInteger raised, long transfers,
                                long duplicates, List<TierFloors.Floor> floors) {
        public ShowerRanking {
            entries = List.copyOf(entries);
            floors = List.copyOf(floors);
        }

        public long wallets() {
            return entries.size();
        }
    }

    private final ShowerSchedule schedule;
    private final BigInteger minimum;
    private final Tiers tiers;
    private final Set<String> seen = new HashSet<>();
    private final Map<Integer, Map<String, Contribution>> contributions = new HashMap<>();
    private final Map<Integer, Long> duplicates = new HashMap<>();
    private long outsideShowers;
    private long excluded;
    private final Set<String> excludedIds = new HashSet<>();

    public OfflineRecompute(ShowerSchedule schedule, BigInteger minimum, Tiers tiers) {
        this.schedule = Objects.requireNonNull(schedule, "schedule");
        this.minimum = Objects.requireNonNull(minimum, "minimum");
        this.tiers = Objects.requireNonNull(tiers, "tiers");
    }

    public static OfflineRecompute of(Manifest manifest) {
        return new OfflineRecompute(manifest.schedule(), manifest.minimumContribution(), new Tiers(manifest.tiers()));
    }

    /**
     * Transfer ids never to count: the ones the projections recorded as late (topic
     * {@code starfall.transfers.late.v1}), which arrived after their shower closed.
     */
    public void exclude(String transferId) {
        excludedIds.add(transferId);
    }

    /** Adds one transfer; a transfer id seen before only counts as a duplicate of its shower. */
    public void add(Transfer t) {
        OptionalInt shower = schedule.showerOf(t.blockTime());
        if (!seen.add(t.id())) {
            shower.ifPresent(s -> duplicates.merge(s, 1L, Long::sum));
            return;
        }
        if (shower.isEmpty()) {
            outsideShowers++;
            return;
        }
        if (excludedIds.contains(t.id())) {
            excluded++;
            return;
        }
        contributions.computeIfAbsent(shower.getAsInt(), s -> new HashMap<>())
                .merge(t.sender(), Contribution.first(t.amount(), t.blockTime()), (a, b) -> a.plus(t.amount(), t.blockTime()));
    }

    /** Distinct transfers whose block time is in no shower (before the open or after the last close). */
    public long outsideShowers() {
        return outsideShowers;
    }

    /** Distinct transfers left out because they were recorded as late. */
    public long excluded() {
        return excluded;
    }

    /** Every shower that has at least one counted transfer, by number. */
    public SortedMap<Integer, ShowerRanking> showers() {
        SortedMap<Integer, ShowerRanking> out = new TreeMap<>();
        for (Integer shower : contributions.keySet()) {
            out.put(shower, shower(shower));
        }
        for (Map.Entry<Integer, Long> d : duplicates.entrySet()) {
            out.computeIfAbsent(d.getKey(), this::shower);
        }
        return Collections.unmodifiableSortedMap(out);
    }

    /** One shower; empty entries when it has no counted transfer. */
    public ShowerRanking shower(int shower) {
        Map<String, Contribution> byWallet = contributions.getOrDefault(shower, Map.of());
        record Keyed(byte[] key, String wallet, Contribution c) {
        }
        List<Keyed> keyed = new ArrayList<>(byWallet.size());
        byWallet.forEach((w, c) -> keyed.add(new Keyed(new RankingKey(shower, c.amount(), c.reachedAt(), w).encode(), w, c)));
        keyed.sort(Comparator.comparing(Keyed::key, Arrays::compareUnsigned));
        long eligible = byWallet.values().stream().filter(c -> c.isEligible(minimum)).count();
        List<Ranked> entries = new ArrayList<>(keyed.size());
        BigInteger raised = BigInteger.ZERO;
        long transfers = 0;
        long rank = 0;
        for (Keyed k : keyed) {
            rank++;
            OptionalInt tier = tiers.tierOf(rank, eligible);
            entries.add(new Ranked(rank, k.wallet(), k.c().amount(), k.c().transfers(), k.c().reachedAt(),
                    tier.isPresent() ? tiers.name(tier.getAsInt()) : null));
            raised = raised.add(k.c().amount());
            transfers += k.c().transfers();
        }
        List<TierFloors.Floor> floors = TierFloors.floors(tiers, eligible, r -> entries.get((int) (r - 1)).amount());
        return new ShowerRanking(shower, entries, eligible, raised, transfers, duplicates.getOrDefault(shower, 0L), floors);
    }
}
