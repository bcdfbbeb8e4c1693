package dev.starfall.schemas.registry;

import java.util.List;
import java.util.Optional;

import org.apache.avro.Schema;

/**
 * The part of the Confluent Schema Registry REST API that the project uses. Every method throws
 * {@link SchemaRegistryException} when the registry answers with an error or cannot be reached.
 */
public interface SchemaRegistryClient {

    /**
     * Registers {@code schema} under {@code subject} ({@code POST /subjects/{subject}/versions}) and
     * returns its global id. Registering a schema that is already registered returns the same id.
     */
    int register(String subject, Schema schema);

    /** The schema with this global id ({@code GET /schemas/ids/{id}}). */
    Schema schemaById(int id);

    /**
     * Whether {@code schema} may be registered under {@code subject} according to the subject's
     * compatibility level ({@code POST /compatibility/subjects/{subject}/versions/latest}); true when
     * the subject does not exist yet.
     */
    boolean isCompatible(String subject, Schema schema);

    /** The latest version of {@code subject}, or empty when the subject does not exist. */
    Optional<RegisteredSchema> latest(String subject);

    /** The names of all subjects that are not deleted. */
    List<String> subjects();
}
