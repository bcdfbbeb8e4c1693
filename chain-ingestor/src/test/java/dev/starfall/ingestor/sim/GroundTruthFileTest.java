package dev.starfall.ingestor.sim;

import java.math.BigInteger;
import java.nio.file.Path;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.starfall.schemas.manifest.ManifestLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

class GroundTruthFileTest {

    @TempDir
    Path dir;

    @Test
    void shouldWriteThePerShowerAndPerWalletSums() throws Exception {
        ChainSimulator simulator = new ChainSimulator(ManifestLoader.loadDefault(), ChainSimulator.Config.defaults(3).withTransactions(300));
        Path file = dir.resolve("truth/ground-truth.json");

        simulator.writeGroundTruth(file);

        JsonNode json = JsonMapper.builder().build().readTree(file.toFile());
        assertThat(json.get("wallet").asText()).isEqualTo(simulator.wallet());
        BigInteger showers = BigInteger.ZERO;
        for (var shower : simulator.groundTruth().entrySet()) {
            for (var sender : shower.getValue().entrySet()) {
                assertThat(json.get("showers").get(Integer.toString(shower.getKey())).get(sender.getKey()).asText())
                        .isEqualTo(sender.getValue().toString());
                showers = showers.add(sender.getValue());
            }
        }
        BigInteger wallets = BigInteger.ZERO;
        for (var entry : json.get("wallets").properties()) {
            wallets = wallets.add(new BigInteger(entry.getValue().asText()));
        }
        assertThat(wallets).isEqualTo(showers).isPositive();
    }
}
