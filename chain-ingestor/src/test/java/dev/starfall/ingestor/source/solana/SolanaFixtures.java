package dev.starfall.ingestor.source.solana;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import dev.starfall.ingestor.Fixtures;

/** The {@code shared/fixtures/chain/solana-rpc} files, located next to the terra-fcd ones {@link Fixtures} finds. */
public final class SolanaFixtures {

    public static final String SIGNATURES_PREFIX = "getSignaturesForAddress_";

    public static final String USDC_TX = "getTransaction_jsonParsed_usdc-transferChecked_ata-create_memo.json";
    public static final String SOL_TX = "getTransaction_jsonParsed_sol-system-transfer_memo.json";
    public static final String BATCH = "getConfirmedTransaction_batch_jsonParsed_2-sol-transfers_1-failed-vote.json";
    public static final String ERROR_429 = "error_429_too-many-requests_public-rpc.json";
    public static final String ERROR_32005 = "error_-32005_node-unhealthy.json";
    public static final String PAGE1 = "getSignaturesForAddress_limit5_page1-no-before.json";
    public static final String PAGE2 = "getSignaturesForAddress_limit5_page2-before-4qpq.json";
    public static final String EMPTY_END = "getSignaturesForAddress_limit5_page6-before-4J37-empty-end.json";

    /** USDC's mint. */
    public static final String USDC = "EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v";
    // USDC fixture: the wallet's new associated token account receives 1000 base units
    public static final String USDC_WALLET = "3i476kTBBTy7pBGx4CXwJpJ6phuwLQgcwLTdHhU3c7ui";
    public static final String USDC_ATA = "H51DXRt3ubThhdhNeDMScfkbC5X4AWzYfHaZS3JKEfPh";
    public static final String USDC_PAYER = "8fusVwhgo4oS1fGpZKeRaXrJXQk9auKnAgcj9A97wR3t";
    public static final String USDC_PAYER_ATA = "9rB2Poc468mPpY9WMUmaqEPsvJah8SpPB8bKqAjjXp5H";
    public static final String FEE_PAYER = "FG4Y3yX4AAchp1HvNZ7LfzFTewF2f6nDoMDCohTFrdpT";
    public static final String USDC_SIG = "2S2rTZjaqzxYRw9mnqzwtyqitKtSsnE8GVqLn1KrD5R2YpXZnU4GdjppsgfSAbrzJfaqadfi8CtrqEBy588WVQ3E";
    // SOL fixture: 1,000,000 lamports
    public static final String SOL_TO = "2b7iQq3PbWwWTotRSDFNXT9DauU418aCHK4jcAzETUem";
    public static final String SOL_FROM = "DT1mBDFsNBc1UXa25RdxNvnjL5Lro7su7gX1zpLyCmWe";
    public static final String SOL_SIG = "5QMfuqThWSMMpLCRe3tk7qn7iSwWKfJV8EvD1ZPvyqAWa7Z2JftZ4rPq8YCxCwzSykX7dMkDB8RrovQMoL9ZZWKY";
    // batch fixture: HBYC pays AHY6, AHY6 pays HBYC, and VOTER's vote fails
    public static final String AHY6 = "AHy6YZA8BsHgQfVkk7MbwpAN94iyN7Nf1zN4nPqUN32Q";
    public static final String HBYC = "HBYC51YrGFAZ8rM7Sj8e9uqKggpSrDYrinQDZzvMtqQp";
    public static final String VOTER = "D32cBNvo9qmMyMSJzWqDPQ3ujYFuW9HHNjVkwxspezQr";

    private SolanaFixtures() {
    }

    public static Path dir() {
        Path dir = Fixtures.terraFcd().getParent().resolve("solana-rpc");
        if (!Files.isDirectory(dir)) {
            throw new IllegalStateException("No fixture directory " + dir);
        }
        return dir;
    }

    /** The JSON file names of the directory, sorted. */
    public static List<String> files() {
        try (Stream<Path> listing = Files.list(dir())) {
            return listing.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".json")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A fixture's bytes as recorded, as text. */
    public static String read(String name) {
        try {
            return Files.readString(dir().resolve(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static JsonNode json(String name) {
        return parse(read(name));
    }

    public static JsonNode parse(String json) {
        try {
            return Fixtures.JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
