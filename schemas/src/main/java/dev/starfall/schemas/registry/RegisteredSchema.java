package dev.starfall.schemas.registry;

import java.util.Objects;

import org.apache.avro.Schema;

/** One version of a subject as the registry returns it: subject, version (from 1), global id and schema. */
public record RegisteredSchema(String subject, int version, int id, Schema schema) {
    public RegisteredSchema {
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(schema, "schema");
    }
}
