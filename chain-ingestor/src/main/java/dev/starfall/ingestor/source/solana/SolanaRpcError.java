package dev.starfall.ingestor.source.solana;

import java.util.Objects;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import dev.starfall.ingestor.source.SourceException;

/**
 * A Solana JSON-RPC error {@code {"jsonrpc":"2.0","error":{"code":..,"message":..,"data":..},"id":..}}, classified.
 *
 * <p>Retriable: {@code 429} (public endpoints reuse the HTTP status as JSON-RPC code for their rate limit),
 * {@code -32005} (node unhealthy / behind; some providers also use it for their rate limit), and the "not there
 * yet" codes {@code -32004} (block not available), {@code -32014} (block status not yet available) and
 * {@code -32016} (minimum context slot not reached). Everything else is fatal: asking the same node the same
 * question gives the same answer (e.g. {@code -32015} unsupported transaction version: the request lacks
 * {@code maxSupportedTransactionVersion: 0}; {@code -32602} invalid params).
 *
 * @param code    the JSON-RPC error code
 * @param message the error message, never null (empty when absent)
 * @param data    {@code error.data} as compact JSON, null when absent
 * @param id      the response {@code id} as text, null when absent
 */
public record SolanaRpcError(long code, String message, String data, String id) {

    public static final long RATE_LIMITED = 429;
    public static final long BLOCK_NOT_AVAILABLE = -32004;
    public static final long NODE_UNHEALTHY = -32005;
    public static final long BLOCK_STATUS_NOT_AVAILABLE_YET = -32014;
    public static final long UNSUPPORTED_TRANSACTION_VERSION = -32015;
    public static final long MIN_CONTEXT_SLOT_NOT_REACHED = -32016;

    /** What went wrong, in the operator's terms. */
    public enum Kind {
        RATE_LIMITED, NODE_BEHIND, NOT_YET_AVAILABLE, UNSUPPORTED_TRANSACTION_VERSION, OTHER
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
        if (code == BLOCK_NOT_AVAILABLE || code == BLOCK_STATUS_NOT_AVAILABLE_YET || code == MIN_CONTEXT_SLOT_NOT_REACHED) {
            return Kind.NOT_YET_AVAILABLE;
        }
        if (code == UNSUPPORTED_TRANSACTION_VERSION) {
            return Kind.UNSUPPORTED_TRANSACTION_VERSION;
        }
        return Kind.OTHER;
    }

    /** Whether the same call may succeed later (on this or another endpoint). */
    public boolean retriable() {
        return switch (kind()) {
            case RATE_LIMITED, NODE_BEHIND, NOT_YET_AVAILABLE -> true;
            case UNSUPPORTED_TRANSACTION_VERSION, OTHER -> false;
        };
    }

    /** A sentence for the operator: what the node said and what it means. */
    public String operatorMessage() {
        String said = "Solana RPC error " + code + " \"" + message + "\"";
        return switch (kind()) {
            case RATE_LIMITED -> said + ": rate limited by the endpoint; backing off";
            case NODE_BEHIND -> said + ": the node is unhealthy or behind (some providers also signal rate limits this way);"
                    + " retrying, preferably on another endpoint";
            case NOT_YET_AVAILABLE -> said + ": the data is not available on this node yet; retrying";
            case UNSUPPORTED_TRANSACTION_VERSION -> said + ": the request must set maxSupportedTransactionVersion: 0";
            case OTHER -> said + (data == null ? "" : " (data " + data + ")") + ": the request is not accepted";
        };
    }

    /** As a {@link SourceException} with this verdict and error type {@code jsonrpc<code>}; HTTP status unknown here (0). */
    public SourceException toException(String source, String request) {
        return new SourceException(source, request + ": " + operatorMessage(), retriable(), 0, "jsonrpc" + code, null, null);
    }
}
