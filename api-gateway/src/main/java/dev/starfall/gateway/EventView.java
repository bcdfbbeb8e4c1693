package dev.starfall.gateway;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

import dev.starfall.schemas.manifest.Manifest;
import dev.starfall.schemas.manifest.ShowerSchedule;

/** The manifest as loaded, for {@code GET /api/v1/event}: schedule, destination wallet, rules, digest, signatures. */
record EventView(int manifestVersion, String id, String name, String chain, String chainId, String destinationWallet,
                 String denom, int decimals, String opensAt, List<ShowerTimes> showers, String minimumContribution,
                 String gracePeriod, List<TierView> tiers, String eggSeedCommitment, String digest, List<Manifest.Signature> signatures,
                 String canonicalEvent, String verifiedByKey) {

    record ShowerTimes(int shower, String startsAfter, String closesAt, String finalAt) {
    }

    record TierView(String name, String cumulativePercent, int eggsPerShower) {
    }

    /**
     * @param verifiedByKey fingerprint of the key the manifest was verified with at start, or null
     *                      when no key was configured; {@code canonicalEvent} is the exact signed text
     */
    static EventView of(Manifest m, String verifiedByKey) {
        ShowerSchedule s = m.schedule();
        List<ShowerTimes> showers = new ArrayList<>();
        for (int n = 1; n <= s.showerCount(); n++) {
            showers.add(new ShowerTimes(n, s.startOf(n).toString(), s.closeOf(n).toString(), s.finalAt(n).toString()));
        }
        List<TierView> tiers = m.tiers().stream().map(t -> new TierView(t.getName(),
                BigDecimal.valueOf(t.getCumulativePpm(), 4).stripTrailingZeros().toPlainString(), t.getEggsPerShower())).toList();
        var e = m.event();
        return new EventView(e.getManifestVersion(), e.getId(), e.getName(), e.getChain(), e.getChainId(), e.getDestinationWallet(),
                e.getDenom(), e.getDecimals(), s.opensAt().toString(), showers, m.minimumContribution().toString(), s.grace().toString(),
                tiers, e.getEggSeedCommitment(), m.digest(), m.signatures(), m.canonicalEventJson(), verifiedByKey);
    }
}
