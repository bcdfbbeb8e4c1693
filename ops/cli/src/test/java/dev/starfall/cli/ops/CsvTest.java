package dev.starfall.cli.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.StringWriter;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import dev.starfall.schemas.avro.ShowerResult;
import org.junit.jupiter.api.Test;

class CsvTest {

    @Test
    void shouldQuoteOnlyWhenNeededAndWriteNullAsEmpty() {
        StringWriter w = new StringWriter();
        new Csv(w).row(Arrays.asList("plain", "a,b", "say \"hi\"", null, 123_456_789_012_345_678L));
        assertThat(w.toString()).isEqualTo("plain,\"a,b\",\"say \"\"hi\"\"\",,123456789012345678\n");
        assertThat(Csv.parseLine(w.toString().strip())).containsExactly("plain", "a,b", "say \"hi\"", "", "123456789012345678");
    }

    @Test
    void shouldWriteTheMintManifestWithRoundRobinImagesPerTier() {
        Map<String, List<String>> pool = ImagePool.parse(List.of("tier,cid", "legendary,cidL1", "common,cidC1", "common,cidC2"), "pool");
        List<ShowerResult> results = List.of(result(1, "w1", "legendary", "90000000"), result(2, "w2", "common", "9000000"),
                result(3, "w3", "common", "8000000"), result(4, "w4", "common", "8000000"));
        StringWriter w = new StringWriter();

        MintRow.write(MintRow.of(7, results, pool, Map.of("w3", "yes")), new Csv(w));

        assertThat(w.toString()).isEqualTo("""
                owner,shower,tier,rank,contribution,token_name,image_cid,egg
                w1,7,legendary,1,90000000,Meteor #7-1,cidL1,
                w2,7,common,2,9000000,Meteor #7-2,cidC1,
                w3,7,common,3,8000000,Meteor #7-3,cidC2,yes
                w4,7,common,4,8000000,Meteor #7-4,cidC1,
                """);
    }

    @Test
    void shouldRefuseAPoolWithoutTheTier() {
        List<ShowerResult> results = List.of(result(1, "w1", "legendary", "90000000"));
        assertThatThrownBy(() -> MintRow.of(1, results, Map.of("common", List.of("c")), Map.of()))
                .hasMessageContaining("no CID for tier 'legendary'");
        assertThatThrownBy(() -> ImagePool.parse(List.of("legendary"), "pool.csv")).hasMessageContaining("pool.csv line 1");
    }

    private static ShowerResult result(long rank, String wallet, String tier, String amount) {
        return ShowerResult.newBuilder().setEventId("e").setShower(7).setWallet(wallet).setRank(rank).setTier(tier).setTierIndex(0)
                .setContribution(new BigDecimal(amount)).setTransfers(1).setFirstAt(Instant.EPOCH).setReachedAt(Instant.EPOCH).build();
    }
}
