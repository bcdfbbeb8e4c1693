package dev.starfall.ingestor.source.fcd;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starfall.ingestor.Fixtures;
import dev.starfall.ingestor.sim.ChainSimulator;
import dev.starfall.ingestor.sim.SimulatorServer;
import dev.starfall.ingestor.source.MalformedPayloadException;
import dev.starfall.ingestor.source.WatchTarget;
import dev.starfall.schemas.manifest.Manifest;
import dev.starfall.schemas.manifest.ManifestLoader;
import org.junit.jupiter.api.Test;

import static dev.starfall.ingestor.source.fcd.FcdTxParserTest.CLOCK;
import static dev.starfall.ingestor.source.fcd.FcdTxParserTest.DELEGATE;
import static dev.starfall.ingestor.source.fcd.FcdTxParserTest.FAILED;
import static dev.starfall.ingestor.source.fcd.FcdTxParserTest.MULTI_DENOM;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

class FcdPageReaderTest {

    private static final FcdPageReader READER = new FcdPageReader(Fixtures.JSON);
    private static final Pattern ADDRESS = Pattern.compile("terra1[0-9a-z]{38}");

    /** The page as the reader reads a body: UTF-8 bytes, as it comes. */
    private static JsonNode read(String body) throws IOException {
        return READER.read(body.getBytes(StandardCharsets.UTF_8));
    }

    /** The whole tree of a page without what the reader leaves out: what it must give. */
    private static JsonNode expected(String body) throws IOException {
        JsonNode page = Fixtures.JSON.readTree(body);
        for (JsonNode item : page.get("txs")) {
            ObjectNode tx = (ObjectNode) item;
            tx.remove(List.of("events", "gas_used", "gas_wanted"));
            boolean failed = tx.hasNonNull("code") && !"0".equals(tx.get("code").asText())
                    || tx.path("logs").findValues("success").stream().anyMatch(v -> v.isBoolean() && !v.booleanValue());
            if (!failed) {
                tx.remove("raw_log");
            }
            JsonNode msgs = tx.path("tx").path("value").path("msg");
            boolean sendsOnly = msgs.size() > 0 && msgs.findValues("type").size() == msgs.size()
                    && msgs.findValues("type").stream().allMatch(t -> t.asText().equals("bank/MsgSend"));
            if (sendsOnly) {
                tx.path("logs").forEach(log -> ((ObjectNode) log).remove(List.of("events", "log")));
            }
            if (tx.path("tx").path("value").isObject()) {
                ((ObjectNode) tx.get("tx").get("value")).remove(List.of("fee", "signatures", "timeout_height"));
            }
        }
        return page;
    }

    @Test
    void shouldReadEachRecordedTransactionAsTheWholeTreeWithoutTheUnreadParts() throws IOException {
        for (String fixture : List.of(MULTI_DENOM, FAILED, DELEGATE)) {
            String body = "{\"limit\":100,\"txs\":[" + Fixtures.read(fixture) + "],\"next\":null}";
            JsonNode full = Fixtures.JSON.readTree(body);
            JsonNode page = read(body);

            assertThat(page).as(fixture).isEqualTo(expected(body));
            assertThat(full.get("txs").get(0).has("events")).as(fixture + " has events to leave out").isTrue();
            assertThat(page.get("txs").get(0).has("events")).isFalse();
            assertThat(page.get("next").isNull()).isTrue();
            // the parser reads the same events from either tree, for every wallet the transaction names and every denom
            Set<String> wallets = new TreeSet<>();
            Matcher m = ADDRESS.matcher(body);
            while (m.find()) {
                wallets.add(m.group());
            }
            assertThat(wallets).isNotEmpty();
            for (String wallet : wallets) {
                for (String denom : List.of("uluna", "ukrw", "uusd", "umnt")) {
                    FcdTxParser parser = new FcdTxParser(new WatchTarget("terra-classic", "columbus-3", wallet, denom), "fixture", CLOCK);
                    assertSameOutcome(parser, full.get("txs").get(0), page.get("txs").get(0), fixture + " for " + wallet + " " + denom);
                }
            }
        }
    }

