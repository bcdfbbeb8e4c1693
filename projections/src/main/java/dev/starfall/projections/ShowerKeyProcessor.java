package dev.starfall.projections;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

import dev.starfall.projections.domain.ChainWatermark;
import dev.starfall.schemas.Topics;
import dev.starfall.schemas.avro.SourceCursor;
import dev.starfall.schemas.avro.TransferObserved;
import dev.starfall.schemas.manifest.ShowerSchedule;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * Keys each transfer of one input partition of {@code Topics.TRANSFERS_OBSERVED} by its shower
 * ({@link ProjectionsTopology#OUTSIDE} outside every shower) and reports, as
 * {@link WatermarkTicks watermark ticks} to every shower partition, how far this input partition
 * has been processed.
 *
 * <p>A tick's time is the larger of:
 * <ul>
 *   <li>the newest block time processed from this partition: the ingestor publishes each source
 *       oldest first, so every transfer of the partition up to it has been processed;</li>
 *   <li>the vouched cursor watermark (min over sources of max(newest block time, chain time), see
 *       {@link ChainWatermark}): each cursor names, per partition of the transfers topic, the
 *       offset of the last transfer its source had written there when it committed
 *       ({@code observedOffsets}; the cursor is in the same transaction). Once this task has
 *       processed its partition up to that offset for every source, it has seen everything
 *       committed with those cursors, and the chain time vouches that no older transaction will
 *       follow. This lets empty and quiet partitions (and batches whose newest transaction was
 *       rejected) report progress, exactly, however far the task lags behind the global store.
 *       The offset processed last is kept in {@link Stores#PROCESSED_OFFSETS}, so a restarted
 *       task vouches without reprocessing.</li>
 *   <li>for cursors from writers that do not name offsets only: the cursor watermark seen in the
 *       global store at least {@link #IDLE} of wall-clock time ago with no record of this
 *       partition processed since (a heuristic that a task lagging that long can defeat).</li>
 * </ul>
 * A tick is forwarded when this time advances: after a record that moved it past a boundary the
 * shower tasks act on (a shower's close or final time, or the cursors' newest block time, from
 * which they may follow the cursor watermark), else from a wall-clock punctuator every
 * second. A tick is broadcast to every shower partition, so one per record would multiply the
 * repartition traffic by the partition count during a backfill; one per boundary and second costs
 * nothing and closes showers as early. The shower tasks keep the highest tick
 * they received.
 *
 * <p>A transfer goes on as the bytes it was read as (Confluent wire format, the ingestor's schema id):
 * only its block time is read here (the rest of the record skipped undecoded), it is decoded by the
 * shower task, and it is never encoded again. A tick is encoded with the transfer serde for the
 * repartition topic, as Kafka Streams would.
 */
final class ShowerKeyProcessor implements Processor<String, byte[], Integer, byte[]> {

    /** How long a task must stay idle after seeing a cursor before it vouches for that cursor. */
    static final Duration IDLE = Duration.ofSeconds(5);

    private final ShowerSchedule schedule;
    private final int upstreamPartitions;
    private final Deserializer<Long> blockTimes;
    private final Serializer<TransferObserved> encoder;
    /** The by-shower repartition topic, whose subject the ticks are encoded for. */
    private String byShowerTopic;
    /** Close and final times of every shower, ascending: a tick crossing one is sent at once. */
    private final long[] boundaries;
    private ProcessorContext<Integer, byte[]> context;
    private ReadOnlyKeyValueStore<String, SourceCursor> cursors;
    private KeyValueStore<Integer, Long> processedOffsets;
    private long processedOffset = -1;
    /** Newest block time over the cursors as last read: the shower tasks may advance to the cursor watermark once past it. */
    private long cursorsNewest = Long.MAX_VALUE;
    private int partition;
    private long newestProcessed = ChainWatermark.NONE;
    private long confirmed = ChainWatermark.NONE;
    private long lastTick = ChainWatermark.NONE;
    private long pending = ChainWatermark.NONE;
    private long pendingSince = -1;
    private long lastRecordAt = Long.MIN_VALUE;

    ShowerKeyProcessor(ShowerSchedule schedule, int upstreamPartitions, Serde<TransferObserved> transfers, Deserializer<Long> blockTimes) {
        this.schedule = schedule;
        this.upstreamPartitions = upstreamPartitions;
        this.blockTimes = blockTimes;
        this.encoder = transfers.serializer();
        this.boundaries = java.util.stream.IntStream.rangeClosed(1, schedule.showerCount())
                .mapToObj(n -> java.util.stream.LongStream.of(schedule.closeOf(n).toEpochMilli(), schedule.finalAt(n).toEpochMilli()))
                .flatMapToLong(s -> s).sorted().distinct().toArray();
    }

    @Override
    public void init(ProcessorContext<Integer, byte[]> context) {
        this.context = context;
        byShowerTopic = context.applicationId() + "-" + Stores.BY_SHOWER + "-repartition";
        partition = context.taskId().partition();
        if (partition >= upstreamPartitions) {
            throw new IllegalStateException("input partition " + partition + " of " + upstreamPartitions
                    + ": the topology's upstream partition count does not match the transfers topic");
        }
        cursors = context.getStateStore(Stores.INGEST_CURSORS);
        processedOffsets = context.getStateStore(Stores.PROCESSED_OFFSETS);
        Long stored = processedOffsets.get(partition);
        processedOffset = stored == null ? -1 : stored;
        cursorsNewest = newestOf(allCursors());
        context.schedule(Duration.ofSeconds(1), PunctuationType.WALL_CLOCK_TIME, this::punctuate);
    }

    @Override
    public void process(Record<String, byte[]> record) {
        if (record.value() == null) {
            return;
        }
        long blockTime = blockTimes.deserialize(Topics.TRANSFERS_OBSERVED.name(), record.value());
        context.forward(record.withKey(schedule.showerOf(blockTime).orElse(ProjectionsTopology.OUTSIDE)));
        lastRecordAt = context.currentSystemTimeMs();
        OptionalLong offset = context.recordMetadata().map(m -> OptionalLong.of(m.offset())).orElse(OptionalLong.empty());
        if (offset.isPresent() && offset.getAsLong() > processedOffset) {
            processedOffset = offset.getAsLong();
            processedOffsets.put(partition, processedOffset);
        }
        newestProcessed = Math.max(newestProcessed, blockTime);
        long time = Math.max(newestProcessed, confirmed);
        if (crossesBoundary(time) || (time >= cursorsNewest && lastTick < cursorsNewest)) {
            tick(record.timestamp());
        }
    }

    /** Whether {@code time} is at or past a close or final time that the last tick was before. */
    private boolean crossesBoundary(long time) {
        if (time <= lastTick) {
            return false;
        }
        int i = java.util.Arrays.binarySearch(boundaries, lastTick);
        int next = i >= 0 ? i + 1 : -i - 1;
        return next < boundaries.length && boundaries[next] <= time;
    }

    private void punctuate(long now) {
        List<SourceCursor> all = allCursors();
        cursorsNewest = newestOf(all);
        if (!all.isEmpty() && all.stream().allMatch(c -> c.getObservedOffsets() != null)) {
            if (all.stream().allMatch(this::processedEverythingOf)) {
                confirmed = Math.max(confirmed, ChainWatermark.ofSources(all).orElse(ChainWatermark.NONE));
            }
            pendingSince = -1;
        } else {
            idleRule(now, all);
        }
        long streamTime = context.currentStreamTimeMs();
        tick(streamTime >= 0 ? streamTime : Math.max(0, Math.max(newestProcessed, confirmed)));
    }

    /** Whether this task has processed its partition up to the last transfer {@code cursor}'s source had written to it. */
    private boolean processedEverythingOf(SourceCursor cursor) {
        Long last = cursor.getObservedOffsets().get(Integer.toString(partition));
        return last == null || processedOffset >= last;
    }

    /** The heuristic for cursors without offsets: vouch for a cursor watermark seen {@link #IDLE} ago with no record since. */
    private void idleRule(long now, List<SourceCursor> all) {
        if (pendingSince >= 0 && lastRecordAt < pendingSince && now - pendingSince >= IDLE.toMillis()) {
            confirmed = Math.max(confirmed, pending);
            pendingSince = -1;
        }
        if (pendingSince < 0 || lastRecordAt >= pendingSince) {
            pending = ChainWatermark.ofSources(all).orElse(ChainWatermark.NONE);
            pendingSince = now;
        }
    }

    private static long newestOf(List<SourceCursor> all) {
        return all.isEmpty() ? Long.MAX_VALUE : all.stream().mapToLong(c -> c.getNewestBlockTime().toEpochMilli()).max().getAsLong();
    }

    private List<SourceCursor> allCursors() {
        List<SourceCursor> all = new ArrayList<>();
        try (KeyValueIterator<String, SourceCursor> it = cursors.all()) {
            it.forEachRemaining(kv -> all.add(kv.value));
        }
        return all;
    }

    private void tick(long timestamp) {
        long time = Math.max(newestProcessed, confirmed);
        if (time > lastTick) {
            lastTick = time;
            byte[] tick = encoder.serialize(byShowerTopic, WatermarkTicks.tick(partition, time));
            context.forward(new Record<>(WatermarkTicks.keyOf(partition), tick, timestamp));
        }
    }
}
