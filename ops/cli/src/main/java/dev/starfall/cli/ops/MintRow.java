package dev.starfall.cli.ops;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.starfall.schemas.avro.ShowerResult;

/** One meteor of the mint manifest. */
record MintRow(String owner, int shower, String tier, long rank, BigInteger contribution, String tokenName, String imageCid, String egg) {

    static final List<String> COLUMNS = List.of("owner", "shower", "tier", "rank", "contribution", "token_name", "image_cid", "egg");

    /**
     * Rows of one shower in rank order; each tier takes its pool's CIDs round-robin.
     *
     * @param results the shower's results sorted by rank
     * @param eggs    wallet to egg marker for the wallets drawn an egg
     */
    static List<MintRow> of(int shower, List<ShowerResult> results, Map<String, List<String>> pool, Map<String, String> eggs) {
        Map<String, Integer> used = new HashMap<>();
        List<MintRow> rows = new ArrayList<>(results.size());
        for (ShowerResult r : results) {
            List<String> cids = pool.get(r.getTier());
            if (cids == null || cids.isEmpty()) {
                throw new IllegalStateException("the image pool has no CID for tier '" + r.getTier() + "'");
            }
            int i = used.merge(r.getTier(), 1, Integer::sum) - 1;
            rows.add(new MintRow(r.getWallet(), shower, r.getTier(), r.getRank(), r.getContribution().toBigIntegerExact(),
                    "Meteor #" + shower + "-" + r.getRank(), cids.get(i % cids.size()), eggs.get(r.getWallet())));
        }
        return rows;
    }

    static void write(List<MintRow> rows, Csv csv) {
        csv.row(COLUMNS);
        for (MintRow m : rows) {
            csv.row(java.util.Arrays.asList(m.owner(), m.shower(), m.tier(), m.rank(), m.contribution().toString(), m.tokenName(),
                    m.imageCid(), m.egg()));
        }
    }
}
