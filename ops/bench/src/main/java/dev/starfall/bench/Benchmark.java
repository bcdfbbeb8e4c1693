package dev.starfall.bench;

/** One figure group of the report, run by {@link Bench}. */
public interface Benchmark {

    /** Short name used on the command line, e.g. {@code reads}. */
    String name();

    /** Runs the benchmark and returns its section of the report. */
    Section run(BenchContext ctx) throws Exception;
}
