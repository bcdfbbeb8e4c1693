package dev.starfall.ingestor.source.solana;

import java.util.Objects;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import dev.starfall.ingestor.source.Failures;
import dev.starfall.ingestor.source.SourceException;

/**
 * A Solana JSON-RPC error {@code {"jsonrpc":"2.0","error":{"code":..,"message":..,"data":..},"id":..}}: what it means
 * ({@link #kind()}, {@link #operatorMessage()}). Whether it is worth asking again is {@link Failures}' verdict
 * ({@link Failures#isRetriableRpcCode}): retriable are {@code 429} (public endpoints reuse the HTTP status as JSON-RPC
 * code for their rate limit), {@code -32005} (node unhealthy / behind; some providers also use it for their rate
 * limit), {@code -32603} (internal error) and the "not there yet" codes {@code -32004} (block not available),
 * {@code -32014} (block status not yet available) and {@code -32016} (minimum context slot not reached). Everything
 * else is fatal: asking the same node the same question gives the same answer (e.g. {@code -32015} unsupported
 * transaction version: the request lacks {@code maxSupportedTransactionVersion: 0}; {@code -32602} invalid params).
 *
 * @param code    the JSON-RPC error code
 * @param message the error message, never null (empty when absent)
 * @param data    {@code error.data} as compact JSON, null when absent
 * @param id      the response {@code id} as text, null when absent
 */
public record SolanaRpcError(long code, String message, String data, String id) {

    public static final long RATE_LIMITED = Failures.RPC_RATE_LIMITED;
    public static final long INTERNAL_ERROR = Failures.RPC_INTERNAL_ERROR;
    public static final long BLOCK_NOT_AVAILABLE = Failures.RPC_BLOCK_NOT_AVAILABLE;
    public static final long NODE_UNHEALTHY = Failures.RPC_NODE_UNHEALTHY;
    public static final long BLOCK_STATUS_NOT_AVAILABLE_YET = Failures.RPC_BLOCK_STATUS_NOT_AVAILABLE_YET;
    public static final long UNSUPPORTED_TRANSACTION_VERSION = -32015;
    public static final long MIN_CONTEXT_SLOT_NOT_REACHED = Failures.RPC_MIN_CONTEXT_SLOT_NOT_REACHED;

    /** What went wrong, in the operator's terms. */
    public enum Kind {
        RATE_LIMITED, NODE_BEHIND, INTERNAL_ERROR, NOT_YET_AVAILABLE, UNSUPPORTED_TRANSACTION_VERSION, OTHER
    }

    public SolanaRpcError {
        Objects.requireNonNull(message, "message");
    }

    /**
     * Reads the {@code error} member of one JSON-RPC response object; empty when there is none.
     *
     * @throws IllegalArgumentException when {@code error} is present but has no integer {@code code}
     */
    public static Optional<SolanaRpcError> from(JsonNode response) {
        if (response == null || !response.isObject()) {
            return Optional.empty();
        }
        JsonNode error = response.get("error");
        if (error == null || error.isNull()) {
            return Optional.empty();
        }
        JsonNode code = error.get("code");
        if (!error.isObject() || code == null || !code.isIntegralNumber() || !code.canConvertToLong()) {
            throw new IllegalArgumentException("JSON-RPC error without an integer code: " + error);
        }
        JsonNode message = error.get("message");
        JsonNode data = error.get("data");
        JsonNode id = response.get("id");
        return Optional.of(new SolanaRpcError(code.longValue(),
                message != null && message.isTextual() ? message.textValue() : "",
                data == null || data.isNull() ? null : data.toString(),
                id == null || id.isNull() ? null : id.asText()));
    }

    public Kind kind() {
        if (code == RATE_LIMITED) {
            return Kind.RATE_LIMITED;
        }
        if (code == NODE_UNHEALTHY) {
            return Kind.NODE_BEHIND;
        }
        if (code == INTERNAL_ERROR) {
            return Kind.INTERNAL_ERROR;
        }
        if (code == BLOCK_NOT_AVAILABLE || code == BLOCK_STATUS_NOT_AVAILABLE_YET || code == MIN_CONTEXT_SLOT_NOT_REACHED) {
            return Kind.NOT_YET_AVAILABLE;
        }
        if (code == UNSUPPORTED_TRANSACTION_VERSION) {
            return Kind.UNSUPPORTED_TRANSACTION_VERSION;
        }
        return Kind.OTHER;
    }

    /** Whether the same call may succeed later (on this or another endpoint), as {@link Failures} decides. */
    public boolean retriable() {
        return Failures.isRetriableRpcCode(code);
    }

    /** A sentence for the operator: what the node said and what it means. */
    public String operatorMessage() {
        String said = "Solana RPC error " + code + " \"" + message + "\"";
        return switch (kind()) {
            case RATE_LIMITED -> said + ": rate limited by the endpoint; backing off and retrying";
            case NODE_BEHIND -> said + ": the node is unhealthy or behind (some providers also signal rate limits this way);"
                    + " retrying, preferably on another endpoint";
            case INTERNAL_ERROR -> said + ": the node failed internally; retrying";
            case NOT_YET_AVAILABLE -> said + ": the data is not available on this node yet; retrying";
            case UNSUPPORTED_TRANSACTION_VERSION -> said + ": the request must set maxSupportedTransactionVersion: 0";
            case OTHER -> said + (data == null ? "" : " (data " + data + ")") + ": the request is not accepted";
        };
    }

    /** As a {@link SourceException} ({@link Failures#rpcError}, error type {@code jsonrpc<code>}); HTTP status unknown here. */
    public SourceException toException(String source, String request) {
        return toException(source, request, 0);
    }

    /** As a {@link SourceException} ({@link Failures#rpcError}) for an answer that came with {@code httpStatus}. */
    public SourceException toException(String source, String request, int httpStatus) {
        return Failures.rpcError(source, request, httpStatus, code, operatorMessage(), null);
    }
}
