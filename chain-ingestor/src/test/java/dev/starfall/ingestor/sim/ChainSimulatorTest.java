package dev.starfall.ingestor.sim;

import dev.starfall.schemas.Bech32;
import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;
import dev.starfall.ingestor.Fixtures;
import dev.starfall.ingestor.TestClock;
import dev.starfall.ingestor.source.WatchTarget;
import dev.starfall.ingestor.source.fcd.FcdTxParser;
import dev.starfall.schemas.avro.TransferObserved;
import dev.starfall.schemas.manifest.Manifest;
import dev.starfall.schemas.manifest.ManifestLoader;
import dev.starfall.schemas.manifest.ShowerSchedule;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ChainSimulatorTest {

    static final Manifest MANIFEST = ManifestLoader.loadDefault();
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    static ChainSimulator simulator;
    static SimulatorServer server;

    @BeforeAll
    static void startServer() {
        simulator = new ChainSimulator(MANIFEST, ChainSimulator.Config.defaults(42));
        server = SimulatorServer.start(simulator, 0);
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    @Test
    void shouldGenerateTheSameHistoryForTheSameSeed() {
        ChainSimulator again = new ChainSimulator(MANIFEST, ChainSimulator.Config.defaults(42));

        assertThat(again.transactions()).isEqualTo(simulator.transactions());
        assertThat(again.groundTruth()).isEqualTo(simulator.groundTruth());
        assertThat(again.wallets()).isEqualTo(simulator.wallets());
    }

    @Test
    void shouldGenerateADifferentHistoryForADifferentSeed() {
        ChainSimulator other = new ChainSimulator(MANIFEST, ChainSimulator.Config.defaults(43));

        assertThat(other.transactions()).isNotEqualTo(simulator.transactions());
        assertThat(other.groundTruth()).isNotEqualTo(simulator.groundTruth());
        assertThat(other.wallets()).doesNotContainAnyElementsOf(simulator.wallets());
    }

    @Test
    void shouldGenerateARealisticHistory() {
        List<SimTx> txs = simulator.transactions();
        ShowerSchedule schedule = MANIFEST.schedule();

        assertThat(txs).hasSize(3_000);
        assertThat(simulator.wallets()).hasSize(400).allSatisfy(w -> assertThat(Bech32.decode(w).hrp()).as(w).isEqualTo("terra"));
        assertThat(Bech32.decode(simulator.wallet()).hrp()).isEqualTo("terra");
        Set<SimTx.Kind> kinds = EnumSet.noneOf(SimTx.Kind.class);
        txs.forEach(t -> kinds.add(t.kind()));
        assertThat(kinds).containsExactlyInAnyOrder(SimTx.Kind.values());
        for (int i = 1; i < txs.size(); i++) {
            assertThat(txs.get(i).id()).isGreaterThan(txs.get(i - 1).id());
            assertThat(txs.get(i).height()).isGreaterThanOrEqualTo(txs.get(i - 1).height());
            assertThat(txs.get(i).blockTime()).isAfterOrEqualTo(txs.get(i - 1).blockTime());
        }
        assertThat(txs).anySatisfy(t -> assertThat(t.blockTime()).isBefore(schedule.opensAt()));
        assertThat(txs).anySatisfy(t -> assertThat(t.blockTime()).isAfter(schedule.closeOf(schedule.showerCount())));
        assertThat(txs).as("a transfer exactly on a close").anySatisfy(t -> assertThat(isClose(schedule, t.blockTime())).isTrue());
        assertThat(txs).anySatisfy(t -> assertThat(t.msgs()).hasSizeGreaterThan(1));
        assertThat(txs.stream().map(SimTx::txHash).distinct().count()).isEqualTo(txs.size());
        assertThat(txs.stream().map(SimTx::txHash)).allMatch(h -> h.matches("[0-9A-F]{64}"));

        Map<Integer, Map<String, BigInteger>> truth = simulator.groundTruth();
        assertThat(truth.keySet()).hasSizeGreaterThan(40).allMatch(schedule::isShower);
        Map<String, Integer> showersPerWallet = new HashMap<>();
        truth.values().forEach(m -> m.keySet().forEach(w -> showersPerWallet.merge(w, 1, Integer::sum)));
        assertThat(showersPerWallet.values()).as("repeat senders across showers").anyMatch(n -> n >= 5);
        BigInteger minimum = MANIFEST.minimumContribution();
        List<BigInteger> sums = truth.values().stream().flatMap(m -> m.values().stream()).toList();
        assertThat(sums).as("dust below the minimum").anyMatch(s -> s.compareTo(minimum) < 0);
        assertThat(sums).as("heavy tail").anyMatch(s -> s.compareTo(minimum.multiply(BigInteger.valueOf(500))) > 0);
    }

    @Test
    void shouldBurstBeforeEachClose() {
        ShowerSchedule schedule = MANIFEST.schedule();
        long inLastTwoMinutes = simulator.transactions().stream().filter(t -> {
            OptionalInt k = schedule.showerOf(t.blockTime());
            return k.isPresent() && !t.blockTime().isBefore(schedule.closeOf(k.getAsInt()).minusSeconds(126));
        }).count();

        // two minutes are a thirtieth of an hour; the burst share puts far more there
        assertThat(inLastTwoMinutes).isGreaterThan(simulator.transactions().size() / 5);
    }

    @Test
    void shouldServeJsonWhoseParsedSumsEqualTheGroundTruth() throws Exception {
        FcdTxParser parser = new FcdTxParser(WatchTarget.of(MANIFEST), server.baseUrl(), Clock.systemUTC());
        ShowerSchedule schedule = MANIFEST.schedule();
        Map<Integer, Map<String, BigInteger>> sums = new TreeMap<>();
        Set<String> ids = new HashSet<>();
        long observed = 0;
        long rejected = 0;
        Long offset = null;
        do {
            JsonNode page = get("/v1/txs?account=" + simulator.wallet() + "&limit=100" + (offset == null ? "" : "&offset=" + offset));
            for (JsonNode item : page.get("txs")) {
                FcdTxParser.ParsedTx tx = parser.parse(item);
                for (TransferObserved t : tx.observed()) {
                    assertThat(ids.add(t.getTxHash() + ":" + t.getMessageIndex())).isTrue();
                    schedule.showerOf(t.getBlockTime()).ifPresent(k -> sums.computeIfAbsent(k, x -> new TreeMap<>())
                            .merge(t.getSender(), t.getAmount().toBigIntegerExact(), BigInteger::add));
                }
                observed += tx.observed().size();
                rejected += tx.rejected().size();
            }
            offset = page.has("next") ? page.get("next").longValue() : null;
        } while (offset != null);

        assertThat(sums).isEqualTo(simulator.groundTruth());
        ChainSimulator.Expected expected = simulator.expected(simulator.transactions().size());
        assertThat(observed).isEqualTo(expected.observed());
        assertThat(rejected).isEqualTo(expected.rejected());
    }

    @Test
    void shouldPageNewestFirstWithNextOnlyWhenMoreRowsExist() throws Exception {
        JsonNode first = get("/v1/txs?account=" + simulator.wallet() + "&limit=10");
        List<SimTx> txs = simulator.transactions();

        assertThat(first.get("limit").intValue()).isEqualTo(10);
        assertThat(first.get("txs")).hasSize(10);
        assertThat(first.get("txs").get(0).get("id").longValue()).isEqualTo(txs.get(txs.size() - 1).id());
        assertThat(first.get("next").longValue()).isEqualTo(txs.get(txs.size() - 10).id());

        JsonNode last = get("/v1/txs?account=" + simulator.wallet() + "&limit=10&offset=" + txs.get(5).id());
        assertThat(last.has("next")).isFalse();
        assertThat(last.get("txs")).hasSize(5);
        assertThat(last.get("txs").get(0).get("height").isTextual()).isTrue();
    }

    @Test
    void shouldListTransactionsUnderEveryAccountTheyName() throws Exception {
        String sender = simulator.groundTruth().get(1).keySet().iterator().next();

        JsonNode page = get("/v1/txs?account=" + sender + "&limit=100");

        assertThat(page.get("txs")).isNotEmpty();
        assertThat(page.get("txs")).allSatisfy(item -> assertThat(item.toString()).contains(sender));
    }

    @Test
    void shouldAnswerAnAccountWithoutTransactionsWithAnEmptyList() throws Exception {
        String unknown = Bech32.encode("terra", new byte[20]);

        assertThat(get("/v1/txs?account=" + unknown + "&limit=100").toString()).isEqualTo("{\"limit\":100,\"txs\":[]}");
    }

    @Test
    void shouldRefuseALimitOtherThanTenOrHundredLikeFcd() throws Exception {
        HttpResponse<String> response = send("/v1/txs?account=" + simulator.wallet() + "&limit=50");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(Fixtures.JSON.readTree(response.body()))
                .isEqualTo(Fixtures.json("fcd-v1-txs_error-400-invalid-limit.json"));
    }

    @Test
    void shouldAnswerInjectedFaultsThenRecover() throws Exception {
        server.faults().failNext(1, 429, Duration.ofSeconds(1));
        server.faults().failNext(1, 500);

        HttpResponse<String> limited = send("/v1/txs?account=" + simulator.wallet() + "&limit=10");
        HttpResponse<String> broken = send("/v1/txs?account=" + simulator.wallet() + "&limit=10");
        HttpResponse<String> fine = send("/v1/txs?account=" + simulator.wallet() + "&limit=10");

        assertThat(limited.statusCode()).isEqualTo(429);
        assertThat(limited.headers().firstValue("Retry-After")).hasValue("1");
        assertThat(limited.body()).contains("RATE_LIMIT_ERROR");
        assertThat(broken.statusCode()).isEqualTo(500);
        assertThat(broken.body()).contains("API_ERROR");
        assertThat(fine.statusCode()).isEqualTo(200);
    }

    @Test
    void shouldRevealTransactionsProgressivelyInLiveMode() {
        TestClock clock = new TestClock(Instant.parse("2030-01-01T00:00:00Z"));
        ChainSimulator live = new ChainSimulator(MANIFEST, ChainSimulator.Config.defaults(42).withLive(0.5, 20), clock);

        assertThat(live.visibleCount()).isEqualTo(1_500);
        clock.advance(Duration.ofSeconds(10));
        assertThat(live.visibleCount()).isEqualTo(1_700);
        clock.advance(Duration.ofHours(1));
        assertThat(live.visibleCount()).isEqualTo(3_000);
        assertThat(live.transactions()).isEqualTo(simulator.transactions());
        assertThat(new ChainSimulator(MANIFEST, ChainSimulator.Config.defaults(1), Clock.fixed(Instant.EPOCH, ZoneOffset.UTC))
                .visibleCount()).isEqualTo(3_000);
    }

    private static boolean isClose(ShowerSchedule schedule, Instant t) {
        for (int k = 1; k <= schedule.showerCount(); k++) {
            if (schedule.closeOf(k).equals(t)) {
                return true;
            }
        }
        return false;
    }

    private static JsonNode get(String pathAndQuery) throws IOException, InterruptedException {
        HttpResponse<String> response = send(pathAndQuery);
        assertThat(response.statusCode()).as(pathAndQuery).isEqualTo(200);
        return Fixtures.JSON.readTree(response.body());
    }

    private static HttpResponse<String> send(String pathAndQuery) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + pathAndQuery)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
