package dev.starfall.ingestor.source.solana;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import dev.starfall.ingestor.source.MalformedPayloadException;
import dev.starfall.ingestor.source.SourceException;

/**
 * Reads {@code getSignaturesForAddress} responses: newest first; an empty {@code result} ends the history. The
 * cursor of the next (older) page is {@link Page#oldest()}, passed as {@code before}.
 *
 * <p>The node prints memos as {@code "[<len>] <text>"} per memo instruction, {@code <len>} being the UTF-8 byte length
 * of the memo data, several memos joined by {@code "; "}. {@link Signature#memo()} is the plain text (prefixes
 * stripped, several memos joined by {@code "; "}); {@link Signature#rawMemo()} the text as received. Thread-safe.
 */
public final class SolanaSignaturesParser {

    private static final Pattern PREFIX = Pattern.compile("\\[(\\d{1,9})\\] ");
    private static final String SEPARATOR = "; ";

    /**
     * One entry of the result.
     *
     * @param signature          base58 transaction signature
     * @param slot               slot of the transaction
     * @param blockTime          estimated production time, null when the node does not know it
     * @param err                {@code err} as compact JSON, null when the transaction succeeded
     * @param memo               memo text without the {@code "[len] "} prefix, null when none
     * @param rawMemo            memo as received, null when none
     * @param confirmationStatus processed / confirmed / finalized, null when absent (old nodes)
     */
    public record Signature(String signature, long slot, Instant blockTime, String err, String memo, String rawMemo,
                            String confirmationStatus) {
        public Signature {
            Objects.requireNonNull(signature, "signature");
        }

        public boolean failed() {
            return err != null;
        }

        public boolean finalized() {
            return "finalized".equals(confirmationStatus);
        }
    }

    /** One page, newest first. */
    public record Page(List<Signature> signatures) {
        public Page {
            signatures = List.copyOf(signatures);
        }

        /** True for {@code result: []}: no older signatures. */
        public boolean end() {
            return signatures.isEmpty();
        }

        /** The last (oldest) signature: the {@code before} of the next page; empty at the end. */
        public Optional<String> oldest() {
            return signatures.isEmpty() ? Optional.empty() : Optional.of(signatures.get(signatures.size() - 1).signature());
        }
    }

    private final String endpoint;

    /** @param endpoint name or base URL of the endpoint, named in errors */
    public SolanaSignaturesParser(String endpoint) {
        this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
    }

    /**
     * Parses one JSON-RPC response.
     *
     * @throws SourceException            when the response is a JSON-RPC error (see {@link SolanaRpcError#retriable()})
     * @throws MalformedPayloadException when it is neither
     */
    public Page parse(JsonNode response) {
        if (response == null || !response.isObject()) {
            throw malformed(null, "$", "a JSON-RPC response must be an object");
        }
        Optional<SolanaRpcError> error;
        try {
            error = SolanaRpcError.from(response);
        } catch (IllegalArgumentException e) {
            throw malformed(null, "$.error", e.getMessage());
        }
        if (error.isPresent()) {
            throw error.get().toException(endpoint, "getSignaturesForAddress");
        }
        JsonNode result = response.get("result");
        if (result == null || !result.isArray()) {
            throw malformed(null, "$.result", "required array is " + (result == null ? "missing" : result.getNodeType()));
        }
        List<Signature> out = new ArrayList<>(result.size());
        for (int i = 0; i < result.size(); i++) {
            out.add(entry(result.get(i), "$.result[" + i + "]"));
        }
        return new Page(out);
    }

