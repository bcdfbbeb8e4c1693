package dev.starfall.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * Min, median and max of repeated measurements of one figure.
 *
 * @param min    smallest
 * @param median middle (mean of the two middle ones for an even count)
 * @param max    largest
 * @param n      how many
 */
public record Stats(double min, double median, double max, int n) {

    public static Stats of(List<Double> values) {
        if (values.isEmpty()) {
            throw new IllegalArgumentException("no measurements");
        }
        List<Double> v = new ArrayList<>(values);
        Collections.sort(v);
        int m = v.size() / 2;
        double median = v.size() % 2 == 1 ? v.get(m) : (v.get(m - 1) + v.get(m)) / 2;
        return new Stats(v.get(0), median, v.get(v.size() - 1), v.size());
    }

    /** {@code min / median / max} with {@code decimals} digits. */
    public String format(int decimals) {
        String f = "%,." + decimals + "f";
        return String.format(Locale.ROOT, f + " / " + f + " / " + f, min, median, max);
    }

    /** The p-th percentile (0..100) of {@code values}, nearest rank. */
    public static double percentile(List<Double> values, double p) {
        List<Double> v = new ArrayList<>(values);
        Collections.sort(v);
        int rank = (int) Math.ceil(p / 100.0 * v.size());
        return v.get(Math.max(0, Math.min(v.size() - 1, rank - 1)));
    }
}
