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
 * of each {@code txs[]} element the subtrees that {@link FcdTxParser} never reads: the transaction's
 * {@code events} (the logs' events repeated, flattened), {@code gas_used}, {@code gas_wanted}, and
 * the StdTx's {@code fee}, {@code signatures} and {@code timeout_height}. They are still tokenized,
 * so a body that is not JSON fails as before, but no nodes or strings are made of them: on the
 * embedded default's backfill, building the page's tree was 80 % of the fetching thread's CPU
 * (ops/bench/REPORT.md, row 28). Everything else, the page's own fields included, is read whole,
 * so the page checks of {@link FcdSource} and the parser see what they saw before.
 */
final class FcdPageReader {

    /** Names to leave out of an object, and a filter for the objects under other names. */
    private record Filter(Set<String> drop, Map<String, Filter> under) {
        static final Filter NONE = new Filter(Set.of(), Map.of());
    }

    private static final Filter STD_TX_VALUE = new Filter(Set.of("fee", "signatures", "timeout_height"), Map.of());
    private static final Filter TX_ITEM = new Filter(Set.of("events", "gas_used", "gas_wanted"),
            Map.of("tx", new Filter(Set.of(), Map.of("value", STD_TX_VALUE))));

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
    JsonNode read(String body) throws IOException {
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
                    page.set(name, readTxs(p));
                } else {
                    page.set(name, json.readTree(p));
                }
            }
            return page;
        }
    }

    private ArrayNode readTxs(JsonParser p) throws IOException {
        ArrayNode txs = json.getNodeFactory().arrayNode();
        while (p.nextToken() != JsonToken.END_ARRAY) {
            txs.add(p.currentToken() == JsonToken.START_OBJECT ? readObject(p, TX_ITEM) : json.readTree(p));
        }
        return txs;
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
