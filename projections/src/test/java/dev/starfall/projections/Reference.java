package dev.starfall.projections;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeMap;

import dev.starfall.schemas.TransferIds;
import dev.starfall.schemas.avro.ShowerResult;
import dev.starfall.schemas.avro.TierRule;
import dev.starfall.schemas.avro.TransferObserved;
import dev.starfall.schemas.manifest.Manifest;
import dev.starfall.schemas.manifest.ShowerSchedule;

/**
 * A plain computation of the final results from the raw transfer log, independent of the topology's
 * stores: dedup by id, shower by block time, and - in arrival order - a transfer is late when some
 * earlier-arrived transfer's block time is already past its shower's close plus grace.
 */
final class Reference {

    /** Per wallet of a shower: sum, count, first and last block time. */
    record Sum(BigInteger amount, long transfers, long firstAt, long lastAt) {
    }

    final Map<Integer, Map<String, Sum>> sums = new TreeMap<>();
    final Map<Integer, Long> late = new HashMap<>();

    Reference(Manifest manifest, List<TransferObserved> arrivals) {
        ShowerSchedule schedule = manifest.schedule();
        Set<String> seen = new HashSet<>();
        long watermark = Long.MIN_VALUE;
        for (TransferObserved t : arrivals) {
            long at = t.getBlockTime().toEpochMilli();
            watermark = Math.max(watermark, at);
            if (!seen.add(TransferIds.of(t))) {
                continue;
            }
            OptionalInt shower = schedule.showerOf(at);
            if (shower.isEmpty()) {
                continue;
            }
            int s = shower.getAsInt();
            if (schedule.finalAt(s).toEpochMilli() < watermark) {
                late.merge(s, 1L, Long::sum);
                continue;
            }
            BigInteger amount = t.getAmount().toBigIntegerExact();
            sums.computeIfAbsent(s, k -> new HashMap<>()).merge(t.getSender(), new Sum(amount, 1, at, at),
                    (a, b) -> new Sum(a.amount().add(amount), a.transfers() + 1, Math.min(a.firstAt(), at), Math.max(a.lastAt(), at)));
        }
        this.manifest = manifest;
    }

    private final Manifest manifest;

    /** Expected results topic content: key "shower:wallet" -> "rank|tier|amount|transfers|firstAt|reachedAt". */
    Map<String, String> results() {
        Map<String, String> out = new TreeMap<>();
        BigInteger minimum = manifest.minimumContribution();
        List<TierRule> tiers = manifest.tiers();
        sums.forEach((shower, byWallet) -> {
            List<String> order = new ArrayList<>(byWallet.keySet());
            order.removeIf(w -> byWallet.get(w).amount().compareTo(minimum) < 0);
            order.sort(Comparator.<String, BigInteger>comparing(w -> byWallet.get(w).amount()).reversed()
                    .thenComparingLong(w -> byWallet.get(w).lastAt()).thenComparing(w -> w));
            long n = order.size();
            for (int i = 0; i < n; i++) {
                long rank = i + 1;
                String tier = null;
                for (TierRule rule : tiers) {
                    // ceil(ppm * n / 10^6), at least 1
                    BigInteger[] qr = BigInteger.valueOf(rule.getCumulativePpm()).multiply(BigInteger.valueOf(n))
                            .divideAndRemainder(BigInteger.valueOf(1_000_000));
                    long bound = Math.max(1, qr[0].longValueExact() + (qr[1].signum() > 0 ? 1 : 0));
                    if (rank <= bound) {
                        tier = rule.getName();
                        break;
                    }
                }
                Sum s = byWallet.get(order.get(i));
                out.put(shower + ":" + order.get(i), rank + "|" + tier + "|" + s.amount() + "|" + s.transfers() + "|" + s.firstAt() + "|" + s.lastAt());
            }
        });
        return out;
    }

    static Map<String, String> describe(Map<String, ShowerResult> results) {
        Map<String, String> out = new TreeMap<>();
        results.forEach((k, r) -> out.put(k, r.getRank() + "|" + r.getTier() + "|" + r.getContribution().toBigIntegerExact() + "|"
                + r.getTransfers() + "|" + r.getFirstAt().toEpochMilli() + "|" + r.getReachedAt().toEpochMilli()));
        return out;
    }
}
