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
final class SolanaFixtures {

    static final String SIGNATURES_PREFIX = "getSignaturesForAddress_";

    private SolanaFixtures() {
    }

    static Path dir() {
        Path dir = Fixtures.terraFcd().getParent().resolve("solana-rpc");
        if (!Files.isDirectory(dir)) {
            throw new IllegalStateException("No fixture directory " + dir);
        }
        return dir;
    }

    /** The JSON file names of the directory, sorted. */
    static List<String> files() {
        try (Stream<Path> listing = Files.list(dir())) {
            return listing.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".json")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JsonNode json(String name) {
        try {
            return Fixtures.JSON.readTree(Files.readString(dir().resolve(name)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JsonNode parse(String json) {
        try {
            return Fixtures.JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
