package dev.starfall.projections;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OffsetNoteTest {

    @TempDir
    Path dir;

    @Test
    void shouldReadBackWhatItWrote() {
        Path note = dir.resolve("starfall-offsets.transfer-ids");
        Map<TopicPartition, Long> offsets = Map.of(
                new TopicPartition("app-transfer-ids-changelog", 3), 4_628_000L,
                new TopicPartition("app-other-changelog", 0), 0L);

        OffsetNote.write(note, new OffsetNote.Note("MANIFEST-000012", offsets));

        assertThat(OffsetNote.read(note)).contains(new OffsetNote.Note("MANIFEST-000012", offsets));
        assertThat(dir.resolve("starfall-offsets.transfer-ids.tmp")).doesNotExist();
    }

    @Test
    void shouldLeaveOutNullOffsetsAndReplaceAnOlderNote() {
        Path note = dir.resolve("starfall-offsets.meteors");
        OffsetNote.write(note, new OffsetNote.Note("MANIFEST-000005", Map.of(new TopicPartition("a", 0), 1L)));
        Map<TopicPartition, Long> offsets = new HashMap<>();
        offsets.put(new TopicPartition("a", 0), 7L);
        offsets.put(new TopicPartition("b", 1), null);

        OffsetNote.write(note, new OffsetNote.Note("MANIFEST-000009", offsets));

        assertThat(OffsetNote.read(note)).contains(new OffsetNote.Note("MANIFEST-000009", Map.of(new TopicPartition("a", 0), 7L)));
    }

    @Test
    void shouldTreatAMissingOrMalformedNoteAsNone() throws Exception {
        Path note = dir.resolve("starfall-offsets.contributions");
        assertThat(OffsetNote.read(note)).isEmpty();

        Files.writeString(note, "manifest MANIFEST-000003\na 0 12\nb one 13\n");
        assertThat(OffsetNote.read(note)).as("a partition that is not a number").isEmpty();

        Files.writeString(note, "manifest MANIFEST-000003\na 0\n");
        assertThat(OffsetNote.read(note)).as("a line without its offset").isEmpty();

        Files.writeString(note, "a 0 12\n");
        assertThat(OffsetNote.read(note)).as("no manifest").isEmpty();

        Files.writeString(note, "");
        assertThat(OffsetNote.read(note)).as("empty").isEmpty();

        Files.writeString(note, "manifest MANIFEST-000003\n");
        assertThat(OffsetNote.read(note)).as("a manifest and no offsets").contains(new OffsetNote.Note("MANIFEST-000003", Map.of()));
    }

    @Test
    void shouldDeleteANoteAndIgnoreOneThatIsNotThere() {
        Path note = dir.resolve("starfall-offsets.x");
        OffsetNote.write(note, new OffsetNote.Note("MANIFEST-000001", Map.of(new TopicPartition("a", 0), 1L)));

        OffsetNote.delete(note);
        OffsetNote.delete(note);

        assertThat(note).doesNotExist();
    }
}
