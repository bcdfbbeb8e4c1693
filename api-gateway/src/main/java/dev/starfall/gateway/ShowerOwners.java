package dev.starfall.gateway;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import java.util.function.IntFunction;
import java.util.function.LongSupplier;

import dev.starfall.projections.ProjectionsService;
import dev.starfall.projections.Stores;
import org.apache.kafka.common.serialization.IntegerSerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;

/**
 * Where each shower's partition lives, as Kafka Streams' metadata says ({@code queryMetadataForKey}
 * on the shower stores), kept between requests while nothing says it may have changed.
 *
 * <p>Kafka Streams 4.3 builds the answer on every call: it copies the host's partitions into a new
 * set and intersects it with the store's source topics, 2.4 to 2.8 µs of the event loop for each
 * request routed, most of all each renewal of a counting shower's answer (ops/bench/REPORT.md,
 * row 82). There are a few dozen showers and their owners change only when tasks move, so an answer
 * is kept, per shower, while:
 * <ul>
 *   <li>the projections' client has not changed state since it was read
 *       ({@link ProjectionsService#stateChanges}), and was {@code RUNNING} when it was read. Every
 *       rebalance of the classic protocol takes a running client to {@code REBALANCING}, and nothing
 *       is kept while it is not running;</li>
 *   <li>and it is younger than {@link #MAX_AGE}, which bounds how long a change no state shows is
 *       missed: the metadata is updated just before the client leaves {@code RUNNING}, and the
 *       streams protocol can move other members' tasks without this client changing state.</li>
 * </ul>
 * A request routed by an answer that is that stale meets what a request meets during any
 * rebalance: a local read finds no running task (503), a peer that disagrees does not forward
 * again (503). Answers without an owner (not available, unknown store) are never kept.
 */
final class ShowerOwners {

    /** How long an owner is kept at most, whatever the client's state says. */
    static final Duration MAX_AGE = Duration.ofSeconds(1);

    private static final Serializer<Integer> SHOWER_KEY = new IntegerSerializer();

    private record Kept(KeyQueryMetadata metadata, long stateChanges, long atNanos) {
    }

    private final IntFunction<KeyQueryMetadata> lookup;
    private final LongSupplier stateChanges;
    private final BooleanSupplier running;
    private final long maxAgeNanos;
    private final LongSupplier nanoTime;
    private final ConcurrentHashMap<Integer, Kept> kept = new ConcurrentHashMap<>();

    /**
     * @param lookup       the metadata of a shower, as Kafka Streams gives it now; may throw
     * @param stateChanges the client's changes of state so far
     * @param running      whether the client is running (not rebalancing, starting or stopping)
     */
    ShowerOwners(IntFunction<KeyQueryMetadata> lookup, LongSupplier stateChanges, BooleanSupplier running, Duration maxAge,
                 LongSupplier nanoTime) {
        this.lookup = Objects.requireNonNull(lookup, "lookup");
        this.stateChanges = Objects.requireNonNull(stateChanges, "stateChanges");
        this.running = Objects.requireNonNull(running, "running");
        this.maxAgeNanos = maxAge.toNanos();
        this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
    }

    /** The owners of {@code projections}' shower stores. */
    static ShowerOwners of(ProjectionsService projections) {
        return new ShowerOwners(n -> projections.streams().queryMetadataForKey(Stores.CONTRIBUTIONS, n, SHOWER_KEY),
                projections::stateChanges, () -> projections.streams().state() == KafkaStreams.State.RUNNING, MAX_AGE, System::nanoTime);
    }

    /**
     * The metadata of shower {@code n}: kept, or read now (and kept when it names an owner).
     *
     * @return as {@code queryMetadataForKey} returns it (null for an unknown store)
     * @throws IllegalStateException as {@code queryMetadataForKey} throws it (not running yet)
     */
    KeyQueryMetadata of(int n) {
        long changes = stateChanges.getAsLong();
        long now = nanoTime.getAsLong();
        Kept k = kept.get(n);
        if (k != null && k.stateChanges() == changes && now - k.atNanos() < maxAgeNanos) {
            return k.metadata();
        }
        KeyQueryMetadata md = lookup.apply(n);
        // read while running and no change of state since: a change after this read takes it out by its count
        if (hasOwner(md) && running.getAsBoolean() && stateChanges.getAsLong() == changes) {
            kept.put(n, new Kept(md, changes, now));
        } else {
            kept.remove(n);
        }
        return md;
    }

    /** Whether {@code md} names an active host (the outcomes without one are answered 500 or 503 each time). */
    static boolean hasOwner(KeyQueryMetadata md) {
        return md != null && md != KeyQueryMetadata.NOT_AVAILABLE && md.activeHost() != null && md.activeHost().port() >= 0;
    }
}
