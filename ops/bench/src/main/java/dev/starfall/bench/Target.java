package dev.starfall.bench;

import java.util.List;

/**
 * One of the suite's targets (issue #7) and what a run measured against it, for the report's
 * table of targets. A benchmark judges its own figures; the report only lists them.
 *
 * @param target   what is asked, with its threshold
 * @param measured what this run measured, with the figures the verdict rests on
 * @param verdict  met, not met, or not judged
 * @param why      why it was not judged (empty otherwise)
 */
public record Target(String target, String measured, Verdict verdict, String why) {

    public enum Verdict { MET, NOT_MET, NOT_JUDGED }

    /** A target this run's figures decide. */
    public static Target judged(String target, String measured, boolean met) {
        return new Target(target, measured, met ? Verdict.MET : Verdict.NOT_MET, "");
    }

    /** A target this run cannot decide (a size not run, too few figures), and why. */
    public static Target notJudged(String target, String measured, String why) {
        return new Target(target, measured, Verdict.NOT_JUDGED, why);
    }

    /**
     * The report's table of targets, every section's in report order. A quick run's sizes are
     * smaller than the targets assume, so its figures are listed without a verdict.
     */
    static String table(List<Section> sections, boolean quick) {
        StringBuilder md = new StringBuilder("## Targets\n\n");
        if (sections.stream().allMatch(s -> s.targets().isEmpty())) {
            return md.append("No benchmark of this run has a target, or none finished.\n\n").toString();
        }
        md.append("Each benchmark's verdict on its own figures, as its section below gives them; the sections say how each "
                + "was measured and what bounds it.");
        if (quick) {
            md.append(" This was a quick run (smaller sizes than the targets assume), so nothing is judged.");
        }
        md.append("\n\n| section | target | this run | met |\n|---|---|---|---|\n");
        for (Section s : sections) {
            for (Target t : s.targets()) {
                md.append("| ").append(s.number()).append(" | ").append(t.target()).append(" | ").append(t.measured()).append(" | ")
                        .append(quick ? "not judged (quick run)" : switch (t.verdict()) {
                            case MET -> "yes";
                            case NOT_MET -> "**no**";
                            case NOT_JUDGED -> "not judged: " + t.why();
                        }).append(" |\n");
            }
        }
        return md.append('\n').toString();
    }
}
