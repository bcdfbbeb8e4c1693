package dev.starfall.projections;

import java.util.function.UnaryOperator;

import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.KeyValueStore;

/** {@code inner}'s stores, each wrapped by {@code wrap}, under {@code inner}'s name and metrics scope. */
record WrappingStoreSupplier(KeyValueBytesStoreSupplier inner, UnaryOperator<KeyValueStore<Bytes, byte[]>> wrap)
        implements KeyValueBytesStoreSupplier {

    @Override
    public String name() {
        return inner.name();
    }

    @Override
    public KeyValueStore<Bytes, byte[]> get() {
        return wrap.apply(inner.get());
    }

    @Override
    public String metricsScope() {
        return inner.metricsScope();
    }
}
