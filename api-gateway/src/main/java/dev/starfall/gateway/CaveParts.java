package dev.starfall.gateway;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import io.vertx.core.Future;

/**
 * The live standings of caves kept across cave renewals while they provably still hold, so that
 * renewing a cave (every cache life per wallet) reads no standing when none has changed: a wallet's
 * standing in an unclosed shower (or that it has none: 404) changes only when the shower counts a
 * transfer. It is kept while the shower's summary, itself renewed every cache life, shows the same
 * counts as when the standing was read here.
 * <p>
 * Standings a peer answered, or a standby copy, are not kept (their age is not known here): they
 * are read again at every renewal, as before. A wallet's closed meteors are not kept here: they are
 * renewed like any cached answer.
 */
final class CaveParts {

    private record Standing(ShowerCounts counts, Answer answer) {
    }

    private final Map<String, Standing> standings = new ConcurrentHashMap<>();
    private final String selfName;
    private final int maxEntries;

    CaveParts(String selfName, int maxEntries) {
        this.selfName = selfName;
        this.maxEntries = maxEntries;
    }

    /**
     * The wallet's standing in shower {@code n}: the kept one while the shower's summary shows
     * {@code counts} equal to those it was read under, else {@code fresh} (a read of the stores now,
     * or a peer's answer), kept when it was read here. Without counts (summary unavailable), {@code cached}.
     */
    Future<Answer> standing(int n, String wallet, ShowerCounts counts, Supplier<Future<Answer>> fresh, Supplier<Future<Answer>> cached) {
        if (counts == null) {
            return cached.get();
        }
        String key = n + "/" + wallet;
        Standing kept = standings.get(key);
        if (kept != null && kept.counts().sameRanking(counts)) {
            return Future.succeededFuture(kept.answer());
        }
        // read after the summary that showed these counts: if the shower counted a transfer meanwhile, the next
        // summary shows other counts and this standing is read again
        return fresh.get().onSuccess(a -> {
            if ((a.status() == 200 || a.status() == 404) && !a.stale() && selfName.equals(a.servedBy())) {
                if (standings.size() >= maxEntries) {
                    standings.clear();
                }
                standings.put(key, new Standing(counts, a));
            }
        });
    }

    int size() {
        return standings.size();
    }
}
