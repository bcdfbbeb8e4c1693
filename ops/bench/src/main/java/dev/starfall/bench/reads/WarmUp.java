package dev.starfall.bench.reads;

import java.util.Locale;

/**
 * When an endpoint is warm enough to measure. Its warm-up pair (a bare and a gateway run, as a
 * measured round runs them) is repeated until the server's JIT compilers were busy less than
 * {@code quietCores} of a core over the pair, and at most {@code maxPairs} times, whatever they do.
 *
 * <p>Why not one pair: an endpoint whose answers are renewed while it is read (the counting
 * shower's) runs code no other endpoint runs, and the image's JIT thresholds ({@code
 * BenchContext.JIT}, ten times the JVM's) compile it at the rate its renewals come. With one warm-up
 * pair of 10 s runs, the compilers took 14 % of the server's core in that pair, 8 % in the first
 * measured one and 1 % from the second on, and the gateway arm's req/s rose from round to round
 * with them (ops/bench/REPORT.md, row 75).
 */
record WarmUp(double quietCores, int maxPairs) {

    /** Quiet: under 2 % of the server's one core, over the pair; the compilers' floor once warm was about 1 %. */
    static final WarmUp DEFAULT = new WarmUp(0.02, 6);

    WarmUp {
        if (!(quietCores > 0) || maxPairs < 1) {
            throw new IllegalArgumentException("quietCores must be positive and maxPairs at least 1: " + quietCores + ", " + maxPairs);
        }
    }

    /**
     * Whether to run another warm-up pair after {@code pairsRun} of them, the last of which kept
     * the compilers busy {@code compilerCores} of a core (their CPU seconds over the pair's seconds).
     */
    boolean again(int pairsRun, double compilerCores) {
        return pairsRun < maxPairs && compilerCores >= quietCores;
    }

    /** What the report says of the rule. */
    String describe() {
        return String.format(Locale.ROOT, "repeated until the server's JIT compiler threads were busy under %.0f %% of its core over the pair, "
                + "at most %d pairs", quietCores * 100, maxPairs);
    }
}
