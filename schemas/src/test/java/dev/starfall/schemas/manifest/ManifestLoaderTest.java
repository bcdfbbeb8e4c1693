package dev.starfall.schemas.manifest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

class ManifestLoaderTest {

    private static final String VALID = """
            {"manifestVersion": 1,
             "event": {"id": "demo", "name": "Demo", "chain": "terra-classic", "chainId": "columbus-5",
               "destinationWallet": "terra1wn25alak7ghh78nvfa532tf8lgar8vr7h67mqe", "denom": "uusd", "decimals": 6,
               "opensAt": "2021-11-07T06:00:00Z",
               "showers": {"firstCloseAt": "2021-11-08T06:00:00Z", "count": 3, "spacing": "PT1H"},
               "minimumContribution": "8000000", "gracePeriod": "PT10M",
               "tiers": [{"name": "top", "cumulativePercent": "1", "eggsPerShower": 1},
                         {"name": "rest", "cumulativePercent": "100", "eggsPerShower": 2}],
               "eggSeedCommitment": null},
             "signatures": []}
            """;

    @Test
    void shouldLoadTheShippedLevanaEvent() {
        Manifest m = ManifestLoader.loadDefault();

        assertThat(m.event().getId()).isEqualTo("levana-dragons-2021");
        assertThat(m.schedule().showerCount()).isEqualTo(44);
        assertThat(m.schedule().closeOf(1)).isEqualTo(Instant.parse("2021-11-08T06:00:00Z"));
        assertThat(m.schedule().closeOf(44)).isEqualTo(Instant.parse("2021-11-10T01:00:00Z"));
        assertThat(m.minimumContribution()).isEqualTo(BigInteger.valueOf(8_000_000));
        assertThat(m.tiers()).extracting(t -> t.getCumulativePpm()).containsExactly(10_000, 99_000, 322_000, 1_000_000);
        assertThat(m.tiers().stream().mapToInt(t -> t.getEggsPerShower()).sum()).isEqualTo(202);
        assertThat(m.digest()).hasSize(64);
        assertThat(m.summary()).contains("44 showers", "uusd");
    }

    @Test
    void shouldExpandFirstCloseCountAndSpacing() {
        Manifest m = ManifestLoader.parse(VALID, "test");

        assertThat(m.event().getCloseTimes()).containsExactly(Instant.parse("2021-11-08T06:00:00Z"),
                Instant.parse("2021-11-08T07:00:00Z"), Instant.parse("2021-11-08T08:00:00Z"));
        assertThat(m.schedule().grace()).isEqualTo(Duration.ofMinutes(10));
    }

    @Test
    void shouldBuildTheScheduleOnceAndCompareManifestsByTheirParts() {
        Manifest m = ManifestLoader.parse(VALID, "test");

        assertThat(m.schedule()).as("built with the manifest, not on each call").isSameAs(m.schedule());
        assertThat(ManifestLoader.parse(VALID, "test")).isEqualTo(m).hasSameHashCodeAs(m);
        assertThat(ManifestLoader.parse(VALID, "elsewhere")).isNotEqualTo(m);
    }

    @Test
    void shouldGiveTheSameDigestWhateverTheKeyOrderAndSpacing() {
        String reordered = VALID.replace("\"id\": \"demo\", \"name\": \"Demo\",", "\"name\": \"Demo\",   \"id\": \"demo\",");

        assertThat(ManifestLoader.parse(reordered, "b").digest()).isEqualTo(ManifestLoader.parse(VALID, "a").digest());
    }

    @Test
    void shouldNameTheFieldOfEachError() {
        assertError(VALID.replace("\"decimals\": 6", "\"decimals\": 99"), "event.decimals");
        assertError(VALID.replace("\"count\": 3", "\"count\": 0"), "event.showers.count");
        assertError(VALID.replace("\"2021-11-08T06:00:00Z\"", "\"2021-11-06T06:00:00Z\""), "event.showers.firstCloseAt");
        assertError(VALID.replace("\"8000000\"", "\"8.5\""), "event.minimumContribution");
        assertError(VALID.replace("\"cumulativePercent\": \"100\"", "\"cumulativePercent\": \"99\""), "event.tiers[1].cumulativePercent");
        assertError(VALID.replace("\"cumulativePercent\": \"1\"", "\"cumulativePercent\": \"1.00001\""), "event.tiers[0].cumulativePercent");
        assertError(VALID.replace("\"name\": \"rest\"", "\"name\": \"top\""), "event.tiers[1].name");
        assertError(VALID.replace("\"chain\": \"terra-classic\"", "\"chain\": \"ethereum\""), "event.chain");
        assertError(VALID.replace("\"gracePeriod\": \"PT10M\"", "\"gracePeriod\": \"ten minutes\""), "event.gracePeriod");
        assertError(VALID.replace("\"denom\": \"uusd\",", "\"denom\": \"uusd\", \"destinationWalet\": \"x\","), "event.destinationWalet");
        assertError(VALID.replace("\"manifestVersion\": 1", "\"manifestVersion\": 2"), "manifestVersion");
        assertError(VALID.replace("\"eggSeedCommitment\": null", "\"eggSeedCommitment\": \"abc\""), "event.eggSeedCommitment");
        assertError("{ not json", "(file)");
    }

    private static void assertError(String json, String field) {
        assertThatThrownBy(() -> ManifestLoader.parse(json, "demo.json"))
                .isInstanceOfSatisfying(ManifestException.class, e -> assertThat(e.field()).isEqualTo(field))
                .hasMessageStartingWith("demo.json: " + field + ": ");
    }
}
