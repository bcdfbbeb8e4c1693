package dev.starfall.embedded.registry;

/** One version of a subject as stored: the schema text is Avro's canonical JSON ({@code Schema.toString()}). */
record SchemaVersion(String subject, int version, int id, String schema, boolean deleted) {

    SchemaVersion asDeleted() {
        return new SchemaVersion(subject, version, id, schema, true);
    }
}
