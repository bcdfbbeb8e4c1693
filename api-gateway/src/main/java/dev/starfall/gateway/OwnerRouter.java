package dev.starfall.gateway;

import java.util.function.Function;
import java.util.function.Supplier;

import dev.starfall.projections.ProjectionsService;
import dev.starfall.projections.RankedContributionsStore;
import dev.starfall.projections.ShowerTaskStores;
import dev.starfall.projections.Stores;
import dev.starfall.projections.domain.ShowerTotals;
import dev.starfall.projections.query.RankSnapshots;
import dev.starfall.projections.query.ShowerReader;
import dev.starfall.schemas.manifest.Manifest;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.QueryableStoreType;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the instance that owns a shower and gets the answer there. Every outcome of the key lookup
 * is handled: unknown store (500), not available during a rebalance (503 + Retry-After), local
 * owner (store read off the event loop), remote owner (one forward through the shared client with
 * a timeout), owner down (a local standby answers, marked stale). A forwarded request is never
 * forwarded again, so two instances with different views cannot loop.
 */
final class OwnerRouter {

    private static final Logger log = LoggerFactory.getLogger(OwnerRouter.class);

    private final Vertx vertx;
    private final ProjectionsService projections;
    private final Manifest manifest;
    private final HostInfo self;
    private final String selfName;
    private final WebClient peers;
    private final long forwardTimeoutMs;
    private final GatewayMetrics metrics;
    private final RankSnapshots ranks;
    private final BehindRenewals renewalsBehind;
    private final ShowerOwners showerOwners;

    /** @param ranks the ranking snapshots that reads of this instance's active tasks answer ranks from */
    OwnerRouter(Vertx vertx, ProjectionsService projections, Manifest manifest, HostInfo self, WebClient peers, long forwardTimeoutMs,
                GatewayMetrics metrics, RankSnapshots ranks) {
        this.vertx = vertx;
        this.projections = projections;
        this.manifest = manifest;
        this.self = self;
        this.selfName = self.host() + ":" + self.port();
        this.peers = peers;
        this.forwardTimeoutMs = forwardTimeoutMs;
        this.metrics = metrics;
        this.ranks = ranks;
        this.renewalsBehind = new BehindRenewals(vertx, BehindRenewals.WINDOW);
        this.showerOwners = ShowerOwners.of(projections);
    }

    String selfName() {
        return selfName;
    }

    /** Reads an answer from this instance's copy of one partition (active, or a standby when {@code stale}). */
    interface LocalQuery {
        Answer answer(int partition, boolean stale);
    }

    /**
     * The answer for shower {@code n}: from local stores via {@code query}, or from the owner at {@code uri}.
     *
     * @param forwardedFrom the peer that forwarded this request, or null for a client request
     */
    Future<Answer> route(int n, String uri, String forwardedFrom, Function<ShowerReader, Answer> query) {
        return route(n, uri, forwardedFrom, false, query);
    }

    /**
     * {@link #route(int, String, String, Function)}; when {@code behind}, the answer renews one
     * already sent ({@link AnswerCache#getRenewingBehind}) and a local read of it waits for others
     * ({@link BehindRenewals}).
     */
    Future<Answer> route(int n, String uri, String forwardedFrom, boolean behind, Function<ShowerReader, Answer> query) {
        return route(() -> showerOwners.of(n), Stores.CONTRIBUTIONS, "shower " + n, uri, forwardedFrom, behind,
                (partition, stale) -> query.apply(reader(partition, stale)));
    }

    /**
     * The answer about {@code key} of {@code store}: read where the key's partition lives.
     *
     * @param what          names the key in messages, e.g. "shower 3"
     * @param forwardedFrom the peer that forwarded this request, or null for a client request
     */
    <K> Future<Answer> route(String store, K key, Serializer<K> serializer, String what, String uri, String forwardedFrom,
                             LocalQuery query) {
        return route(() -> projections.streams().queryMetadataForKey(store, key, serializer), store, what, uri, forwardedFrom, false, query);
    }

    /** @param metadata the key's metadata, as {@code queryMetadataForKey} gives it (or kept: {@link ShowerOwners}) */
    private Future<Answer> route(Supplier<KeyQueryMetadata> metadata, String store, String what, String uri, String forwardedFrom,
                                 boolean behind, LocalQuery query) {
        KeyQueryMetadata md;
        try {
            md = metadata.get();
        } catch (IllegalStateException e) {
            return Future.succeededFuture(Answer.error(503, "unavailable", "not running yet: " + e.getMessage(), selfName));
        }
        if (md == null) {
            return Future.succeededFuture(Answer.error(500, "internal", "store " + store + " is unknown to this instance", selfName));
        }
        if (!ShowerOwners.hasOwner(md)) {
            return Future.succeededFuture(Answer.error(503, "unavailable", what + " is being reassigned between instances", selfName));
        }
        if (md.activeHost().equals(self)) {
            return behind ? renewalsBehind.submit(() -> answer(md.partition(), false, query)) : local(md.partition(), false, query);
        }
        if (forwardedFrom != null) {
            return Future.succeededFuture(Answer.error(503, "unavailable",
                    "instances disagree on the owner of " + what + " (rebalance in progress)", selfName));
        }
        metrics.forwarded.increment();
        return forward(md.activeHost(), uri).transform(ar -> {
            if (ar.succeeded() && ar.result().status() < 500) {
                return Future.succeededFuture(ar.result());
            }
            metrics.forwardFailures.increment();
            String why = ar.succeeded() ? "HTTP " + ar.result().status() : String.valueOf(ar.cause().getMessage());
            if (md.standbyHosts().contains(self)) {
                log.warn("Owner {} of {} failed ({}); answering from the local standby", md.activeHost(), what, why);
                metrics.staleAnswers.increment();
                return local(md.partition(), true, query);
            }
            if (ar.succeeded()) {
                return Future.succeededFuture(ar.result());
            }
            return Future.succeededFuture(Answer.error(502, "owner_unreachable", "the instance owning " + what + " ("
                    + md.activeHost().host() + ":" + md.activeHost().port() + ") did not answer: " + why, selfName));
        });
    }

