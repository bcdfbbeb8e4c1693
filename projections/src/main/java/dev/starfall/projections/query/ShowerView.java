package dev.starfall.projections.query;

import java.util.List;

/**
 * A shower's summary as the gateway serves it. Amounts are decimal strings of minor units.
 *
 * @param status      UPCOMING, OPEN, CLOSING or CLOSED by the chain-time watermark; CLOSED only once the results were emitted
 * @param watermark   the chain-time watermark (epoch millis) the status was computed at; {@code Long.MIN_VALUE} when none
 * @param late        transfers of this shower that arrived after it closed (recorded, not counted)
 * @param floors      live floors while open, final once closed, best tier first
 */
public record ShowerView(int shower, String status, long watermark, long wallets, long eligibleWallets, String raised,
                         long transfers, long duplicates, long late, List<FloorView> floors) {
}
