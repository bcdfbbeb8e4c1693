package dev.starfall.projections;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.starfall.projections.domain.ChainWatermark;
import dev.starfall.schemas.avro.SourceCursor;
import dev.starfall.schemas.avro.TransferObserved;
import dev.starfall.schemas.manifest.ShowerSchedule;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
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
 *   <li>the confirmed idle time: the cursor watermark (min over sources of max(newest block time,
 *       chain time), see {@link ChainWatermark}) seen in the global cursor store at least
 *       {@link #IDLE} of wall-clock time ago, with no record of this partition processed since.
 *       A cursor is committed in the same transaction as its transfers, so once the task stayed
 *       idle that long after seeing it, it has processed them; and the chain time vouches that no
 *       older transaction will follow. This lets empty and quiet partitions (and batches whose
 *       newest transaction was rejected) report progress.</li>
 * </ul>
 * A tick is forwarded when this time advances: after the record that advanced it (at most one per
 * record) or from a wall-clock punctuator every second. The state is in memory: after a restart
 * the ticks start lower, and the shower tasks keep the highest tick they received.
 */
final class ShowerKeyProcessor implements Processor<String, TransferObserved, Integer, TransferObserved> {

    /** How long a task must stay idle after seeing a cursor before it vouches for that cursor. */
    static final Duration IDLE = Duration.ofSeconds(5);

    private final ShowerSchedule schedule;
    private final int upstreamPartitions;
    private ProcessorContext<Integer, TransferObserved> context;
    private ReadOnlyKeyValueStore<String, SourceCursor> cursors;
    private int partition;
    private long newestProcessed = ChainWatermark.NONE;
    private long confirmed = ChainWatermark.NONE;
    private long lastTick = ChainWatermark.NONE;
    private long pending = ChainWatermark.NONE;
    private long pendingSince = -1;
    private long lastRecordAt = Long.MIN_VALUE;

    ShowerKeyProcessor(ShowerSchedule schedule, int upstreamPartitions) {
        this.schedule = schedule;
        this.upstreamPartitions = upstreamPartitions;
    }

    @Override
    public void init(ProcessorContext<Integer, TransferObserved> context) {
        this.context = context;
        partition = context.taskId().partition();
        if (partition >= upstreamPartitions) {
            throw new IllegalStateException("input partition " + partition + " of " + upstreamPartitions
                    + ": the topology's upstream partition count does not match the transfers topic");
        }
        cursors = context.getStateStore(Stores.INGEST_CURSORS);
        context.schedule(Duration.ofSeconds(1), PunctuationType.WALL_CLOCK_TIME, this::punctuate);
    }

    @Override
    public void process(Record<String, TransferObserved> record) {
        TransferObserved t = record.value();
        if (t == null) {
            return;
        }
        long blockTime = t.getBlockTime().toEpochMilli();
        context.forward(record.withKey(schedule.showerOf(t.getBlockTime()).orElse(ProjectionsTopology.OUTSIDE)));
        lastRecordAt = context.currentSystemTimeMs();
        newestProcessed = Math.max(newestProcessed, blockTime);
        tick(record.timestamp());
    }

    private void punctuate(long now) {
        if (pendingSince >= 0 && lastRecordAt < pendingSince && now - pendingSince >= IDLE.toMillis()) {
            confirmed = Math.max(confirmed, pending);
            pendingSince = -1;
        }
        if (pendingSince < 0 || lastRecordAt >= pendingSince) {
            pending = cursorWatermark();
            pendingSince = now;
        }
        long streamTime = context.currentStreamTimeMs();
        tick(streamTime >= 0 ? streamTime : Math.max(0, Math.max(newestProcessed, confirmed)));
    }

    private long cursorWatermark() {
        List<SourceCursor> all = new ArrayList<>();
        try (KeyValueIterator<String, SourceCursor> it = cursors.all()) {
            it.forEachRemaining(kv -> all.add(kv.value));
        }
        return ChainWatermark.ofSources(all).orElse(ChainWatermark.NONE);
    }

    private void tick(long timestamp) {
        long time = Math.max(newestProcessed, confirmed);
        if (time > lastTick) {
            lastTick = time;
            context.forward(new Record<>(WatermarkTicks.keyOf(partition), WatermarkTicks.tick(partition, time), timestamp));
        }
    }
}