    @Test
    void shouldReadEverySimulatedPageAsTheWholeTreeWithoutTheUnreadParts() throws Exception {
        Manifest manifest = ManifestLoader.loadDefault();
        ChainSimulator simulator = new ChainSimulator(manifest, ChainSimulator.Config.defaults(42));
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        FcdTxParser parser = new FcdTxParser(WatchTarget.of(manifest), "sim", CLOCK);
        int transactions = 0;
        long observed = 0;
        try (SimulatorServer server = SimulatorServer.start(simulator, 0)) {
            Long offset = null;
            do {
                byte[] bytes = http.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/v1/txs?account=" + simulator.wallet()
                        + "&limit=100" + (offset == null ? "" : "&offset=" + offset))).build(), HttpResponse.BodyHandlers.ofByteArray()).body();
                String body = new String(bytes, StandardCharsets.UTF_8);
                JsonNode full = Fixtures.JSON.readTree(body);
                JsonNode page = READER.read(bytes);

                assertThat(page).isEqualTo(expected(body));
                for (int i = 0; i < full.get("txs").size(); i++) {
                    assertSameOutcome(parser, full.get("txs").get(i), page.get("txs").get(i), "simulated transaction " + full.get("txs").get(i).get("id"));
                    observed += parser.parse(page.get("txs").get(i)).observed().size();
                }
                transactions += page.get("txs").size();
                offset = page.hasNonNull("next") ? page.get("next").longValue() : null;
            } while (offset != null);
        }
        assertThat(transactions).isEqualTo(simulator.transactions().size());
        assertThat(observed).isEqualTo(simulator.expected(transactions).observed());
    }

    @Test
    void shouldKeepWhatIsNotAnObjectOrNotATransactionAsItIs() throws IOException {
        assertThat(read("")).isNull();
        assertThat(read("  ")).isNull();
        assertThat(read("[1,2]")).isEqualTo(Fixtures.JSON.readTree("[1,2]"));
        assertThat(read("\"txs\"")).isEqualTo(Fixtures.JSON.readTree("\"txs\""));
        String odd = "{\"txs\":[null,5,\"x\",[{\"events\":1}],{\"id\":1,\"tx\":[1]}],\"extra\":{\"events\":[1]},\"next\":7}";
        assertThat(read(odd)).isEqualTo(Fixtures.JSON.readTree(odd));
        String notAnArray = "{\"txs\":{\"events\":1}}";
        assertThat(read(notAnArray)).isEqualTo(Fixtures.JSON.readTree(notAnArray));
    }

    @Test
    void shouldLeaveOutEveryCopyOfARepeatedNameAndKeepTheLastOfOthers() throws IOException {
        JsonNode page = read("{\"txs\":[{\"events\":1,\"id\":1,\"id\":2,\"events\":[2],\"tx\":{\"value\":{\"fee\":1,\"memo\":\"m\"}}}],\"next\":1,\"next\":2}");

        assertThat(page).isEqualTo(Fixtures.JSON.readTree("{\"txs\":[{\"id\":2,\"tx\":{\"value\":{\"memo\":\"m\"}}}],\"next\":2}"));
    }

    @Test
    void shouldKeepTheRawLogOfAFailedTransactionWhereverItsCodeComes() throws IOException {
        String rawLog = "out of gas in location: \\\"WritePerByte\\\"; gasWanted: 1, gasUsed: 2 \\u00e9\\n";
        String[] bodies = {
            "{\"txs\":[{\"raw_log\":\"" + rawLog + "\",\"code\":11}]}",
            "{\"txs\":[{\"code\":\"11\",\"raw_log\":\"" + rawLog + "\"}]}",
            "{\"txs\":[{\"raw_log\":\"" + rawLog + "\",\"logs\":[{\"success\":false}]}]}",
            "{\"txs\":[{\"raw_log\":\"" + rawLog + "\",\"code\":\"eleven\"}]}",
            "{\"txs\":[{\"raw_log\":\"first\",\"raw_log\":\"" + rawLog + "\",\"code\":11}]}",
        };
        for (String body : bodies) {
            JsonNode item = read(body).get("txs").get(0);
            assertThat(item.get("raw_log").textValue()).as(body).isEqualTo(Fixtures.JSON.readTree(body).get("txs").get(0).get("raw_log").textValue())
                    .contains("\"WritePerByte\"").endsWith("\u00e9\n");
        }
        // the last of repeated raw logs counts, a string or not; a succeeded transaction's is left out
        assertThat(read("{\"txs\":[{\"raw_log\":\"a\",\"raw_log\":[1],\"code\":1}]}").get("txs").get(0).get("raw_log"))
                .isEqualTo(Fixtures.JSON.readTree("[1]"));
        assertThat(read("{\"txs\":[{\"raw_log\":[1],\"raw_log\":\"b\",\"code\":1}]}").get("txs").get(0).get("raw_log").textValue())
                .isEqualTo("b");
        assertThat(read("{\"txs\":[{\"raw_log\":[1],\"raw_log\":\"b\",\"code\":0}]}").get("txs").get(0).has("raw_log")).isFalse();
        assertThat(read("{\"txs\":[{\"raw_log\":\"b\",\"logs\":[{\"success\":true}]}]}").get("txs").get(0).has("raw_log")).isFalse();
    }

    @Test
    void shouldReadTheLogsWholeUnlessEveryMessageIsASendReadBeforeThem() throws IOException {
        String send = "{\"type\":\"bank/MsgSend\",\"value\":{}}";
        String delegate = "{\"type\":\"staking/MsgDelegate\",\"value\":{}}";
        String logs = "\"logs\":[{\"msg_index\":0,\"success\":true,\"log\":\"\",\"events\":[{\"type\":\"transfer\"}]}]";
        JsonNode whole = Fixtures.JSON.readTree("{" + logs + "}").get("logs");
        JsonNode successOnly = Fixtures.JSON.readTree("[{\"msg_index\":0,\"success\":true}]");

        assertThat(logsRead("{\"tx\":{\"value\":{\"msg\":[" + send + "," + send + "]}}," + logs + "}")).isEqualTo(successOnly);
        assertThat(logsRead("{\"tx\":{\"value\":{\"msg\":[" + send + "," + delegate + "]}}," + logs + "}")).isEqualTo(whole);
        assertThat(logsRead("{\"tx\":{\"value\":{\"msg\":[]}}," + logs + "}")).isEqualTo(whole);
        assertThat(logsRead("{" + logs + ",\"tx\":{\"value\":{\"msg\":[" + send + "]}}}")).isEqualTo(whole);
        // a second StdTx after the logs decides: read whole from the body after all
        assertThat(logsRead("{\"tx\":{\"value\":{\"msg\":[" + send + "]}}," + logs + ",\"tx\":{\"value\":{\"msg\":[" + delegate + "]}}}"))
                .isEqualTo(whole);
        assertThat(logsRead("{\"tx\":{\"value\":{\"msg\":[" + delegate + "]}}," + logs + ",\"tx\":{\"value\":{\"msg\":[" + send + "]}}}"))
                .isEqualTo(whole);
    }

    @Test
    void shouldReadAgainWhatItLeftByItsBytesAfterCharactersOfSeveralBytes() throws IOException {
        // what is read again from the body (a failed transaction's raw log, logs a later StdTx asks for) is found by byte
        // offset: characters of two, three and four bytes before it must not shift it
        String memo = "\"memo\":\"m\u00e9t\u00e9ore \u2604 \ud83c\udf20\",";
        String failed = "{\"txs\":[{" + memo + "\"raw_log\":\"out of gas \u00e9\u2604\",\"code\":11},{" + memo
                + "\"raw_log\":\"second \ud83c\udf20\",\"code\":12}]}";
        JsonNode page = read(failed);
        assertThat(page.get("txs").get(0).get("raw_log").textValue()).isEqualTo("out of gas \u00e9\u2604");
        assertThat(page.get("txs").get(1).get("raw_log").textValue()).isEqualTo("second \ud83c\udf20");
        assertThat(page.get("txs").get(1).get("memo").textValue()).isEqualTo("m\u00e9t\u00e9ore \u2604 \ud83c\udf20");

        String send = "{\"type\":\"bank/MsgSend\",\"value\":{\"memo\":\"\u2604\"}}";
        String delegate = "{\"type\":\"staking/MsgDelegate\",\"value\":{}}";
        String logs = "\"logs\":[{\"msg_index\":0,\"success\":true,\"log\":\"\u00e9\",\"events\":[{\"type\":\"transfer \ud83c\udf20\"}]}]";
        assertThat(logsRead("{" + memo + "\"tx\":{\"value\":{\"msg\":[" + send + "]}}," + logs + ",\"tx\":{\"value\":{\"msg\":["
                + delegate + "]}}}")).isEqualTo(Fixtures.JSON.readTree("{" + logs + "}").get("logs"));
    }

    private static JsonNode logsRead(String item) throws IOException {
        return read("{\"txs\":[" + item + "]}").get("txs").get(0).get("logs");
    }

    @Test
    void shouldFailOnABodyThatIsNotJsonEvenInsideAPartItLeavesOut() {
        for (String body : List.of("{\"txs\":[{\"events\":[1,}]}", "{\"txs\":[{\"id\":1,\"events\":\"unterminated}]}", "{\"txs\":[",
                "{txs:1}", "{\"txs\":[{\"raw_log\":\"bad escape \\q\"}]}", "{\"txs\":[{\"raw_log\":\"unterminated}]}")) {
            Throwable expected = catchThrowable(() -> Fixtures.JSON.readTree(body));
            assertThat(expected).as(body).isInstanceOf(JsonProcessingException.class);
            assertThatThrownBy(() -> read(body)).as(body).isInstanceOf(JsonProcessingException.class);
        }
    }

    @Test
    void shouldFailOnBytesThatAreNotUtf8EvenInsideAPartItLeavesOut() {
        // a chain API's JSON is UTF-8; bytes that are not are a malformed payload, not text to guess at
        for (String part : List.of("\"memo\":\"%s\"", "\"events\":[\"%s\"]", "\"raw_log\":\"%s\",\"code\":0")) {
            String[] around = String.format("{\"txs\":[{\"id\":1," + part + "}]}", "\u0000").split("\u0000");
            byte[] body = (around[0] + "\u0001\u0002" + around[1]).getBytes(StandardCharsets.UTF_8);
            int at = around[0].getBytes(StandardCharsets.UTF_8).length;
            body[at] = (byte) 0xC3; // a lead byte followed by one that cannot continue it
            body[at + 1] = (byte) 0x28;
            assertThatThrownBy(() -> READER.read(body)).as(part).isInstanceOf(JsonProcessingException.class)
                    .hasMessageContaining("UTF-8");
        }
    }

    private static void assertSameOutcome(FcdTxParser parser, JsonNode full, JsonNode filtered, String what) {
        Object before;
        Object after;
        try {
            before = parser.parse(full);
        } catch (MalformedPayloadException e) {
            before = e.getMessage();
        }
        try {
            after = parser.parse(filtered);
        } catch (MalformedPayloadException e) {
            after = e.getMessage();
        }
        assertThat(after).as(what).isEqualTo(before);
    }

    @Test
    void shouldBuildFarFewerNodesThanTheWholeTree() throws Exception {
        Manifest manifest = ManifestLoader.loadDefault();
        ChainSimulator simulator = new ChainSimulator(manifest, ChainSimulator.Config.defaults(42));
        try (SimulatorServer server = SimulatorServer.start(simulator, 0)) {
            String body = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/v1/txs?account="
                    + simulator.wallet() + "&limit=100")).build(), HttpResponse.BodyHandlers.ofString()).body();
            int whole = nodes(Fixtures.JSON.readTree(body));
            int read = nodes(read(body));
            assertThat(read).as("nodes read of " + whole).isLessThan(whole * 3 / 4);
        }
    }

    private static int nodes(JsonNode node) {
        List<JsonNode> todo = new ArrayList<>(List.of(node));
        int n = 0;
        while (!todo.isEmpty()) {
            JsonNode next = todo.remove(todo.size() - 1);
            n++;
            next.forEach(todo::add);
        }
        return n;
    }
}
