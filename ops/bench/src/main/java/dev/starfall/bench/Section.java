package dev.starfall.bench;

import java.util.List;

/**
 * One benchmark's part of the report.
 *
 * @param title    heading, led by the part numbers ("2. Ingest end to end ...")
 * @param markdown body: the table of figures, then what was measured and how
 * @param targets  its targets and this run's verdict on each, for the report's table of targets
 */
public record Section(String title, String markdown, List<Target> targets) {

    public Section {
        targets = List.copyOf(targets);
    }

    /** A section without targets (a benchmark that failed, or has none). */
    public Section(String title, String markdown) {
        this(title, markdown, List.of());
    }

    /** The part numbers that lead the title ("3" of "3. Restart ..."), or the title when it has none. */
    String number() {
        int dot = title.indexOf(". ");
        return dot > 0 && title.substring(0, dot).chars().allMatch(Character::isDigit) ? title.substring(0, dot) : title;
    }
}
