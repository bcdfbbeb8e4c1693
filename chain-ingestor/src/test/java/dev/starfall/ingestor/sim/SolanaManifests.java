package dev.starfall.ingestor.sim;

import dev.starfall.schemas.manifest.Manifest;
import dev.starfall.schemas.manifest.ManifestLoader;

/** Event manifests on Solana for tests, loaded through {@link ManifestLoader} like any file. */
public final class SolanaManifests {

    /** USDC's mint on mainnet-beta. */
    public static final String USDC_MINT = "EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v";
    /** The destination wallet (the owner of the new USDC account in the recorded USDC transaction). */
    public static final String WALLET = "3i476kTBBTy7pBGx4CXwJpJ6phuwLQgcwLTdHhU3c7ui";

    private SolanaManifests() {
    }

    /** Twelve hourly showers paid in USDC (an SPL mint, 6 decimals) to {@link #WALLET}; 8 USDC minimum. */
    public static Manifest usdc() {
        return ManifestLoader.parse("""
                {"manifestVersion": 1,
                 "event": {"id": "solana-usdc-shower", "name": "USDC meteor shower", "chain": "solana", "chainId": "mainnet-beta",
                   "destinationWallet": "%s", "denom": "%s", "decimals": 6, "opensAt": "2024-01-30T06:00:00Z",
                   "showers": {"firstCloseAt": "2024-01-31T06:00:00Z", "count": 12, "spacing": "PT1H"},
                   "minimumContribution": "8000000", "gracePeriod": "PT10M",
                   "tiers": [{"name": "legendary", "cumulativePercent": "1", "eggsPerShower": 10},
                             {"name": "common", "cumulativePercent": "100", "eggsPerShower": 50}],
                   "eggSeedCommitment": null},
                 "signatures": []}
                """.formatted(WALLET, USDC_MINT), "test:solana-usdc-shower");
    }
}