    private Signature entry(JsonNode e, String path) {
        if (e == null || !e.isObject()) {
            throw malformed(null, path, "an entry must be an object");
        }
        JsonNode sig = e.get("signature");
        if (sig == null || !sig.isTextual() || sig.textValue().isEmpty()) {
            throw malformed(null, path + ".signature", "required non-empty string is " + sig);
        }
        String signature = sig.textValue();
        JsonNode slot = e.get("slot");
        if (slot == null || !slot.isIntegralNumber() || !slot.canConvertToLong() || slot.longValue() < 0) {
            throw malformed(signature, path + ".slot", "must be a non-negative integer, was " + slot);
        }
        JsonNode bt = e.get("blockTime");
        Instant blockTime = null;
        if (bt != null && !bt.isNull()) {
            if (!bt.isIntegralNumber() || !bt.canConvertToLong()) {
                throw malformed(signature, path + ".blockTime", "must be unix seconds or null, was " + bt);
            }
            blockTime = Instant.ofEpochSecond(bt.longValue());
        }
        JsonNode err = e.get("err");
        JsonNode memo = e.get("memo");
        if (memo != null && !memo.isNull() && !memo.isTextual()) {
            throw malformed(signature, path + ".memo", "must be a string or null, was " + memo.getNodeType());
        }
        String rawMemo = memo == null || memo.isNull() ? null : memo.textValue();
        JsonNode status = e.get("confirmationStatus");
        if (status != null && !status.isNull() && !status.isTextual()) {
            throw malformed(signature, path + ".confirmationStatus", "must be a string or null, was " + status);
        }
        return new Signature(signature, slot.longValue(), blockTime, err == null || err.isNull() ? null : err.toString(),
                plainMemo(rawMemo), rawMemo, status == null || status.isNull() ? null : status.textValue());
    }

    /**
     * Strips the node's {@code "[len] "} prefixes: {@code "[50] 🥳Visit..."} becomes {@code "🥳Visit..."}. Each memo
     * is taken by its byte length; when the lengths do not add up (e.g. {@code "(unparseable)"} memos), only the
     * prefix at the start of each {@code "; "}-separated part is removed. Null stays null; text without a prefix is
     * returned unchanged.
     */
    public static String plainMemo(String raw) {
        if (raw == null) {
            return null;
        }
        List<String> memos = byLength(raw);
        if (memos != null) {
            return String.join(SEPARATOR, memos);
        }
        Matcher m = PREFIX.matcher(raw);
        if (!m.lookingAt()) {
            return raw;
        }
        // fallback: remove "[n] " at the start and after each "; "
        return raw.substring(m.end()).replaceAll(Pattern.quote(SEPARATOR) + PREFIX.pattern(), SEPARATOR);
    }

    /** Splits by declared byte lengths; null when the text does not follow the format exactly. */
    private static List<String> byLength(String raw) {
        byte[] bytes = raw.getBytes(StandardCharsets.UTF_8);
        List<String> out = new ArrayList<>();
        int pos = 0;
        while (true) {
            String rest = new String(bytes, pos, bytes.length - pos, StandardCharsets.UTF_8);
            Matcher m = PREFIX.matcher(rest);
            if (!m.lookingAt()) {
                return null;
            }
            int start = pos + m.group().getBytes(StandardCharsets.UTF_8).length;
            int len = Integer.parseInt(m.group(1));
            if (start + len > bytes.length) {
                return null;
            }
            String memo = new String(bytes, start, len, StandardCharsets.UTF_8);
            byte[] again = memo.getBytes(StandardCharsets.UTF_8);
            if (!Arrays.equals(again, 0, again.length, bytes, start, start + len)) {
                return null; // the length cut a character in two
            }
            out.add(memo);
            pos = start + len;
            if (pos == bytes.length) {
                return out;
            }
            byte[] sep = SEPARATOR.getBytes(StandardCharsets.UTF_8);
            if (bytes.length - pos < sep.length
                    || !Arrays.equals(bytes, pos, pos + sep.length, sep, 0, sep.length)) {
                return null;
            }
            pos += sep.length;
        }
    }

    private MalformedPayloadException malformed(String signature, String path, String problem) {
        return new MalformedPayloadException(endpoint, signature, path, problem);
    }
}
