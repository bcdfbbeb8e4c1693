package dev.starfall.projections.query;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import dev.starfall.projections.Stores;
import dev.starfall.projections.domain.Cave;
import dev.starfall.projections.domain.Meteor;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * Reads wallets' caves from {@link Stores#CAVE}. That store is partitioned by wallet: find the owner
 * with {@code queryMetadataForKey(Stores.CAVE, wallet, new StringSerializer())}. Live (not yet
 * closed) standings live in the shower partitions; {@link #combine} merges them in.
 */
public final class CaveReader {

    private final ReadOnlyKeyValueStore<String, Cave> caves;

    public CaveReader(ReadOnlyKeyValueStore<String, Cave> caves) {
        this.caves = caves;
    }

    /** The wallet's meteors in closed showers, by shower; empty when it has none. */
    public List<MeteorView> meteors(String wallet) {
        Cave cave = caves.get(wallet);
        if (cave == null) {
            return List.of();
        }
        List<MeteorView> out = new ArrayList<>(cave.meteors().size());
        for (Meteor m : cave.meteors()) {
            out.add(new MeteorView(m.shower(), m.rank(), m.tier(), m.contribution().toString()));
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
