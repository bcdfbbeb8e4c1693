package dev.starfall.projections;

import dev.starfall.projections.domain.Cave;
import dev.starfall.projections.domain.Meteor;
import dev.starfall.schemas.avro.ShowerResult;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/** Adds each final result (keyed by wallet) to the wallet's cave; idempotent per (wallet, shower). */
final class CaveProcessor implements Processor<String, ShowerResult, Void, Void> {

    private KeyValueStore<String, Cave> caves;

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        caves = context.getStateStore(Stores.CAVE);
    }

    @Override
    public void process(Record<String, ShowerResult> record) {
        ShowerResult r = record.value();
        if (r == null || record.key() == null) {
            return;
        }
        Cave cave = caves.get(record.key());
        Meteor meteor = new Meteor(r.getShower(), r.getRank(), r.getTier(), r.getContribution().toBigIntegerExact());
        caves.put(record.key(), (cave == null ? Cave.EMPTY : cave).with(meteor));
    }
}
