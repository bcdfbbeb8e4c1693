package dev.starfall.ingestor.source;

import java.util.Objects;

import dev.starfall.schemas.avro.EventManifest;
import dev.starfall.schemas.manifest.Manifest;

/**
 * What a source watches: one destination wallet on one network, and the denom that counts.
 *
 * @param chain   chain family as in the manifest (terra-classic, cosmos, solana, simulated)
 * @param chainId network id, e.g. columbus-5
 * @param wallet  the destination wallet
 * @param denom   the denom (or mint) that counts as a contribution
 */
public record WatchTarget(String chain, String chainId, String wallet, String denom) {

    public WatchTarget {
        Objects.requireNonNull(chain, "chain");
        Objects.requireNonNull(chainId, "chainId");
        Objects.requireNonNull(wallet, "wallet");
        Objects.requireNonNull(denom, "denom");
    }

    public static WatchTarget of(Manifest manifest) {
        EventManifest e = manifest.event();
        return new WatchTarget(e.getChain(), e.getChainId(), e.getDestinationWallet(), e.getDenom());
    }

    /** A stable source id for one API family reading this target, e.g. {@code terra-classic/columbus-5/terra1.../fcd}. */
    public String sourceId(String api) {
        return chain + '/' + chainId + '/' + wallet + '/' + api;
    }
}
