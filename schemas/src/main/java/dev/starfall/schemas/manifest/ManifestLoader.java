package dev.starfall.schemas.manifest;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.starfall.schemas.avro.EventManifest;
import dev.starfall.schemas.avro.TierRule;

/**
 * Loads and validates a manifest file (format version 1). Every error names the file and the
 * field. The file is an envelope that leaves room for signatures without reshaping:
 *
 * <pre>{ "manifestVersion": 1, "event": { ... }, "signatures": [ {"keyId", "algorithm", "value"} ] }</pre>
 */
public final class ManifestLoader {

    /** The default event shipped with the project: the Levana Dragons meteor shower (Terra, Nov 2021). */
    public static final String DEFAULT_RESOURCE = "manifests/levana-dragons-2021.json";

    public static final Set<String> CHAINS = Set.of("terra-classic", "cosmos", "solana", "simulated");

    private static final int MAX_SHOWERS = 10_000;
    private static final BigInteger UINT256_LIMIT = BigInteger.ONE.shiftLeft(256);
    private static final Pattern EVENT_ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");
    private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");
    private static final ObjectMapper JSON = JsonMapper.builder().build();
    private static final ObjectMapper CANONICAL = JsonMapper.builder()
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS).build();

    private ManifestLoader() {
    }

    public static Manifest loadDefault() {
        try (InputStream in = ManifestLoader.class.getClassLoader().getResourceAsStream(DEFAULT_RESOURCE)) {
            if (in == null) {
                throw new ManifestException("classpath:" + DEFAULT_RESOURCE, "(file)", "resource not found");
            }
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), "classpath:" + DEFAULT_RESOURCE);
        } catch (IOException e) {
            throw new ManifestException("classpath:" + DEFAULT_RESOURCE, "(file)", "cannot read: " + e.getMessage());
        }
    }

    public static Manifest load(Path file) {
        try {
            return parse(Files.readString(file, StandardCharsets.UTF_8), file.toString());
        } catch (IOException e) {
            throw new ManifestException(file.toString(), "(file)", "cannot read: " + e.getMessage());
        }
    }

    public static Manifest parse(String json, String origin) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new ManifestException(origin, "(file)", "not valid JSON: " + e.getOriginalMessage()
                    + (e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr()));
        }
        return new Reader(origin).read(root);
    }

    /** Holds the origin so every check can name the file and the field. */
    private static final class Reader {
        private final String origin;

        Reader(String origin) {
            this.origin = origin;
        }

        Manifest read(JsonNode root) {
            if (root == null || !root.isObject()) {
                throw fail("(root)", "must be a JSON object");
            }
            onlyFields(root, "", Set.of("manifestVersion", "event", "signatures"));
            int version = integer(root, "manifestVersion", "manifestVersion");
            if (version != 1) {
                throw fail("manifestVersion", "unsupported version " + version + " (this build reads version 1)");
            }
            JsonNode e = object(root, "event", "event");
            onlyFields(e, "event.", Set.of("id", "name", "chain", "chainId", "destinationWallet", "denom", "decimals",
                    "opensAt", "showers", "minimumContribution", "gracePeriod", "tiers", "eggSeedCommitment"));

            String id = text(e, "id", "event.id");
            if (!EVENT_ID.matcher(id).matches()) {
                throw fail("event.id", "'" + id + "' must be lower-case letters, digits and '-', at most 63 characters");
            }
            String chain = text(e, "chain", "event.chain");
            if (!CHAINS.contains(chain)) {
                throw fail("event.chain", "'" + chain + "' is not one of " + new java.util.TreeSet<>(CHAINS));
            }
            int decimals = integer(e, "decimals", "event.decimals");
            if (decimals < 0 || decimals > 36) {
                throw fail("event.decimals", decimals + " is outside 0..36");
            }
            Instant opensAt = instant(e, "opensAt", "event.opensAt");
            List<Instant> closes = closeTimes(object(e, "showers", "event.showers"), opensAt);
            BigInteger minimum = minorUnits(e, "minimumContribution", "event.minimumContribution");
            Duration grace = duration(e, "gracePeriod", "event.gracePeriod");
            List<TierRule> tiers = tiers(e);
            String commitment = null;
            JsonNode c = e.get("eggSeedCommitment");
            if (c != null && !c.isNull()) {
                commitment = c.asText();
                if (!c.isTextual() || !SHA256_HEX.matcher(commitment).matches()) {
                    throw fail("event.eggSeedCommitment", "must be 64 lower-case hex characters (SHA-256) or null");
                }
            }
            EventManifest event = EventManifest.newBuilder()
                    .setManifestVersion(version)
                    .setId(id)
                    .setName(text(e, "name", "event.name"))
                    .setChain(chain)
                    .setChainId(text(e, "chainId", "event.chainId"))
                    .setDestinationWallet(text(e, "destinationWallet", "event.destinationWallet"))
                    .setDenom(text(e, "denom", "event.denom"))
                    .setDecimals(decimals)
                    .setOpensAt(opensAt)
                    .setCloseTimes(closes)
                    .setMinimumContribution(new BigDecimal(minimum))
                    .setGracePeriodMillis(grace.toMillis())
                    .setTiers(tiers)
                    .setEggSeedCommitment(commitment)
                    .build();
            String canonical = canonical(e);
            return new Manifest(event, signatures(root), origin, canonical, sha256(canonical));
        }

        private List<Instant> closeTimes(JsonNode s, Instant opensAt) {
            List<Instant> closes = new ArrayList<>();
            if (s.has("closeTimes")) {
                onlyFields(s, "event.showers.", Set.of("closeTimes"));
                JsonNode arr = s.get("closeTimes");
                if (!arr.isArray() || arr.isEmpty()) {
                    throw fail("event.showers.closeTimes", "must be a non-empty array of ISO-8601 instants");
                }
                for (int i = 0; i < arr.size(); i++) {
                    closes.add(parseInstant(arr.get(i), "event.showers.closeTimes[" + i + "]"));
                }
            } else {
                onlyFields(s, "event.showers.", Set.of("firstCloseAt", "count", "spacing"));
                Instant first = instant(s, "firstCloseAt", "event.showers.firstCloseAt");
                int count = integer(s, "count", "event.showers.count");
                if (count < 1 || count > MAX_SHOWERS) {
                    throw fail("event.showers.count", count + " is outside 1.." + MAX_SHOWERS);
                }
                Duration spacing = duration(s, "spacing", "event.showers.spacing");
                if (spacing.isZero() || spacing.isNegative()) {
                    throw fail("event.showers.spacing", "must be positive");
                }
                for (int i = 0; i < count; i++) {
                    closes.add(first.plus(spacing.multipliedBy(i)));
                }
            }
            Instant previous = opensAt;
            for (int i = 0; i < closes.size(); i++) {
                if (!closes.get(i).isAfter(previous)) {
                    throw fail(s.has("closeTimes") ? "event.showers.closeTimes[" + i + "]" : "event.showers.firstCloseAt",
                            "close " + closes.get(i) + " must be after " + (i == 0 ? "event.opensAt " : "the previous close ") + previous);
                }
                previous = closes.get(i);
            }
            return closes;
        }

        private List<TierRule> tiers(JsonNode e) {
            JsonNode arr = e.get("tiers");
            if (arr == null || !arr.isArray() || arr.isEmpty()) {
                throw fail("event.tiers", "must be a non-empty array, best tier first");
            }
            List<TierRule> tiers = new ArrayList<>();
            Set<String> names = new HashSet<>();
            int previousPpm = 0;
            for (int i = 0; i < arr.size(); i++) {
                String path = "event.tiers[" + i + "]";
                JsonNode t = arr.get(i);
                if (!t.isObject()) {
                    throw fail(path, "must be an object");
                }
                onlyFields(t, path + ".", Set.of("name", "cumulativePercent", "eggsPerShower"));
                String name = text(t, "name", path + ".name");
                if (!names.add(name)) {
                    throw fail(path + ".name", "duplicate tier name '" + name + "'");
                }
                int ppm = percentToPpm(t, path + ".cumulativePercent");
                if (ppm <= previousPpm) {
                    throw fail(path + ".cumulativePercent", "must be greater than the previous tier's (cumulative, best tier first)");
                }
                previousPpm = ppm;
                int eggs = integer(t, "eggsPerShower", path + ".eggsPerShower");
                if (eggs < 0) {
                    throw fail(path + ".eggsPerShower", "must not be negative");
                }
                tiers.add(new TierRule(name, ppm, eggs));
            }
            if (previousPpm != 1_000_000) {
                throw fail("event.tiers[" + (arr.size() - 1) + "].cumulativePercent", "the last tier must be cumulative 100");
            }
            return tiers;
        }

        private int percentToPpm(JsonNode t, String path) {
            JsonNode v = t.get("cumulativePercent");
            if (v == null || !(v.isTextual() || v.isNumber())) {
                throw fail(path, "required, a decimal string such as \"32.2\"");
            }
            BigDecimal percent;
            try {
                percent = new BigDecimal(v.asText());
            } catch (NumberFormatException ex) {
                throw fail(path, "'" + v.asText() + "' is not a decimal number");
            }
            if (percent.signum() <= 0 || percent.compareTo(BigDecimal.valueOf(100)) > 0) {
                throw fail(path, percent + " is outside (0, 100]");
            }
            if (percent.stripTrailingZeros().scale() > 4) {
                throw fail(path, percent + " has more than 4 decimal places");
            }
            return percent.movePointRight(4).intValueExact();
        }

        private List<Manifest.Signature> signatures(JsonNode root) {
            JsonNode arr = root.get("signatures");
            List<Manifest.Signature> out = new ArrayList<>();
            if (arr == null || arr.isNull()) {
                return out;
            }
            if (!arr.isArray()) {
                throw fail("signatures", "must be an array");
            }
            for (int i = 0; i < arr.size(); i++) {
                String path = "signatures[" + i + "]";
                JsonNode s = arr.get(i);
                onlyFields(s, path + ".", Set.of("keyId", "algorithm", "value"));
                out.add(new Manifest.Signature(text(s, "keyId", path + ".keyId"), text(s, "algorithm", path + ".algorithm"),
                        text(s, "value", path + ".value")));
            }
            return out;
        }

        private void onlyFields(JsonNode node, String prefix, Set<String> allowed) {
            for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
                String f = it.next();
                if (!allowed.contains(f)) {
                    throw fail(prefix + f, "unknown field (allowed: " + new java.util.TreeSet<>(allowed) + ")");
                }
            }
        }

        private JsonNode object(JsonNode parent, String name, String path) {
            JsonNode v = parent.get(name);
            if (v == null || !v.isObject()) {
                throw fail(path, "required, must be an object");
            }
            return v;
        }

        private String text(JsonNode parent, String name, String path) {
            JsonNode v = parent.get(name);
            if (v == null || !v.isTextual() || v.asText().isBlank()) {
                throw fail(path, "required, must be a non-empty string");
            }
            return v.asText();
        }

        private int integer(JsonNode parent, String name, String path) {
            JsonNode v = parent.get(name);
            if (v == null || !v.isIntegralNumber() || !v.canConvertToInt()) {
                throw fail(path, "required, must be an integer");
            }
            return v.intValue();
        }

        private Instant instant(JsonNode parent, String name, String path) {
            return parseInstant(parent.get(name), path);
        }

        private Instant parseInstant(JsonNode v, String path) {
            if (v == null || !v.isTextual()) {
                throw fail(path, "required, an ISO-8601 instant such as 2021-11-08T06:00:00Z");
            }
            try {
                return Instant.parse(v.asText());
            } catch (DateTimeParseException ex) {
                throw fail(path, "'" + v.asText() + "' is not an ISO-8601 instant such as 2021-11-08T06:00:00Z");
            }
        }

        private Duration duration(JsonNode parent, String name, String path) {
            JsonNode v = parent.get(name);
            if (v == null || !v.isTextual()) {
                throw fail(path, "required, an ISO-8601 duration such as PT1H");
            }
            try {
                Duration d = Duration.parse(v.asText());
                if (d.isNegative()) {
                    throw fail(path, "must not be negative");
                }
                return d;
            } catch (DateTimeParseException ex) {
                throw fail(path, "'" + v.asText() + "' is not an ISO-8601 duration such as PT1H");
            }
        }

        private BigInteger minorUnits(JsonNode parent, String name, String path) {
            JsonNode v = parent.get(name);
            if (v == null || !v.isTextual()) {
                throw fail(path, "required, a string of integer minor units such as \"8000000\"");
            }
            try {
                BigInteger n = new BigInteger(v.asText());
                if (n.signum() < 0 || n.compareTo(UINT256_LIMIT) >= 0) {
                    throw fail(path, v.asText() + " is outside 0..2^256-1");
                }
                return n;
            } catch (NumberFormatException ex) {
                throw fail(path, "'" + v.asText() + "' is not an integer number of minor units");
            }
        }

        private String canonical(JsonNode event) {
            try {
                Object tree = CANONICAL.treeToValue(event, Object.class);
                return CANONICAL.writeValueAsString(tree);
            } catch (JsonProcessingException ex) {
                throw fail("event", "cannot be serialised canonically: " + ex.getOriginalMessage());
            }
        }

        private ManifestException fail(String field, String problem) {
            return new ManifestException(origin, field, problem);
        }
    }

    static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from this JVM", e);
        }
    }

}
