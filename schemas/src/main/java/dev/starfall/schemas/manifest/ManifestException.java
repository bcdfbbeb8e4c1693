package dev.starfall.schemas.manifest;

/** A manifest that cannot be loaded; the message names the file and the field. */
public final class ManifestException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String field;

    public ManifestException(String origin, String field, String problem) {
        super(origin + ": " + field + ": " + problem);
        this.field = field;
    }

    /** JSON path of the offending field, e.g. {@code event.tiers[2].cumulativePercent}. */
    public String field() {
        return field;
    }
}
