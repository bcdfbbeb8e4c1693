package dev.starfall.projections.query;

import java.util.List;

/** The final floors of one closed shower. */
public record TelescopeEntry(int shower, long eligibleWallets, String raised, List<FloorView> floors) {
}
