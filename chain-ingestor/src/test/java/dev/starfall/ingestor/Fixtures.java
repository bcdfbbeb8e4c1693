package dev.starfall.ingestor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/** Finds the shared chain fixtures ({@code ../shared/fixtures} next to the repository) from any module directory. */
public final class Fixtures {

    public static final ObjectMapper JSON = JsonMapper.builder().build();

    private Fixtures() {
    }

    /** The {@code shared/fixtures/chain/terra-fcd} directory; fails with a clear message when absent. */
    public static Path terraFcd() {
        Path start = Path.of("").toAbsolutePath();
        for (Path dir = start; dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("shared").resolve("fixtures").resolve("chain").resolve("terra-fcd");
            if (Files.isDirectory(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("No shared/fixtures/chain/terra-fcd directory found in " + start
                + " or any parent; the fixtures live in ../shared/fixtures next to the repository root");
    }

    public static String read(String name) {
        try {
            return Files.readString(terraFcd().resolve(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static JsonNode json(String name) {
        try {
            return JSON.readTree(read(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
