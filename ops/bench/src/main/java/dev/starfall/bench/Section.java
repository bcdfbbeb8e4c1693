package dev.starfall.bench;

/**
 * One benchmark's part of the report.
 *
 * @param title    heading
 * @param markdown body: the table of figures, then what was measured and how
 */
public record Section(String title, String markdown) {
}