    private Future<Answer> local(int partition, boolean stale, LocalQuery query) {
        return vertx.executeBlocking(() -> answer(partition, stale, query), false);
    }

    /** The answer read from this instance's copy of a partition; on a worker thread. */
    private Answer answer(int partition, boolean stale, LocalQuery query) {
        try {
            Answer a = query.answer(partition, stale);
            return stale ? new Answer(a.status(), a.body(), a.servedBy(), true, "no-store", a.retryAfter(), a.etag(), a.value()) : a;
        } catch (InvalidStateStoreException e) {
            return Answer.error(503, "unavailable", "store not queryable right now: " + e.getMessage(), selfName);
        }
    }

    /** The renewals behind, read in batches: for the metrics. */
    BehindRenewals renewalsBehind() {
        return renewalsBehind;
    }

    private ShowerReader reader(int partition, boolean stale) {
        KafkaStreams streams = projections.streams();
        ShowerTaskStores.Held held = stale || streams.state() != KafkaStreams.State.RUNNING ? null : projections.showerTasks().running(partition);
        RankedContributionsStore.Partition contributions;
        ReadOnlyKeyValueStore<Integer, ShowerTotals> totals;
        ReadOnlyKeyValueStore<Integer, Long> watermarks;
        if (held != null) {
            // the running task's stores as its processor holds them: what the look-ups below would find, without
            // Kafka Streams listing the thread's tasks for each of them and again on every get (see ShowerTaskStores)
            contributions = held.contributions();
            totals = held.totals();
            watermarks = held.watermarks();
        } else {
            // one look-up of the store for both (a key-value query would look it up again on every get)
            contributions = streams.store(params(Stores.CONTRIBUTIONS, RankedContributionsStore.PARTITION, partition, stale));
            totals = streams.store(params(Stores.SHOWER_TOTALS, QueryableStoreTypes.<Integer, ShowerTotals>keyValueStore(), partition, stale));
            watermarks = streams.store(params(Stores.TASK_WATERMARKS, QueryableStoreTypes.<Integer, Long>keyValueStore(), partition, stale));
        }
        // a standby's stores are not written by a processor here: its reads scan (see RankSnapshots);
        // each reader makes one answer, so it reads a shower's totals once for all of that answer's parts
        return new ShowerReader(contributions.rankings(), contributions.contributions(), totals, watermarks, partition, globalStore(Stores.TELESCOPE),
                manifest, stale ? null : ranks)
                .forOneAnswer();
    }

    /** A global store: every instance holds all of it, so it is read locally without routing. */
    <K, V> ReadOnlyKeyValueStore<K, V> globalStore(String name) {
        return projections.streams().store(StoreQueryParameters.fromNameAndType(name, QueryableStoreTypes.<K, V>keyValueStore()));
    }

    /** Runs a read of local (global) stores off the event loop; a store not queryable now gives 503. */
    Future<Answer> readLocally(java.util.function.Supplier<Answer> read) {
        return vertx.executeBlocking(() -> {
            try {
                return read.get();
            } catch (InvalidStateStoreException e) {
                return Answer.error(503, "unavailable", "store not queryable right now: " + e.getMessage(), selfName);
            }
        }, false);
    }

    static <T> StoreQueryParameters<T> params(String store, QueryableStoreType<T> type, int partition, boolean stale) {
        StoreQueryParameters<T> p = StoreQueryParameters.fromNameAndType(store, type).withPartition(partition);
        return stale ? p.enableStaleStores() : p;
    }

    private Future<Answer> forward(HostInfo owner, String uri) {
        return peers.get(owner.port(), owner.host(), uri)
                .putHeader(Gateway.FORWARDED, selfName)
                .timeout(forwardTimeoutMs)
                .send()
                .map(OwnerRouter::toAnswer);
    }

    private static Answer toAnswer(HttpResponse<Buffer> r) {
        Buffer body = r.body() == null ? Buffer.buffer() : r.body();
        return new Answer(r.statusCode(), body, r.getHeader(Gateway.SERVED_BY), "true".equals(r.getHeader(Gateway.STALE)),
                r.getHeader("Cache-Control"), r.getHeader("Retry-After"), r.getHeader("ETag"), null);
    }
}
