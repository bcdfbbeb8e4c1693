package dev.starfall.ingestor.source;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import dev.starfall.schemas.TransferIds;
import dev.starfall.schemas.avro.TransferObserved;
import dev.starfall.schemas.avro.TransferRejected;
import dev.starfall.schemas.manifest.ShowerSchedule;

import static org.assertj.core.api.Assertions.assertThat;

/** A sink that keeps every batch a walk hands over; tests override its callbacks to act during a walk. */
public class RecordingSink implements ChainSource.BatchSink {

    public final List<SourceBatch> batches = new ArrayList<>();

    @Override
    public void accept(SourceBatch batch) {
        batches.add(batch);
    }

    public List<TransferObserved> observed() {
        return batches.stream().flatMap(b -> b.observed().stream()).toList();
    }

    public List<TransferRejected> rejected() {
        return batches.stream().flatMap(b -> b.rejected().stream()).toList();
    }

    /** Sums of the observed transfers per shower and sender (outside every shower: left out); fails on an id seen twice. */
    public Map<Integer, Map<String, BigInteger>> sums(ShowerSchedule schedule) {
        Map<Integer, Map<String, BigInteger>> sums = new TreeMap<>();
        Set<String> ids = new HashSet<>();
        for (TransferObserved t : observed()) {
            assertThat(ids.add(TransferIds.of(t))).as("%s once", TransferIds.of(t)).isTrue();
            schedule.showerOf(t.getBlockTime()).ifPresent(k -> sums.computeIfAbsent(k, x -> new TreeMap<>())
                    .merge(t.getSender(), t.getAmount().toBigIntegerExact(), BigInteger::add));
        }
        return sums;
    }
}
