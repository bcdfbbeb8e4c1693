package dev.starfall.projections.query;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import dev.starfall.projections.Stores;
import dev.starfall.schemas.avro.ShowerSummary;
import dev.starfall.schemas.avro.TierFloor;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * The telescope: final floors of every closed shower, from the global store {@link Stores#TELESCOPE}
 * (a copy of the summaries topic on every instance: no routing needed).
 */
public final class TelescopeReader {

    private final ReadOnlyKeyValueStore<String, ShowerSummary> summaries;

    public TelescopeReader(ReadOnlyKeyValueStore<String, ShowerSummary> summaries) {
        this.summaries = summaries;
    }

    /** Every closed shower's final floors, by shower. */
    public List<TelescopeEntry> telescope() {
        List<TelescopeEntry> out = new ArrayList<>();
        try (KeyValueIterator<String, ShowerSummary> it = summaries.all()) {
            it.forEachRemaining(kv -> out.add(entry(kv.value)));
        }
        out.sort(Comparator.comparingInt(TelescopeEntry::shower));
        return out;
    }

    /** The final summary of a closed shower, or null when it is not closed. */
    public ShowerSummary summary(int shower) {
        return summaries.get(Integer.toString(shower));
    }

    static TelescopeEntry entry(ShowerSummary s) {
        return new TelescopeEntry(s.getShower(), s.getEligibleWallets(), s.getRaised().toBigIntegerExact().toString(), floors(s));
    }

    static List<FloorView> floors(ShowerSummary s) {
        List<FloorView> out = new ArrayList<>(s.getFloors().size());
        for (TierFloor f : s.getFloors()) {
            out.add(new FloorView(f.getTier(), f.getWallets(), f.getLastRank(),
                    f.getFloor() == null ? null : f.getFloor().toBigIntegerExact().toString()));
        }
        return out;
    }
}
