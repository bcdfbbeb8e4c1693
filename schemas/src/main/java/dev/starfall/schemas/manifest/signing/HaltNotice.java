package dev.starfall.schemas.manifest.signing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starfall.schemas.manifest.Manifest;

/**
 * A signed statement that an event is halted or resumed, made with the manifest's key. The
 * signature covers the canonical JSON of the notice's four fields (sorted keys, no whitespace):
 *
 * <pre>{"eventId":"levana-dragons-2021","issuedAt":"2021-11-08T07:12:00Z","message":"...","state":"HALTED"}</pre>
 *
 * The JSON form is an envelope like the manifest's:
 * <pre>{ "noticeVersion": 1, "notice": { eventId, state, message, issuedAt }, "signatures": [ {keyId, algorithm, value} ] }</pre>
 *
 * @param eventId    the manifest's event id
 * @param state      halted or resumed
 * @param message    what clients are told
 * @param issuedAt   when it was signed; a watcher never replaces a notice by an older one
 * @param signatures signatures over {@link #canonicalJson()}
 */
public record HaltNotice(String eventId, State state, String message, Instant issuedAt, List<Manifest.Signature> signatures) {

    public enum State { HALTED, RESUMED }

    public static final int VERSION = 1;
    private static final int MAX_MESSAGE_CHARS = 2000;
    private static final ObjectMapper JSON = JsonMapper.builder().build();

    public HaltNotice {
        Objects.requireNonNull(eventId, "eventId");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(issuedAt, "issuedAt");
        if (eventId.isBlank()) {
            throw new IllegalArgumentException("eventId must not be blank");
        }
        if (message.length() > MAX_MESSAGE_CHARS) {
            throw new IllegalArgumentException("message has " + message.length() + " characters; at most " + MAX_MESSAGE_CHARS);
        }
        signatures = List.copyOf(signatures);
    }

    /** An unsigned notice. */
    public static HaltNotice of(String eventId, State state, String message, Instant issuedAt) {
        return new HaltNotice(eventId, state, message, issuedAt, List.of());
    }

    /** This notice with a signature by {@code key}, replacing an earlier one by the same key. */
    public HaltNotice signedWith(PrivateKey key) {
        Manifest.Signature sig = Ed25519.sign(canonicalJson(), key);
        List<Manifest.Signature> all = new ArrayList<>();
        signatures.stream().filter(s -> !s.keyId().equals(sig.keyId())).forEach(all::add);
        all.add(sig);
        return new HaltNotice(eventId, state, message, issuedAt, all);
    }

    public SignatureCheck verify(PublicKey key) {
        return Ed25519.check(canonicalJson(), signatures, key, "halt notice for " + eventId + " issued " + issuedAt,
                "the notice changed after signing: state, message, issuedAt or eventId differs from what key "
                        + ManifestKeys.fingerprint(key) + " signed", digest());
    }

    public boolean halted() {
        return state == State.HALTED;
    }

    /** The bytes a signature covers. */
    public String canonicalJson() {
        Map<String, String> fields = new TreeMap<>();
        fields.put("eventId", eventId);
        fields.put("issuedAt", issuedAt.toString());
        fields.put("message", message);
        fields.put("state", state.name());
        try {
            return JSON.writeValueAsString(fields);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise a halt notice: " + e.getOriginalMessage(), e);
        }
    }

    /** Hex SHA-256 of {@link #canonicalJson()}. */
    public String digest() {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(canonicalJson().getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from this JVM", e);
        }
    }

    /** The envelope as pretty JSON. */
    public String toJson() {
        ObjectNode root = JSON.createObjectNode();
        root.put("noticeVersion", VERSION);
        ObjectNode n = root.putObject("notice");
        n.put("eventId", eventId);
        n.put("state", state.name());
        n.put("message", message);
        n.put("issuedAt", issuedAt.toString());
        ArrayNode sigs = root.putArray("signatures");
        for (Manifest.Signature s : signatures) {
            sigs.addObject().put("keyId", s.keyId()).put("algorithm", s.algorithm()).put("value", s.value());
        }
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise a halt notice: " + e.getOriginalMessage(), e);
        }
    }

    public byte[] toBytes() {
        return toJson().getBytes(StandardCharsets.UTF_8);
    }

    public void writeTo(Path file) throws IOException {
        Files.writeString(file, toJson() + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE);
    }

    public static HaltNotice read(Path file) {
        try {
            return parse(Files.readString(file, StandardCharsets.UTF_8), file.toString());
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": cannot read: " + e.getMessage(), e);
        }
    }

    public static HaltNotice parse(byte[] json, String origin) {
        return parse(new String(json, StandardCharsets.UTF_8), origin);
    }

    /** Parses the envelope; an {@link IllegalArgumentException} names the origin and the field. */
    public static HaltNotice parse(String json, String origin) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(origin + ": not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException(origin + ": must be a JSON object");
        }
        only(root, Set.of("noticeVersion", "notice", "signatures"), origin, "");
        if (root.path("noticeVersion").asInt(-1) != VERSION) {
            throw new IllegalArgumentException(origin + ": noticeVersion must be " + VERSION);
        }
        JsonNode n = root.path("notice");
        if (!n.isObject()) {
            throw new IllegalArgumentException(origin + ": notice: required, must be an object");
        }
        only(n, Set.of("eventId", "state", "message", "issuedAt"), origin, "notice.");
        State state;
        try {
            state = State.valueOf(text(n, "state", origin));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(origin + ": notice.state must be HALTED or RESUMED", e);
        }
        Instant issuedAt;
        try {
            issuedAt = Instant.parse(text(n, "issuedAt", origin));
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(origin + ": notice.issuedAt is not an ISO-8601 instant", e);
        }
        JsonNode messageNode = n.get("message");
        if (messageNode == null || !messageNode.isTextual()) {
            throw new IllegalArgumentException(origin + ": notice.message: required, must be a string");
        }
        List<Manifest.Signature> sigs = new ArrayList<>();
        JsonNode arr = root.get("signatures");
        if (arr != null && !arr.isNull()) {
            if (!arr.isArray()) {
                throw new IllegalArgumentException(origin + ": signatures must be an array");
            }
            for (JsonNode s : arr) {
                sigs.add(new Manifest.Signature(text(s, "keyId", origin), text(s, "algorithm", origin), text(s, "value", origin)));
            }
        }
        return new HaltNotice(text(n, "eventId", origin), state, messageNode.asText(), issuedAt, sigs);
    }

    private static String text(JsonNode parent, String field, String origin) {
        JsonNode v = parent.get(field);
        if (v == null || !v.isTextual() || v.asText().isBlank()) {
            throw new IllegalArgumentException(origin + ": " + field + ": required, must be a non-empty string");
        }
        return v.asText();
    }

    private static void only(JsonNode node, Set<String> allowed, String origin, String prefix) {
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!allowed.contains(f)) {
                throw new IllegalArgumentException(origin + ": " + prefix + f + ": unknown field");
            }
        }
    }
}
