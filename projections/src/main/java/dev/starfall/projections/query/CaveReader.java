package dev.starfall.projections.query;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import dev.starfall.projections.ProjectionSerdes;
import dev.starfall.projections.Stores;
import dev.starfall.projections.domain.Meteor;
import dev.starfall.projections.domain.WalletMeteorKey;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * Reads wallets' caves from {@link Stores#METEORS}. That store is partitioned by wallet: find the owner
 * with {@code queryMetadataForKey(Stores.METEORS, wallet, new StringSerializer())}. Live (not yet
 * closed) standings live in the shower partitions; {@link #combine} merges them in.
 */
public final class CaveReader {

    private static final Serializer<String> WALLET_PREFIX = ProjectionSerdes.walletPrefix();

    private final ReadOnlyKeyValueStore<WalletMeteorKey, Meteor> meteors;

    public CaveReader(ReadOnlyKeyValueStore<WalletMeteorKey, Meteor> meteors) {
        this.meteors = meteors;
    }

    /** The wallet's meteors in closed showers, by shower; empty when it has none. */
    public List<MeteorView> meteors(String wallet) {
        List<MeteorView> out = new ArrayList<>();
        try (KeyValueIterator<WalletMeteorKey, Meteor> it = meteors.prefixScan(wallet, WALLET_PREFIX)) {
            while (it.hasNext()) {
                KeyValue<WalletMeteorKey, Meteor> entry = it.next();
                Meteor m = entry.value;
                out.add(new MeteorView(entry.key.shower(), m.rank(), m.tier(), m.contribution().toString()));
            }
        }
        return out;
    }

    /**
     * The whole cave: the closed meteors plus live standings of showers that have no final meteor
     * (pass the wallet's {@link ShowerReader#wallet} answers for the showers whose status is OPEN or
     * CLOSING, from their owners). A standing of a shower that has a final meteor is dropped: the
     * final answer wins.
     */
    public static WalletCave combine(String wallet, List<MeteorView> closed, List<WalletStanding> live) {
        Set<Integer> closedShowers = new HashSet<>();
        closed.forEach(m -> closedShowers.add(m.shower()));
        List<WalletStanding> open = new ArrayList<>();
        for (WalletStanding s : live) {
            if (s != null && !closedShowers.contains(s.shower())) {
                open.add(s);
            }
        }
        open.sort(Comparator.comparingInt(WalletStanding::shower));
        List<MeteorView> meteors = new ArrayList<>(closed);
        meteors.sort(Comparator.comparingInt(MeteorView::shower));
        return new WalletCave(wallet, List.copyOf(meteors), List.copyOf(open));
    }
}
