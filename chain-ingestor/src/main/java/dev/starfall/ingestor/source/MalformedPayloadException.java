package dev.starfall.ingestor.source;

/**
 * A chain API answer that cannot be understood. Fatal: fetching it again gives the same bytes, and
 * skipping it could lose a contribution, so the ingestor records the payload (topic
 * {@code starfall.ingest.malformed.v1}) and stops, saying where it choked.
 *
 * <p>A parser throws it without the HTTP context; the HTTP layer adds request, status and body
 * with {@link #withContext}.
 */
public final class MalformedPayloadException extends SourceException {

    private static final long serialVersionUID = 1L;

    private final String txRef;
    private final String jsonPath;
    private final String problem;
    private final String request;
    private final int status;
    private final String rawBody;

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
        this(source, txRef, jsonPath, problem, null, 0, null, cause);
    }

    private MalformedPayloadException(String source, String txRef, String jsonPath, String problem, String request, int status,
                                      String rawBody, Throwable cause) {
        super(source, "malformed payload" + (txRef == null ? "" : " in tx " + txRef) + " at " + jsonPath + ": " + problem
                        + (request == null ? "" : " (answer to " + request + ", HTTP " + status + ")"),
                false, status, null, null, cause);
        this.txRef = txRef;
        this.jsonPath = jsonPath;
        this.problem = problem;
        this.request = request;
        this.status = status;
        this.rawBody = rawBody;
    }

    /** The same failure with the HTTP exchange it came from (the cause is kept). */
    public MalformedPayloadException withContext(String endpoint, String request, int httpStatus, String body) {
        return new MalformedPayloadException(endpoint, txRef, jsonPath, problem, request, httpStatus, body,
                getCause() != null ? getCause() : this);
    }

    /** Transaction hash or row id, null when unknown. */
    public String txRef() {
        return txRef;
    }

    public String jsonPath() {
        return jsonPath;
    }

    /** What is wrong, without the location. */
    public String problem() {
        return problem;
    }

    /** The request (method and URL, or JSON-RPC body) whose answer it was; null when not known. */
    public String request() {
        return request;
    }

    /** The whole answer body as received; null when not known. */
    public String rawBody() {
        return rawBody;
    }
}
