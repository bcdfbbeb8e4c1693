package dev.starfall.projections;

import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/** Keeps a global store equal to its compacted topic: puts values, deletes on tombstones. */
final class GlobalPutProcessor<K, V> implements Processor<K, V, Void, Void> {

    private final String store;
    private KeyValueStore<K, V> kv;

    GlobalPutProcessor(String store) {
        this.store = store;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        kv = context.getStateStore(store);
    }

    @Override
    public void process(Record<K, V> record) {
        if (record.key() == null) {
            return;
        }
        if (record.value() == null) {
            kv.delete(record.key());
        } else {
            kv.put(record.key(), record.value());
        }
    }
}
