package dev.starfall.ingestor.source.lcd;

import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import dev.starfall.ingestor.source.Failures;
import dev.starfall.ingestor.source.SourceException;

/**
 * A Cosmos SDK gRPC-gateway error body {@code {"code": <gRPC code>, "message": "...", "details": []}},
 * explained for the operator; whether it is worth asking again is {@link Failures}' verdict
 * ({@link Failures#isRetriableGrpc}, with {@link Kind#WRONG_QUERY_DIALECT} as a configuration error).
 *
 * <p>Kinds (the HTTP status is the gateway's mapping of the gRPC code: 3→400, 5→404, 8→429,
 * 12→501, 13→500, 14→503):
 * <ul>
 *   <li>{@link Kind#LEGACY_ENDPOINT} (code 12, "Not Implemented", HTTP 501): the endpoint does not exist on
 *       this node (legacy amino {@code /txs} was removed in SDK 0.47). Fatal.</li>
 *   <li>{@link Kind#WRONG_QUERY_DIALECT} ("query cannot be empty", code 13 on SDK 0.50 nodes): the node wants
 *       {@code query=} instead of {@code events=}. Fatal configuration error.</li>
 *   <li>{@link Kind#RESPONSE_TOO_LARGE} (code 8 "received message larger than max"): retriable with smaller pages.</li>
 *   <li>{@link Kind#UNAVAILABLE}: codes 4 (deadline), 8 (resource exhausted), 10 (aborted), 13 (internal),
 *       14 (unavailable). Retriable.</li>
 *   <li>{@link Kind#INVALID_REQUEST}: codes 3 (invalid argument, e.g. page out of range), 5, 7, 9, 11, 16. Fatal.</li>
 *   <li>{@link Kind#OTHER}: any other code. Fatal (asking again gives the same answer).</li>
 * </ul>
 *
 * @param code    the gRPC status code of the body
 * @param message the body's message, never null (empty when absent)
 */
public record LcdError(int code, String message) {

    /** What went wrong, in the operator's terms. */
    public enum Kind {
        LEGACY_ENDPOINT, WRONG_QUERY_DIALECT, RESPONSE_TOO_LARGE, UNAVAILABLE, INVALID_REQUEST, OTHER
    }

    public LcdError {
        Objects.requireNonNull(message, "message");
    }

    /**
     * Reads a gRPC-gateway error body: an object with an integer {@code code} other than 0 and a
     * {@code message}, and no {@code tx_responses}/{@code tx_response}. Empty for anything else (including
     * a valid, possibly empty, result page).
     */
    public static Optional<LcdError> from(JsonNode body) {
        if (body == null || !body.isObject() || body.has("tx_responses") || body.has("tx_response")) {
            return Optional.empty();
        }
        JsonNode code = body.get("code");
        JsonNode message = body.get("message");
        if (code == null || !code.isIntegralNumber() || !code.canConvertToInt() || code.intValue() == 0
                || message == null || !message.isTextual()) {
            return Optional.empty();
        }
        return Optional.of(new LcdError(code.intValue(), message.textValue()));
    }

    public Kind kind() {
        String m = message.toLowerCase(Locale.ROOT);
        if (m.contains("query cannot be empty")) {
            return Kind.WRONG_QUERY_DIALECT;
        }
        if (code == 12) {
            return Kind.LEGACY_ENDPOINT;
        }
        if (code == 8 && m.contains("larger than max")) {
            return Kind.RESPONSE_TOO_LARGE;
        }
        return switch (code) {
            case 4, 8, 10, 13, 14 -> Kind.UNAVAILABLE;
            case 3, 5, 7, 9, 11, 16 -> Kind.INVALID_REQUEST;
            default -> Kind.OTHER;
        };
    }

    /**
     * Whether the same request may succeed later (or, for {@link Kind#RESPONSE_TOO_LARGE}, with a smaller page), as
     * {@link Failures#isRetriableGrpc} decides.
     */
    public boolean retriable() {
        return Failures.isRetriableGrpc(code, misconfigured());
    }

    /** The node expects another request form: a configuration error, fatal whatever the code. */
    private boolean misconfigured() {
        return kind() == Kind.WRONG_QUERY_DIALECT;
    }

    /** The HTTP status grpc-gateway answers with for this code (0 when the code has no standard mapping). */
    public int httpStatus() {
        return switch (code) {
            case 1 -> 499;
            case 2, 13, 15 -> 500;
            case 3, 9, 11 -> 400;
            case 4 -> 504;
            case 5 -> 404;
            case 6, 10 -> 409;
            case 7 -> 403;
            case 8 -> 429;
            case 12 -> 501;
            case 14 -> 503;
            case 16 -> 401;
            default -> 0;
        };
    }

    /** A sentence for the operator: what the node said and what to do about it. */
    public String operatorMessage() {
        String said = "LCD answered gRPC code " + code + " \"" + message + "\"";
        return switch (kind()) {
            case LEGACY_ENDPOINT -> said + " (HTTP 501): the endpoint is not implemented on this node; the legacy amino"
                    + " /txs endpoint was removed in Cosmos SDK 0.47, use " + LcdQuery.PATH + " instead";
            case WRONG_QUERY_DIALECT -> said + ": this node runs Cosmos SDK 0.50+, which ignores events= and requires"
                    + " query=transfer.recipient='<addr>' with page=/limit= (configure the LCD query dialect "
                    + LcdQuery.Dialect.QUERY + ")";
            case RESPONSE_TOO_LARGE -> said + ": the page is too large for the node's gRPC limit; retry with a smaller limit";
            case UNAVAILABLE -> said + ": the node is busy or failing; retrying";
            case INVALID_REQUEST -> said + ": the request is invalid for this node (check the address, page and limit)";
            case OTHER -> said + ": unexpected error";
        };
    }

    /** As a {@link SourceException} ({@link Failures#grpcError}): its HTTP status and error type {@code grpc-<code>}. */
    public SourceException toException(String source, String request) {
        return Failures.grpcError(source, request, code, httpStatus(), misconfigured(), operatorMessage());
    }
}
