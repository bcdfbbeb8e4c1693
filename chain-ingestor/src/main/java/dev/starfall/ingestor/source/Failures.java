package dev.starfall.ingestor.source;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * The one place that decides whether a failed chain API call is retriable or fatal.
 *
 * <ul>
 *   <li>Retriable: HTTP 408, 425, 429 and 5xx except 501; I/O errors and timeouts; a page that does
 *       not connect to the previous one (fetched again, never skipped); the JSON-RPC error codes of
 *       {@link #isRetriableRpcCode} and the gRPC codes of {@link #isRetriableGrpc}.</li>
 *   <li>Fatal: every other 4xx (the request is wrong and stays wrong), 501, an answer whose body
 *       cannot be parsed, every other JSON-RPC or gRPC error code, a node saying it is configured
 *       for another request form (bad config), and anything that is not a {@link SourceException}
 *       or an I/O error.</li>
 * </ul>
 * The API-specific readers ({@code SolanaRpcError}, {@code LcdError}) say <em>what</em> an error
 * body means for the operator; the verdict is asked here.
 *
 * <p>Error bodies are read in FCD's shape {@code {"type", "message", "code"}} where {@code code} is a
 * number (400) or a string (Postgres' {@code "42601"}).
 */
public final class Failures {

    /** JSON-RPC: rate limited (public Solana endpoints reuse the HTTP status as the error code). */
    public static final long RPC_RATE_LIMITED = 429;
    /** JSON-RPC: internal error of the node. */
    public static final long RPC_INTERNAL_ERROR = -32603;
    /** Solana JSON-RPC: block not available (yet) on this node. */
    public static final long RPC_BLOCK_NOT_AVAILABLE = -32004;
    /** Solana JSON-RPC: node unhealthy or behind (some providers also use it for their rate limit). */
    public static final long RPC_NODE_UNHEALTHY = -32005;
    /** Solana JSON-RPC: block status not yet available. */
    public static final long RPC_BLOCK_STATUS_NOT_AVAILABLE_YET = -32014;
    /** Solana JSON-RPC: minimum context slot not reached. */
    public static final long RPC_MIN_CONTEXT_SLOT_NOT_REACHED = -32016;

    private static final ObjectMapper JSON = JsonMapper.builder().build();
    private static final int MAX_BODY_IN_MESSAGE = 300;

    private Failures() {
    }

    /** An API error body: FCD's {@code {type, message, code}}; any of them may be null. */
    public record ApiError(String type, String message, String code) {
    }

    /** Whether an HTTP status is worth asking again. */
    public static boolean isRetriableStatus(int status) {
        return status == 408 || status == 425 || status == 429 || (status >= 500 && status <= 599 && status != 501);
    }

    /** Whether {@code t}, or any cause of it, is a retriable failure. The cause chain is walked. */
    public static boolean isRetriable(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof SourceException s) {
                return s.retriable();
            }
            if (c instanceof IOException || c instanceof UncheckedIOException) {
                return true;
            }
        }
        return false;
    }

    /** Reads an error body of FCD's shape, or empty when it is not JSON of that shape. */
    public static Optional<ApiError> parseErrorBody(String body) {
        if (body == null || body.isBlank()) {
            return Optional.empty();
        }
        try {
            JsonNode node = JSON.readTree(body);
            if (node == null || !node.isObject() || !(node.has("type") || node.has("message") || node.has("code"))) {
                return Optional.empty();
            }
            return Optional.of(new ApiError(text(node.get("type")), text(node.get("message")), text(node.get("code"))));
        } catch (JsonProcessingException e) {
            return Optional.empty();
        }
    }

    /** A non-2xx HTTP answer. */
    public static SourceException http(String source, String request, int status, String body, Duration retryAfter) {
        Optional<ApiError> error = parseErrorBody(body);
        String detail = error.map(e -> e.type() + " " + e.message() + (e.code() == null ? "" : " (code " + e.code() + ")"))
                .orElseGet(() -> abbreviate(body));
        boolean retriable = isRetriableStatus(status);
        return new SourceException(source, request + " answered HTTP " + status + ": " + detail, retriable, status,
                error.map(ApiError::type).orElse(null), retriable ? retryAfter : null, null);
    }

    /** An I/O error or timeout: retriable. */
    public static SourceException io(String source, String request, IOException e) {
        String what = e instanceof HttpTimeoutException ? "timed out" : "failed: " + e;
        return new SourceException(source, request + " " + what, true, 0, null, null, e);
    }

    /** A page that does not connect to the previous one (or contradicts itself): fetched again. */
    public static SourceException discontinuity(String source, String request, String problem) {
        return new PageDiscontinuityException(source, request + " returned a page that does not connect: " + problem);
    }

    /**
     * JSON-RPC error codes worth asking again: 429 (rate limit reused as a JSON-RPC code), -32005
     * (node unhealthy or behind; some providers use it for rate limits), -32603 (internal error),
     * -32004 (block not available yet), -32014 (block status not yet available), -32016 (minimum
     * context slot not reached). Everything else (invalid params, method not found, unsupported
     * transaction version, slot skipped...) stays wrong when asked again.
     */
    public static boolean isRetriableRpcCode(long code) {
        return code == RPC_RATE_LIMITED || code == RPC_NODE_UNHEALTHY || code == RPC_INTERNAL_ERROR || code == RPC_BLOCK_NOT_AVAILABLE
                || code == RPC_BLOCK_STATUS_NOT_AVAILABLE_YET || code == RPC_MIN_CONTEXT_SLOT_NOT_REACHED;
    }

    /**
     * A JSON-RPC error answer ({@code {"error":{"code","message"}}}), with the HTTP status it came with
     * (0 when unknown): retriable when the code is ({@link #isRetriableRpcCode}) or the status is
     * ({@link #isRetriableStatus}). A code 429 counts as HTTP 429 (rate limited). Error type
     * {@code jsonrpc<code>}.
     *
     * @param detail what the error says, for the operator
     */
    public static SourceException rpcError(String source, String request, int httpStatus, long code, String detail, Duration retryAfter) {
        boolean retriable = isRetriableRpcCode(code) || isRetriableStatus(httpStatus);
        int status = code == RPC_RATE_LIMITED ? 429 : httpStatus;
        return new SourceException(source, request + ": " + detail + (httpStatus > 0 ? " (HTTP " + httpStatus + ")" : ""),
                retriable, status, "jsonrpc" + code, retriable ? retryAfter : null, null);
    }

    /**
     * Whether a gRPC status (as a Cosmos SDK gRPC gateway puts it in an error body) is worth asking
     * again: 4 deadline exceeded, 8 resource exhausted (also "message larger than max", which a
     * smaller page cures), 10 aborted, 13 internal, 14 unavailable; never when the node says it
     * expects another request form ({@code misconfigured}: a configuration error stays one).
     * Everything else (3 invalid argument, 5 not found, 12 not implemented...) is fatal.
     */
    public static boolean isRetriableGrpc(int code, boolean misconfigured) {
        return !misconfigured && (code == 4 || code == 8 || code == 10 || code == 13 || code == 14);
    }

    /**
     * A gRPC-gateway error body, classified by {@link #isRetriableGrpc}; error type {@code grpc-<code>}.
     *
     * @param httpStatus    the HTTP status the gateway maps the code to (0 when none)
     * @param misconfigured the node expects another request form (a configuration error)
     * @param detail        what the error says, for the operator
     */
    public static SourceException grpcError(String source, String request, int code, int httpStatus, boolean misconfigured, String detail) {
        return new SourceException(source, request + ": " + detail, isRetriableGrpc(code, misconfigured), httpStatus, "grpc-" + code, null,
                null);
    }

    /** A 2xx answer whose body is not what the API documents: fatal. */
    public static MalformedPayloadException unparseable(String source, String request, String jsonPath, String problem, Throwable cause) {
        return new MalformedPayloadException(source, null, jsonPath, request + ": " + problem, cause);
    }

    /** A retriable failure that persisted through every attempt: still retriable for a later walk. */
    public static SourceException exhausted(String source, String request, int attempts, Throwable last) {
        return new SourceException(source, request + " still failing after " + attempts + " attempts: " + last.getMessage(),
                true, last instanceof SourceException s ? s.httpStatus() : 0, null, null, last);
    }

    /** Parses a {@code Retry-After} header in either form against the system clock; see {@link #parseRetryAfter(String, Instant)}. */
    public static Duration parseRetryAfter(String header) {
        return parseRetryAfter(header, Instant.now());
    }

    /**
     * Parses a {@code Retry-After} header: delta-seconds ({@code 120}) or an HTTP-date
     * ({@code Wed, 21 Oct 2015 07:28:00 GMT}, counted from {@code now}; a date in the past is zero).
     *
     * @return the delay, or null when absent or unreadable
     */
    public static Duration parseRetryAfter(String header, Instant now) {
        if (header == null || header.isBlank()) {
            return null;
        }
        String value = header.trim();
        try {
            long seconds = Long.parseLong(value);
            return seconds >= 0 ? Duration.ofSeconds(seconds) : null;
        } catch (NumberFormatException e) {
            try {
                Instant at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
                Duration d = Duration.between(now, at);
                return d.isNegative() ? Duration.ZERO : d;
            } catch (DateTimeParseException notADate) {
                return null;
            }
        }
    }

    private static String text(JsonNode node) {
        return node == null || node.isNull() ? null : node.asText();
    }

    private static String abbreviate(String body) {
        if (body == null) {
            return "(no body)";
        }
        String oneLine = body.replaceAll("\\s+", " ").trim();
        return oneLine.length() <= MAX_BODY_IN_MESSAGE ? oneLine : oneLine.substring(0, MAX_BODY_IN_MESSAGE) + "...";
    }
}
