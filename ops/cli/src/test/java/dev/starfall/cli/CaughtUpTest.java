package dev.starfall.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** When {@code starfall run --exit-when-caught-up} may stop, and how the option is read. */
class CaughtUpTest {

    private final ObjectMapper json = new ObjectMapper();

    private JsonNode showers(String... items) throws Exception {
        return json.readTree("{\"showers\":[" + String.join(",", items) + "]}");
    }

    private static String shower(int n, String raised) {
        return "{\"shower\":" + n + ",\"status\":\"CLOSED\",\"raised\":\"" + raised + "\",\"transfers\":3}";
    }

    @Test
    void shouldSumTheGroundTruthPerShower() {
        Map<Integer, BigInteger> raised = CaughtUp.expectedRaised(Map.of(
                1, Map.of("a", BigInteger.valueOf(5), "b", new BigInteger("10000000000000000000000")),
                3, Map.of("a", BigInteger.ONE)));

        assertThat(raised).containsExactly(Map.entry(1, new BigInteger("10000000000000000000005")), Map.entry(3, BigInteger.ONE));
    }

    @Test
    void shouldBeCaughtUpOnlyWhenEveryShowerShowsItsAmount() throws Exception {
        Map<Integer, BigInteger> expected = Map.of(1, BigInteger.valueOf(7), 3, BigInteger.valueOf(9));

        assertThat(CaughtUp.counted(showers(shower(1, "7"), shower(2, "0"), shower(3, "9")), expected, 3)).isTrue();
        // a shower without transfers in the truth must show zero
        assertThat(CaughtUp.counted(showers(shower(1, "7"), shower(2, "1"), shower(3, "9")), expected, 3)).isFalse();
        // still counting
        assertThat(CaughtUp.counted(showers(shower(1, "7"), shower(2, "0"), shower(3, "8")), expected, 3)).isFalse();
        // a shower whose owner is unavailable, or missing from the answer
        assertThat(CaughtUp.counted(showers(shower(1, "7"), "{\"shower\":2,\"status\":\"UNAVAILABLE\"}", shower(3, "9")), expected, 3))
                .isFalse();
        assertThat(CaughtUp.counted(showers(shower(1, "7"), shower(3, "9")), expected, 3)).isFalse();
        assertThat(CaughtUp.counted(json.readTree("{\"error\":\"x\"}"), expected, 3)).isFalse();
        assertThat(CaughtUp.counted(showers(shower(1, "7"), shower(2, "0"), shower(3, "nine")), expected, 3)).isFalse();
    }

    @Test
    void shouldReadExitWhenCaughtUpAsAFlagWithoutValue() {
        assertThat(RunOptions.defaults().exitWhenCaughtUp()).isFalse();
        RunOptions o = RunOptions.parse(List.of("--exit-when-caught-up", "--wallets", "50", "--transactions", "300"));

        assertThat(o.exitWhenCaughtUp()).isTrue();
        assertThat(o.wallets()).isEqualTo(50);
        assertThat(o.transactions()).isEqualTo(300);
        assertThat(RunOptions.parse(List.of("--wallets", "50", "--exit-when-caught-up")).exitWhenCaughtUp()).isTrue();
        assertThat(RunOptions.usage()).contains("--exit-when-caught-up");
    }
}
