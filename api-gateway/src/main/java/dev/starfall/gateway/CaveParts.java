package dev.starfall.gateway;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import dev.starfall.projections.CaveVersions;
import io.vertx.core.Future;

/**
 * The live standings of caves kept across cave renewals while they provably still hold, so that
 * renewing a cave (every cache life per wallet) reads no standing when none has changed: a wallet's
 * standing in an unclosed shower (or that it has none: 404) changes only when the shower counts a
 * transfer. It is kept while the shower's summary, itself renewed every cache life, shows the same
 * counts as when the standing was read here.
 * <p>
 * A wallet's closed meteors change only when one of its showers closes. Read from an active task
 * here, they are kept while the version of their cave partition (see {@link CaveVersions}) is the
 * one noted before the read, so a cave renewal reads no store either when no shower closed.
 * <p>
 * Standings and meteors a peer answered, or a standby copy, are not kept (their age is not known
 * here): they are read again at every renewal, as before.
 */
final class CaveParts {

    private record Standing(ShowerCounts counts, Answer answer) {
    }

    /** A cave answer and the part answers it was combined from. */
    private record Combined(Answer closed, List<Answer> live, Answer cave) {
    }

    private final Map<String, Standing> standings = new ConcurrentHashMap<>();
    private final Map<String, Answer> meteors = new ConcurrentHashMap<>();
    private final Map<String, Combined> caves = new ConcurrentHashMap<>();
    private final String selfName;
    private final int maxEntries;
    private final CaveVersions versions;

    CaveParts(String selfName, int maxEntries, CaveVersions versions) {
        this.selfName = selfName;
        this.maxEntries = maxEntries;
        this.versions = versions;
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

    /**
     * The wallet's closed meteors: the kept answer while its cave partition has not changed since it
     * was read, else {@code fresh} (a read of the stores now, or a peer's answer), kept when it was
     * read here from an active task.
     */
    Future<Answer> closedMeteors(String wallet, Supplier<Future<Answer>> fresh) {
        Answer kept = meteors.get(wallet);
        if (kept != null) {
            ClosedMeteors read = kept.value(ClosedMeteors.class).orElseThrow();
            if (versions.unchangedSince(read.partition(), read.version())) {
                return Future.succeededFuture(kept);
            }
        }
        return fresh.get().onSuccess(a -> {
            if (a.status() == 200 && !a.stale() && selfName.equals(a.servedBy())) {
                a.value(ClosedMeteors.class).filter(m -> m.version() != CaveVersions.UNTRACKED).ifPresent(m -> {
                    if (meteors.size() >= maxEntries) {
                        meteors.clear();
                    }
                    meteors.put(wallet, a);
                });
            }
        });
    }

    /**
     * The wallet's cave answer combined from {@code closed} and {@code live}: the one combined before
     * when those are the very same part answers (kept ones, see above), else {@code combine}'s. A
     * peer's or a standby's part is a new answer each time, so a cave with one is combined again.
     */
    Answer cave(String wallet, Answer closed, List<Answer> live, Supplier<Answer> combine) {
        Combined kept = caves.get(wallet);
        if (kept != null && kept.closed() == closed && sameAnswers(kept.live(), live)) {
            return kept.cave();
        }
        Answer cave = combine.get();
        if (cave.status() == 200) {
            if (caves.size() >= maxEntries) {
                caves.clear();
            }
            caves.put(wallet, new Combined(closed, List.copyOf(live), cave));
        }
        return cave;
    }

    private static boolean sameAnswers(List<Answer> a, List<Answer> b) {
        if (a.size() != b.size()) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            if (a.get(i) != b.get(i)) {
                return false;
            }
        }
        return true;
    }

    int size() {
        return standings.size() + meteors.size() + caves.size();
    }
}
