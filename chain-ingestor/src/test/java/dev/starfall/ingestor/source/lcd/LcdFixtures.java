package dev.starfall.ingestor.source.lcd;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import com.fasterxml.jackson.databind.JsonNode;
import dev.starfall.ingestor.Fixtures;

/** The {@code shared/fixtures/chain/cosmos-lcd} files, located next to the terra-fcd ones {@link Fixtures} finds. */
final class LcdFixtures {

    private LcdFixtures() {
    }

    static Path dir() {
        Path dir = Fixtures.terraFcd().getParent().resolve("cosmos-lcd");
        if (!Files.isDirectory(dir)) {
            throw new IllegalStateException("No fixture directory " + dir);
        }
        return dir;
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
