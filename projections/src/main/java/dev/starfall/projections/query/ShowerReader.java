package dev.starfall.projections.query;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

import dev.starfall.projections.Stores;
import dev.starfall.projections.domain.Contribution;
import dev.starfall.projections.domain.RankingKey;
import dev.starfall.projections.domain.ShowerTotals;
import dev.starfall.projections.domain.ShowerWallet;
import dev.starfall.projections.domain.Tiers;
import org.apache.kafka.common.serialization.BytesSerializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * Reads one shower's answers from its local stores (one partition). Scans close their iterators;
 * callers run this off the event loop.
 */
public final class ShowerReader {

    private final ReadOnlyKeyValueStore<Bytes, byte[]> rankings;
    private final ReadOnlyKeyValueStore<ShowerWallet, Contribution> contributions;
    private final ReadOnlyKeyValueStore<Integer, ShowerTotals> totals;
    private final Tiers tiers;

    public ShowerReader(ReadOnlyKeyValueStore<Bytes, byte[]> rankings, ReadOnlyKeyValueStore<ShowerWallet, Contribution> contributions,
                        ReadOnlyKeyValueStore<Integer, ShowerTotals> totals, Tiers tiers) {
        this.rankings = rankings;
        this.contributions = contributions;
        this.totals = totals;
        this.tiers = tiers;
    }

    /** Names of the stores this reader needs, for the caller that opens them. */
    public static List<String> storeNames() {
        return Arrays.asList(Stores.RANKINGS, Stores.CONTRIBUTIONS, Stores.SHOWER_TOTALS);
    }

    public ShowerTotals totals(int shower) {
        ShowerTotals t = totals.get(shower);
        return t == null ? ShowerTotals.EMPTY : t;
    }

    /** Ranks {@code offset+1 .. offset+limit} of a shower: one prefix scan, no sort. */
    public Leaderboard leaderboard(int shower, int offset, int limit) {
        ShowerTotals t = totals(shower);
        List<LeaderboardEntry> entries = new ArrayList<>(Math.min(limit, 1024));
        long rank = 0;
        try (KeyValueIterator<Bytes, byte[]> it = rankings.prefixScan(Bytes.wrap(RankingKey.showerPrefix(shower)), new BytesSerializer())) {
            while (it.hasNext() && entries.size() < limit) {
                KeyValue<Bytes, byte[]> kv = it.next();
                rank++;
                if (rank <= offset) {
                    continue;
                }
                RankingKey key = RankingKey.decode(kv.key.get());
                Contribution c = contributions.get(new ShowerWallet(shower, key.wallet()));
                entries.add(new LeaderboardEntry(rank, key.wallet(), key.amount().toString(), c == null ? 0 : c.transfers(),
                        key.reachedAt(), tierName(rank, t.eligibleWallets())));
            }
        }
        return new Leaderboard(shower, t.wallets(), t.eligibleWallets(), t.raised().toString(), t.transfers(), offset, limit, entries);
    }

    /** A wallet's contribution, rank and tier in a shower; empty when it has not contributed. */
    public Optional<WalletStanding> wallet(int shower, String wallet, BigInteger minimum) {
        Contribution c = contributions.get(new ShowerWallet(shower, wallet));
        if (c == null) {
            return Optional.empty();
        }
        byte[] own = new RankingKey(shower, c.amount(), c.reachedAt(), wallet).encode();
        long rank = 0;
        try (KeyValueIterator<Bytes, byte[]> it = rankings.prefixScan(Bytes.wrap(RankingKey.showerPrefix(shower)), new BytesSerializer())) {
            while (it.hasNext()) {
                rank++;
                if (Arrays.equals(it.next().key.get(), own)) {
                    break;
                }
            }
        }
        boolean eligible = c.isEligible(minimum);
        long eligibleWallets = totals(shower).eligibleWallets();
        return Optional.of(new WalletStanding(shower, wallet, c.amount().toString(), c.transfers(), c.firstAt(), c.lastAt(),
                rank, eligible, eligible ? tierName(rank, eligibleWallets) : null));
    }

    private String tierName(long rank, long eligible) {
        OptionalInt tier = tiers.tierOf(rank, eligible);
        return tier.isPresent() ? tiers.name(tier.getAsInt()) : null;
    }
}
