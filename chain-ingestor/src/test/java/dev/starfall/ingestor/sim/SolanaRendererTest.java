package dev.starfall.ingestor.sim;

import java.math.BigInteger;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starfall.ingestor.source.WatchTarget;
import dev.starfall.ingestor.source.solana.SolanaTxParser;
import dev.starfall.schemas.TransferIds;
import dev.starfall.schemas.avro.RejectionReason;
import dev.starfall.schemas.avro.TransferObserved;
import dev.starfall.schemas.avro.TransferRejected;
import dev.starfall.schemas.manifest.Manifest;
import dev.starfall.schemas.manifest.ManifestLoader;
import dev.starfall.schemas.manifest.ShowerSchedule;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The simulator's Solana view of an SPL-paid event, read back with the real parser. */
class SolanaRendererTest {

    static final Manifest MANIFEST = SolanaManifests.usdc();
    static final ChainSimulator SIMULATOR = new ChainSimulator(MANIFEST, ChainSimulator.Config.defaults(11).withTransactions(1_500));
    static final String BASE58_KEY = "[1-9A-HJ-NP-Za-km-z]{32,44}";

    final SolanaRenderer solana = new SolanaRenderer(SIMULATOR);

    @Test
    void shouldUseSolanaKeysAndMintsOnASolanaManifest() {
        assertThat(solana.splEvent()).isTrue();
        assertThat(SIMULATOR.wallet()).isEqualTo(SolanaManifests.WALLET);
        assertThat(solana.key(SIMULATOR.wallet())).as("the manifest's wallet, not a derived key").isEqualTo(SolanaManifests.WALLET);
        assertThat(SIMULATOR.wallets()).allMatch(w -> w.matches(BASE58_KEY));
        assertThat(SIMULATOR.groundTruth().values()).allSatisfy(senders -> assertThat(senders.keySet()).allMatch(w -> w.matches(BASE58_KEY)));
        assertThat(solana.walletTokenAccounts()).hasSize(2).doesNotHaveDuplicates().allMatch(a -> a.matches(BASE58_KEY))
                .doesNotContain(SolanaManifests.WALLET);
    }

    @Test
    void shouldRenderSplDepositsWhoseParsedSumsEqualTheGroundTruth() {
        SolanaTxParser parser = new SolanaTxParser(WatchTarget.of(MANIFEST), "sim", Clock.fixed(Instant.EPOCH, ZoneOffset.UTC));
        ShowerSchedule schedule = MANIFEST.schedule();
        Map<Integer, Map<String, BigInteger>> sums = new TreeMap<>();
        Set<String> ids = new HashSet<>();
        Set<String> recipients = new HashSet<>();
        Set<RejectionReason> reasons = EnumSet.noneOf(RejectionReason.class);
        long observed = 0;
        for (SimTx tx : SIMULATOR.transactions()) {
            SolanaTxParser.ParsedTx parsed = parser.parseResult(solana.transaction(tx));
            for (TransferObserved t : parsed.observed()) {
                assertThat(ids.add(TransferIds.of(t))).as("%s once", TransferIds.of(t)).isTrue();
                assertThat(t.getDenom()).isEqualTo(SolanaManifests.USDC_MINT);
                recipients.add(t.getRecipient());
                schedule.showerOf(t.getBlockTime()).ifPresent(k -> sums.computeIfAbsent(k, x -> new TreeMap<>())
                        .merge(t.getSender(), t.getAmount().toBigIntegerExact(), BigInteger::add));
            }
            observed += parsed.observed().size();
            parsed.rejected().stream().map(TransferRejected::getReason).forEach(reasons::add);
        }

        assertThat(sums).isEqualTo(SIMULATOR.groundTruth());
        assertThat(observed).isEqualTo(SIMULATOR.expected(SIMULATOR.transactions().size()).observed());
        assertThat(recipients).as("deposits land in both of the wallet's token accounts")
                .containsExactlyInAnyOrderElementsOf(solana.walletTokenAccounts());
        assertThat(reasons).contains(RejectionReason.FAILED_TRANSACTION, RejectionReason.OUTGOING, RejectionReason.OTHER_DENOM,
                RejectionReason.NOT_A_TRANSFER);
    }

    @Test
    void shouldRenderEveryFormOfSplDeposit() {
        Map<String, Integer> forms = new TreeMap<>();
        for (SimTx tx : SIMULATOR.transactions()) {
            ObjectNode result = solana.transaction(tx);
            for (JsonNode ix : result.path("transaction").path("message").path("instructions")) {
                String type = ix.path("parsed").path("type").asText("");
                if (ix.has("parsed") && ix.path("program").asText().equals("spl-token")) {
                    forms.merge("outer " + type, 1, Integer::sum);
                } else if (type.equals("createIdempotent")) {
                    forms.merge("createIdempotent", 1, Integer::sum);
                } else if (SolanaRenderer.PAYMENT_PROGRAM.equals(ix.path("programId").asText())) {
                    assertThat(ix.has("parsed")).as("a program the node does not parse").isFalse();
                }
            }
            for (JsonNode group : result.path("meta").path("innerInstructions")) {
                for (JsonNode ix : group.path("instructions")) {
                    forms.merge("inner " + ix.path("parsed").path("type").asText(), 1, Integer::sum);
                }
            }
        }

        assertThat(forms).containsOnlyKeys("outer transfer", "outer transferChecked", "inner transfer", "inner transferChecked",
                "createIdempotent").allSatisfy((form, n) -> assertThat(n).as(form).isPositive());
    }

    @Test
    void shouldListADepositUnderTheTokenAccountItPaysAndUnderTheWalletOnlyWhenTheTransactionNamesIt() {
        SolanaTxParser parser = new SolanaTxParser(WatchTarget.of(MANIFEST), "sim", Clock.systemUTC());
        int namingTheWallet = 0;
        int notNamingTheWallet = 0;
        for (SimTx tx : SIMULATOR.transactions()) {
            List<String> keys = solana.accountKeys(tx);
            for (TransferObserved t : parser.parseResult(solana.transaction(tx)).observed()) {
                assertThat(keys).contains(t.getRecipient());
                if (keys.contains(SolanaManifests.WALLET)) {
                    namingTheWallet++;
                } else {
                    notNamingTheWallet++;
                }
            }
        }

        assertThat(namingTheWallet).as("deposits with an ATA create").isPositive();
        assertThat(notNamingTheWallet).as("deposits found only through the token accounts").isGreaterThan(namingTheWallet);
    }

    @Test
    void shouldKeepShowingTheEventDenomOfAnotherChainAsLamports() {
        ChainSimulator terra = new ChainSimulator(ManifestLoader.loadDefault(), ChainSimulator.Config.defaults(11).withTransactions(300));
        SolanaRenderer view = new SolanaRenderer(terra);
        SolanaTxParser parser = new SolanaTxParser(new WatchTarget("solana", "mainnet-beta", view.key(terra.wallet()),
                SolanaTxParser.LAMPORTS), "sim", Clock.systemUTC());

        assertThat(view.splEvent()).isFalse();
        assertThat(view.walletTokenAccounts()).isEmpty();
        assertThat(view.key(terra.wallet())).matches(BASE58_KEY).isNotEqualTo(terra.wallet());
        long observed = terra.transactions().stream().mapToLong(tx -> parser.parseResult(view.transaction(tx)).observed().size()).sum();
        assertThat(observed).isEqualTo(terra.expected(terra.transactions().size()).observed());
    }
}
