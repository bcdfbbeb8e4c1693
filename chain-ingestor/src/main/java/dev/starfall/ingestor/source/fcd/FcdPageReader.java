package dev.starfall.ingestor.source.fcd;

import java.io.IOException;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Reads a page of FCD's {@code GET /v1/txs} as {@link ObjectMapper#readTree} would, but leaves out
 * of each {@code txs[]} element what {@link FcdTxParser} never reads: the transaction's
 * {@code events} (the logs' events again, flattened), {@code gas_used}, {@code gas_wanted}, the
 * StdTx's {@code fee}, {@code signatures} and {@code timeout_height}; the {@code raw_log} of a
 * transaction that succeeded (the logs once more, as one long escaped string; the parser quotes it
 * only for a failed one, and it is read from the body once the element's {@code code} and
 * {@code logs} have said so); and the {@code events} and {@code log} of each log of a transaction
 * whose messages are all {@code bank/MsgSend}, read when its StdTx comes before its logs, as FCD
 * writes them (the parser looks into the logs' events only for other messages; when a StdTx
 * after the logs says otherwise, they are read whole from the body). What is left out is still
 * tokenized, so a body that is not JSON fails as before, but no nodes or strings are made of it: on
 * the embedded default's backfill, building the page's tree was 80 % of the fetching thread's CPU
 * (ops/bench/REPORT.md, row 28). Everything else, the page's own fields included, is read whole, so
 * the page checks of {@link FcdSource} and the parser see what they saw before.
 */
final class FcdPageReader {

    /** Names to leave out of an object, and a filter for the objects under other names. */
    private record Filter(Set<String> drop, Map<String, Filter> under) {
        static final Filter NONE = new Filter(Set.of(), Map.of());
    }

    private static final Set<String> ITEM_DROP = Set.of("events", "gas_used", "gas_wanted");
    private static final Filter STD_TX = new Filter(Set.of(),
            Map.of("value", new Filter(Set.of("fee", "signatures", "timeout_height"), Map.of())));
    private static final String RAW_LOG = "raw_log";
    private static final String LOGS = "logs";
    /** A log of a transaction of sends only: the parser reads its {@code success}, and {@code msg_index} is kept with it. */
    private static final Filter SEND_LOG = new Filter(Set.of("events", "log"), Map.of());

    private final ObjectMapper json;

    FcdPageReader(ObjectMapper json) {
        this.json = json;
    }

    /**
     * The page as a tree without the unread subtrees of its transactions; null for an empty body,
     * and the whole tree of a body that is not an object (the caller rejects both).
     *
     * @throws IOException (a {@link com.fasterxml.jackson.core.JsonProcessingException}) when the body is not JSON
     */
    JsonNode read(byte[] body) throws IOException {
        try (JsonParser p = json.getFactory().createParser(body)) {
            JsonToken first = p.nextToken();
            if (first == null) {
                return null;
            }
            if (first != JsonToken.START_OBJECT) {
                return json.readTree(p);
            }
            ObjectNode page = json.getNodeFactory().objectNode();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                if ("txs".equals(name) && value == JsonToken.START_ARRAY) {
                    page.set(name, readArray(p, q -> readItem(q, body)));
                } else {
                    page.set(name, json.readTree(p));
                }
            }
            return page;
        }
    }

    /** One {@code txs[]} element, whose START_OBJECT is the current token. */
    private ObjectNode readItem(JsonParser p, byte[] body) throws IOException {
        ObjectNode item = json.getNodeFactory().objectNode();
        long rawLogAt = -1;
        long logsAt = -1;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken value = p.nextToken();
            if (ITEM_DROP.contains(name)) {
                // a later duplicate of a dropped name must not leave an earlier value behind either
                item.remove(name);
                p.skipChildren();
                continue;
            }
            if (RAW_LOG.equals(name)) {
                item.remove(name);
                rawLogAt = -1;
                if (value == JsonToken.VALUE_STRING) {
                    // where the string starts; left unread, the parser skips it without decoding
                    rawLogAt = p.currentTokenLocation().getByteOffset();
                    continue;
                }
            }
            if (LOGS.equals(name)) {
                logsAt = -1;
                if (value == JsonToken.START_ARRAY && sendsOnly(item)) {
                    logsAt = p.currentTokenLocation().getByteOffset();
                    item.set(name, readArray(p, q -> readObject(q, SEND_LOG)));
                    continue;
                }
            }
            item.set(name, value == JsonToken.START_OBJECT && "tx".equals(name) ? readObject(p, STD_TX) : json.readTree(p));
        }
        if (logsAt >= 0 && !sendsOnly(item)) {
            // a "tx" after the logs changed what they are needed for: read them whole after all
            item.set(LOGS, readAt(body, logsAt));
        }
        if (rawLogAt >= 0 && !succeeded(item)) {
            item.set(RAW_LOG, readAt(body, rawLogAt));
        }
        return item;
    }

    /**
     * Whether the element's StdTx, as read so far, has only {@code bank/MsgSend} messages: the
     * parser then reads of the logs only whether they say {@code "success": false}.
     */
    private static boolean sendsOnly(ObjectNode item) {
        JsonNode msgs = item.path("tx").path("value").path("msg");
        if (!msgs.isArray() || msgs.isEmpty()) {
            return false;
        }
        for (JsonNode msg : msgs) {
            JsonNode type = msg.get("type");
            if (type == null || !type.isTextual() || !FcdTxParser.MSG_SEND.equals(type.textValue())) {
                return false;
            }
        }
        return true;
    }

    /** Reads the object whose START_OBJECT is the current token. */
    @FunctionalInterface
    private interface ObjectReader {
        ObjectNode read(JsonParser p) throws IOException;
    }

    /** The array whose START_ARRAY is the current token: its objects by {@code objects}, anything else whole. */
    private ArrayNode readArray(JsonParser p, ObjectReader objects) throws IOException {
        ArrayNode array = json.getNodeFactory().arrayNode();
        while (p.nextToken() != JsonToken.END_ARRAY) {
            array.add(p.currentToken() == JsonToken.START_OBJECT ? objects.read(p) : json.readTree(p));
        }
        return array;
    }

    /** Whether the element says its transaction succeeded, as {@link FcdTxParser} decides it; false when its code is not an integer. */
    private static boolean succeeded(ObjectNode item) {
        Long code = FcdTxParser.codeOf(item);
        return code != null && code == 0 && !FcdTxParser.anyLogFailed(item.get("logs"));
    }

    /** The JSON value that starts at byte {@code offset} of {@code body}, whole. */
    private JsonNode readAt(byte[] body, long offset) throws IOException {
        if (offset < 0 || offset >= body.length) {
            throw new IOException("the body is shorter than the offset " + offset + " its parser gave");
        }
        try (JsonParser p = json.getFactory().createParser(body, (int) offset, body.length - (int) offset)) {
            if (p.nextToken() == null) {
                throw new IOException("no value at offset " + offset + " of the body, where its parser found one");
            }
            return json.readTree(p);
        }
    }

    /** The object whose START_OBJECT is the current token, filtered. */
    private ObjectNode readObject(JsonParser p, Filter filter) throws IOException {
        ObjectNode node = json.getNodeFactory().objectNode();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken value = p.nextToken();
            if (filter.drop().contains(name)) {
                // a later duplicate of a dropped name must not leave an earlier value behind either
                node.remove(name);
                p.skipChildren();
                continue;
            }
            Filter under = filter.under().getOrDefault(name, Filter.NONE);
            if (value == JsonToken.START_OBJECT && under != Filter.NONE) {
                node.set(name, readObject(p, under));
            } else {
                node.set(name, json.readTree(p));
            }
        }
        return node;
    }
}
