package dev.starfall.embedded.registry;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.avro.Schema;

/**
 * The registry's state in memory, rebuilt from the {@code _schemas} topic and changed only by applying
 * its records ({@link SchemaStore} does both, on one thread at a time). Reads are lock-free and may run
 * on the event loop: a version is published only after its id and schema are.
 */
final class RegistryState {

    private final ConcurrentMap<Integer, String> schemasById = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, Integer> idsBySchema = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, NavigableMap<Integer, SchemaVersion>> subjects = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, CompatibilityLevel> subjectLevels = new ConcurrentHashMap<>();
    private final ConcurrentMap<Integer, Schema> parsed = new ConcurrentHashMap<>();
    private final AtomicInteger maxId = new AtomicInteger();
    private volatile CompatibilityLevel globalLevel;

    // ---- applied from the log

    void putVersion(SchemaVersion version) {
        schemasById.putIfAbsent(version.id(), version.schema());
        idsBySchema.putIfAbsent(version.schema(), version.id());
        maxId.accumulateAndGet(version.id(), Math::max);
        subjects.computeIfAbsent(version.subject(), s -> new ConcurrentSkipListMap<>()).put(version.version(), version);
    }

    /** A tombstone (hard delete, as written by other registries); ids stay known, so they are not reused. */
    void removeVersion(String subject, int version) {
        NavigableMap<Integer, SchemaVersion> versions = subjects.get(subject);
        if (versions != null) {
            versions.remove(version);
        }
    }

    /** Sets (or with null removes) the level of a subject, or the global level when {@code subject} is null. */
    void setLevel(String subject, CompatibilityLevel level) {
        if (subject == null) {
            globalLevel = level;
        } else if (level == null) {
            subjectLevels.remove(subject);
        } else {
            subjectLevels.put(subject, level);
        }
    }

    // ---- reads

    List<String> subjects(boolean includeDeleted) {
        List<String> names = new ArrayList<>();
        for (Map.Entry<String, NavigableMap<Integer, SchemaVersion>> entry : subjects.entrySet()) {
            if (entry.getValue().values().stream().anyMatch(v -> includeDeleted || !v.deleted())) {
                names.add(entry.getKey());
            }
        }
        names.sort(null);
        return names;
    }

    /** Versions of {@code subject}, oldest first. */
    List<SchemaVersion> versions(String subject, boolean includeDeleted) {
        NavigableMap<Integer, SchemaVersion> versions = subjects.get(subject);
        if (versions == null) {
            return List.of();
        }
        return versions.values().stream().filter(v -> includeDeleted || !v.deleted()).toList();
    }

    boolean exists(String subject) {
        return !versions(subject, false).isEmpty();
    }

    Optional<SchemaVersion> version(String subject, int version, boolean includeDeleted) {
        NavigableMap<Integer, SchemaVersion> versions = subjects.get(subject);
        SchemaVersion found = versions == null ? null : versions.get(version);
        return found == null || found.deleted() && !includeDeleted ? Optional.empty() : Optional.of(found);
    }

    Optional<SchemaVersion> latest(String subject) {
        List<SchemaVersion> active = versions(subject, false);
        return active.isEmpty() ? Optional.empty() : Optional.of(active.get(active.size() - 1));
    }

    /** Highest version number the subject ever had, deleted ones included; 0 for a new subject. */
    int maxVersion(String subject) {
        NavigableMap<Integer, SchemaVersion> versions = subjects.get(subject);
        return versions == null || versions.isEmpty() ? 0 : versions.lastKey();
    }

    Optional<String> schema(int id) {
        return Optional.ofNullable(schemasById.get(id));
    }

    /** The not deleted versions that use schema {@code id}, by subject then version. */
    List<SchemaVersion> versionsWithId(int id) {
        List<SchemaVersion> found = new ArrayList<>();
        for (NavigableMap<Integer, SchemaVersion> versions : subjects.values()) {
            versions.values().stream().filter(v -> v.id() == id && !v.deleted()).forEach(found::add);
        }
        found.sort((a, b) -> a.subject().equals(b.subject()) ? Integer.compare(a.version(), b.version()) : a.subject().compareTo(b.subject()));
        return found;
    }

    /** The not deleted version of {@code subject} whose canonical schema is {@code canonical}. */
    Optional<SchemaVersion> find(String subject, String canonical) {
        return versions(subject, false).stream().filter(v -> v.schema().equals(canonical)).findFirst();
    }

    /** The id of an identical schema registered under any subject. */
    Optional<Integer> idOf(String canonical) {
        return Optional.ofNullable(idsBySchema.get(canonical));
    }

    /** Highest id ever given out; ids are never reused. */
    int maxId() {
        return maxId.get();
    }

    int schemaCount() {
        return schemasById.size();
    }

    CompatibilityLevel globalLevel() {
        CompatibilityLevel level = globalLevel;
        return level == null ? CompatibilityLevel.DEFAULT : level;
    }

    Optional<CompatibilityLevel> subjectLevel(String subject) {
        return Optional.ofNullable(subjectLevels.get(subject));
    }

    CompatibilityLevel effectiveLevel(String subject) {
        return subjectLevel(subject).orElseGet(this::globalLevel);
    }

    /** The parsed schema of a stored version (stored schemas were validated when registered). */
    Schema parsed(SchemaVersion version) {
        return parsed.computeIfAbsent(version.id(), id -> new Schema.Parser().parse(version.schema()));
    }
}
