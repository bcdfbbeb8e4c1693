package dev.starfall.projections;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import dev.starfall.schemas.avro.TransferObserved;
import dev.starfall.schemas.registry.RegisteredSchema;
import dev.starfall.schemas.registry.SchemaRegistryClient;
import dev.starfall.schemas.serde.AvroSerdes;
import org.apache.avro.Schema;
import org.apache.kafka.common.serialization.Serde;

/** The production Avro serde over an in-memory registry, for {@code TopologyTestDriver} tests. */
final class TestSerdes {

    private TestSerdes() {
    }

    static Serde<TransferObserved> transfers() {
        return AvroSerdes.specific(TransferObserved.class, new InMemoryRegistry(), false);
    }

    /** Every serde of the full topology over one in-memory registry. */
    static TopologySerdes all() {
        return TopologySerdes.of(new InMemoryRegistry());
    }

    /** Assigns ids in order; one version per distinct schema and subject. */
    static final class InMemoryRegistry implements SchemaRegistryClient {
        private final Map<Integer, Schema> byId = new ConcurrentHashMap<>();
        private final Map<String, List<RegisteredSchema>> bySubject = new ConcurrentHashMap<>();

        @Override
        public synchronized int register(String subject, Schema schema) {
            List<RegisteredSchema> versions = bySubject.computeIfAbsent(subject, s -> new ArrayList<>());
            for (RegisteredSchema r : versions) {
                if (r.schema().equals(schema)) {
                    return r.id();
                }
            }
            int id = byId.entrySet().stream().filter(e -> e.getValue().equals(schema)).map(Map.Entry::getKey).findFirst()
                    .orElse(byId.size() + 1);
            byId.put(id, schema);
            versions.add(new RegisteredSchema(subject, versions.size() + 1, id, schema));
            return id;
        }

        @Override
        public Schema schemaById(int id) {
            Schema s = byId.get(id);
            if (s == null) {
                throw new IllegalArgumentException("no schema " + id);
            }
            return s;
        }

        @Override
        public boolean isCompatible(String subject, Schema schema) {
            return true;
        }

        @Override
        public Optional<RegisteredSchema> latest(String subject) {
            List<RegisteredSchema> v = bySubject.getOrDefault(subject, List.of());
            return v.isEmpty() ? Optional.empty() : Optional.of(v.get(v.size() - 1));
        }

        @Override
        public List<String> subjects() {
            return List.copyOf(bySubject.keySet());
        }
    }
}
