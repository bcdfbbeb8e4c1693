package dev.starfall.schemas.registry;

/**
 * An error answered by the schema registry, with the HTTP status and Confluent's {@code error_code},
 * or a failure to reach it at all ({@link #status()} and {@link #errorCode()} are then 0).
 */
public final class SchemaRegistryException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** Subject not found (HTTP 404). */
    public static final int SUBJECT_NOT_FOUND = 40401;
    /** Version not found (HTTP 404). */
    public static final int VERSION_NOT_FOUND = 40402;
    /** Schema not found (HTTP 404). */
    public static final int SCHEMA_NOT_FOUND = 40403;
    /** Subject was soft-deleted (HTTP 404). */
    public static final int SUBJECT_SOFT_DELETED = 40404;
    /** Subject-level compatibility level not configured (HTTP 404). */
    public static final int SUBJECT_LEVEL_COMPATIBILITY_NOT_CONFIGURED = 40408;
    /** Schema is incompatible with an earlier schema of the subject (HTTP 409). */
    public static final int INCOMPATIBLE_SCHEMA = 409;
    /** Invalid schema (HTTP 422). */
    public static final int INVALID_SCHEMA = 42201;
    /** Invalid version (HTTP 422). */
    public static final int INVALID_VERSION = 42202;
    /** Invalid compatibility level (HTTP 422). */
    public static final int INVALID_COMPATIBILITY_LEVEL = 42203;
    /** Error in the backend data store (HTTP 500). */
    public static final int STORE_ERROR = 50001;
    /** Operation timed out (HTTP 500). */
    public static final int OPERATION_TIMEOUT = 50002;

    private final int status;
    private final int errorCode;

    /** An error answered by the registry. */
    public SchemaRegistryException(int status, int errorCode, String message) {
        super(message);
        this.status = status;
        this.errorCode = errorCode;
    }

    /** The registry could not be reached or its answer could not be read. */
    public SchemaRegistryException(String message, Throwable cause) {
        super(message, cause);
        this.status = 0;
        this.errorCode = 0;
    }

    /** HTTP status of the answer, 0 when there was none. */
    public int status() {
        return status;
    }

    /** Confluent {@code error_code} of the answer (e.g. 40401), 0 when there was none. */
    public int errorCode() {
        return errorCode;
    }

    /** True for "subject not found" and "version not found", i.e. nothing registered under a subject. */
    public boolean isSubjectOrVersionNotFound() {
        return errorCode == SUBJECT_NOT_FOUND || errorCode == VERSION_NOT_FOUND;
    }
}
