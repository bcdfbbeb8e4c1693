package dev.starfall.cli.ops;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.starfall.cli.UsageException;

/** The pre-generated image pool of the mint: CSV rows {@code tier,cid}, an optional header {@code tier,cid}. */
final class ImagePool {

    private ImagePool() {
    }

    static Map<String, List<String>> read(Path file) throws IOException {
        return parse(Files.readAllLines(file, StandardCharsets.UTF_8), file.toString());
    }

    static Map<String, List<String>> parse(List<String> lines, String origin) {
        Map<String, List<String>> pool = new LinkedHashMap<>();
        int n = 0;
        for (String line : lines) {
            n++;
            if (line.isBlank() || (n == 1 && line.strip().equalsIgnoreCase("tier,cid"))) {
                continue;
            }
            List<String> f = Csv.parseLine(line.strip());
            if (f.size() != 2 || f.get(0).isBlank() || f.get(1).isBlank()) {
                throw new UsageException(origin + " line " + n + ": expected 'tier,cid', got '" + line + "'");
            }
            pool.computeIfAbsent(f.get(0).strip(), t -> new ArrayList<>()).add(f.get(1).strip());
        }
        return pool;
    }
}
