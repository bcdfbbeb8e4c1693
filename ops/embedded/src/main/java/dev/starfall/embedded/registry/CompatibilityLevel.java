package dev.starfall.embedded.registry;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.Incompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.SchemaCompatibility.SchemaPairCompatibility;

/**
 * The registry's compatibility levels, checked with Avro's {@link SchemaCompatibility}.
 *
 * <ul>
 *   <li>BACKWARD: the new schema, as reader, can read data written with the previous one.</li>
 *   <li>FORWARD: the previous schema, as reader, can read data written with the new one.</li>
 *   <li>FULL: both.</li>
 *   <li>{@code _TRANSITIVE}: against every earlier (not deleted) version instead of only the latest.</li>
 *   <li>NONE: no check.</li>
 * </ul>
 */
enum CompatibilityLevel {
    NONE(false, false, false),
    BACKWARD(true, false, false),
    BACKWARD_TRANSITIVE(true, false, true),
    FORWARD(false, true, false),
    FORWARD_TRANSITIVE(false, true, true),
    FULL(true, true, false),
    FULL_TRANSITIVE(true, true, true);

    /** The level of a registry that was never configured. */
    static final CompatibilityLevel DEFAULT = BACKWARD;

    private final boolean backward;
    private final boolean forward;
    private final boolean transitive;

    CompatibilityLevel(boolean backward, boolean forward, boolean transitive) {
        this.backward = backward;
        this.forward = forward;
        this.transitive = transitive;
    }

    static Optional<CompatibilityLevel> parse(String name) {
        if (name == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(valueOf(name.trim().toUpperCase(Locale.ROOT)));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /**
     * Checks {@code candidate} against the subject's earlier versions (oldest first, deleted ones
     * already left out) and returns why it is incompatible; an empty list means compatible.
     */
    List<String> check(Schema candidate, List<SchemaVersion> previous, Function<SchemaVersion, Schema> schemaOf) {
        if (previous.isEmpty() || this == NONE) {
            return List.of();
        }
        List<SchemaVersion> against = transitive ? previous : List.of(previous.get(previous.size() - 1));
        return checkEach(candidate, against, schemaOf);
    }

    /** Checks {@code candidate} against exactly the versions given, in this level's directions. */
    List<String> checkEach(Schema candidate, List<SchemaVersion> against, Function<SchemaVersion, Schema> schemaOf) {
        List<String> problems = new ArrayList<>();
        if (this == NONE) {
            return problems;
        }
        for (SchemaVersion old : against) {
            Schema oldSchema = schemaOf.apply(old);
            if (backward) {
                describe(SchemaCompatibility.checkReaderWriterCompatibility(candidate, oldSchema),
                        "the new schema cannot read data written with version " + old.version(), problems);
            }
            if (forward) {
                describe(SchemaCompatibility.checkReaderWriterCompatibility(oldSchema, candidate),
                        "version " + old.version() + " cannot read data written with the new schema", problems);
            }
        }
        return problems;
    }

    private void describe(SchemaPairCompatibility pair, String direction, List<String> problems) {
        if (pair.getType() == SchemaCompatibilityType.COMPATIBLE) {
            return;
        }
        List<Incompatibility> incompatibilities = pair.getResult().getIncompatibilities();
        if (incompatibilities.isEmpty()) {
            problems.add(name() + ": " + direction + ": " + pair.getDescription());
            return;
        }
        for (Incompatibility incompatibility : incompatibilities) {
            problems.add(name() + ": " + direction + ": " + incompatibility.getType() + " at '" + incompatibility.getLocation()
                    + "': " + incompatibility.getMessage());
        }
    }
}
