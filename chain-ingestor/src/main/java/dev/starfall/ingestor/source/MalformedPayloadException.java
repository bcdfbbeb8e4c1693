package dev.starfall.ingestor.source;

/**
 * A chain API answer that cannot be understood. Fatal: fetching it again gives the same bytes, and
 * skipping it could lose a contribution, so the ingestor stops and says where it choked.
 */
public final class MalformedPayloadException extends SourceException {

    private static final long serialVersionUID = 1L;

    private final String txRef;
    private final String jsonPath;

    /**
     * @param source   endpoint (base URL or name)
     * @param txRef    transaction hash or row id when known, else null
     * @param jsonPath JSON path of the offending value, e.g. {@code $.tx.value.msg[0].value.amount[1].amount}
     * @param problem  what is wrong with it
     */
    public MalformedPayloadException(String source, String txRef, String jsonPath, String problem) {
        this(source, txRef, jsonPath, problem, null);
    }

    public MalformedPayloadException(String source, String txRef, String jsonPath, String problem, Throwable cause) {
        super(source, "malformed payload" + (txRef == null ? "" : " in tx " + txRef) + " at " + jsonPath + ": " + problem,
                false, 0, null, null, cause);
        this.txRef = txRef;
        this.jsonPath = jsonPath;
    }

    /** Transaction hash or row id, null when unknown. */
    public String txRef() {
        return txRef;
    }

    public String jsonPath() {
        return jsonPath;
    }
}
