package dev.starfall.schemas.serde;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import dev.starfall.schemas.registry.RegisteredSchema;
import dev.starfall.schemas.registry.SchemaRegistryClient;
import dev.starfall.schemas.registry.SchemaRegistryException;
import org.apache.avro.Schema;

/** A registry in memory for serde unit tests: no compatibility rules, ids chosen by the test or counted up. */
final class InMemorySchemaRegistryClient implements SchemaRegistryClient {

    private final Map<String, List<RegisteredSchema>> subjects = new HashMap<>();
    private final Map<Integer, Schema> schemas = new HashMap<>();
    private final AtomicInteger registerCalls = new AtomicInteger();
    private final AtomicInteger schemaByIdCalls = new AtomicInteger();
    private int nextId;

    InMemorySchemaRegistryClient(int firstId) {
        this.nextId = firstId;
    }

    /** Registers {@code schema} under {@code subject} with the given id, as if the registry had chosen it. */
    synchronized void registerWithId(String subject, Schema schema, int id) {
        List<RegisteredSchema> versions = subjects.computeIfAbsent(subject, s -> new ArrayList<>());
        versions.add(new RegisteredSchema(subject, versions.size() + 1, id, schema));
        schemas.put(id, schema);
        nextId = Math.max(nextId, id + 1);
    }

    int registerCalls() {
        return registerCalls.get();
    }

    int schemaByIdCalls() {
        return schemaByIdCalls.get();
    }

    @Override
    public synchronized int register(String subject, Schema schema) {
        registerCalls.incrementAndGet();
        for (RegisteredSchema registered : subjects.getOrDefault(subject, List.of())) {
            if (registered.schema().equals(schema)) {
                return registered.id();
            }
        }
        int id = schemas.entrySet().stream().filter(e -> e.getValue().equals(schema)).map(Map.Entry::getKey)
                .findFirst().orElse(nextId);
        registerWithId(subject, schema, id);
        return id;
    }

    @Override
    public synchronized Schema schemaById(int id) {
        schemaByIdCalls.incrementAndGet();
        Schema schema = schemas.get(id);
        if (schema == null) {
            throw new SchemaRegistryException(404, SchemaRegistryException.SCHEMA_NOT_FOUND, "Schema " + id + " not found");
        }
        return schema;
    }

    @Override
    public boolean isCompatible(String subject, Schema schema) {
        return true;
    }

    @Override
    public synchronized Optional<RegisteredSchema> latest(String subject) {
        List<RegisteredSchema> versions = subjects.getOrDefault(subject, List.of());
        return versions.isEmpty() ? Optional.empty() : Optional.of(versions.get(versions.size() - 1));
    }

    @Override
    public synchronized List<String> subjects() {
        return List.copyOf(subjects.keySet());
    }
}
