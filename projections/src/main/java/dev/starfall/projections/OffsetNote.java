package dev.starfall.projections;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A store's changelog offsets in a small text file ({@link OpenOnAssignmentStore}'s note): a
 * first line {@code manifest <name>} with the RocksDB manifest the store's instance used when the
 * note was written, then one {@code topic partition offset} line per changelog partition. Written
 * whole to a temporary file and moved into place, so a reader finds the old note, the new one or
 * none. A note that cannot be read is reported and treated as missing, which costs the reader an
 * open of the store, never its offsets.
 */
final class OffsetNote {

    private static final Logger log = LoggerFactory.getLogger(OffsetNote.class);

    private static final String MANIFEST = "manifest";

    private OffsetNote() {
    }

    /** A note: the manifest the store's RocksDB instance used, and its offsets. */
    record Note(String manifest, Map<TopicPartition, Long> offsets) {
    }

    /** The note at {@code file}, or empty if there is none or it cannot be read. */
    static Optional<Note> read(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            log.warn("Cannot read the offsets note {} ({}); the store will be opened to read them", file, e.toString());
            return Optional.empty();
        }
        if (lines.isEmpty() || !lines.get(0).startsWith(MANIFEST + " ")) {
            log.warn("The offsets note {} does not start with its manifest; the store will be opened to read its offsets", file);
            return Optional.empty();
        }
        Map<TopicPartition, Long> offsets = new HashMap<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] fields = line.split(" ");
            try {
                if (fields.length != 3) {
                    throw new NumberFormatException("expected 3 fields");
                }
                offsets.put(new TopicPartition(fields[0], Integer.parseInt(fields[1])), Long.parseLong(fields[2]));
            } catch (NumberFormatException e) {
                log.warn("Malformed line '{}' in the offsets note {} ({}); the store will be opened to read its offsets",
                        line, file, e.getMessage());
                return Optional.empty();
            }
        }
        return Optional.of(new Note(lines.get(0).substring(MANIFEST.length() + 1), offsets));
    }

    /** Writes {@code note} (null offsets left out) at {@code file}; on failure, leaves no note. */
    static void write(Path file, Note note) {
        StringBuilder text = new StringBuilder(MANIFEST).append(' ').append(note.manifest()).append('\n');
        note.offsets().forEach((partition, offset) -> {
            if (offset != null) {
                text.append(partition.topic()).append(' ').append(partition.partition()).append(' ').append(offset).append('\n');
            }
        });
        Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            Files.writeString(temporary, text, StandardCharsets.UTF_8);
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            log.warn("Cannot write the offsets note {} ({}); the next start opens the store to read them", file, e.toString());
            delete(temporary);
            delete(file);
        }
    }

    /** Removes the note at {@code file}, if any. */
    static void delete(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            log.warn("Cannot remove the offsets note {} ({})", file, e.toString());
        }
    }
}
