package dev.starfall.projections;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListTopicsOptions;

/**
 * Refuses to start the projections on state whose layout this version does not read. Kafka Streams
 * would start on it without a word: a store this version no longer has is ignored, and a new
 * store starts empty while the input it is built from ({@code Topics.RESULTS} for the meteors) is
 * past its committed offsets, so the new store stays empty and every cave is served without its
 * meteors.
 */
public final class StateLayout {

    private StateLayout() {
    }

    /**
     * Fails when the application has a changelog of a {@link Stores#RETIRED retired} store, saying
     * how to rebuild the state.
     */
    public static void requireCurrent(Admin admin, String applicationId, Duration timeout) {
        Set<String> topics;
        try {
            topics = admin.listTopics(new ListTopicsOptions().timeoutMs((int) timeout.toMillis())).names()
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while listing topics", e);
        } catch (ExecutionException | TimeoutException e) {
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            throw new IllegalStateException("cannot list topics to check the projections' state: " + cause.getMessage(), cause);
        }
        List<String> retired = retiredChangelogs(topics, applicationId);
        if (!retired.isEmpty()) {
            throw new IllegalStateException("the projections' state of application " + applicationId
                    + " was built by an earlier version: it has " + String.join("; ", retired)
                    + ". Rebuild it with `starfall reset` (ops/RUNBOOK.md, \"Rebuild the projections by reset\") or deploy"
                    + " blue/green under a new application id");
        }
    }

    /**
     * The changelogs among {@code topics} of stores retired from {@code applicationId}'s topology, in
     * store order, each with what this version would get wrong on that state.
     */
    private static List<String> retiredChangelogs(Set<String> topics, String applicationId) {
        return Stores.RETIRED.keySet().stream().sorted()
                .filter(store -> topics.contains(Stores.changelog(applicationId, store)))
                .map(store -> Stores.changelog(applicationId, store) + ", the changelog of a store this version replaced (started on it, "
                        + Stores.RETIRED.get(store) + ")")
                .toList();
    }
}
