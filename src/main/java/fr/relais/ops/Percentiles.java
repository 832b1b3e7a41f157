package fr.relais.ops;

import java.util.Arrays;
import java.util.Collection;

/**
 * Mean and percentiles of a set of durations (any unit). Percentiles interpolate linearly between
 * the two nearest ranks, as PostgreSQL's {@code percentile_cont} does, so that figures computed in
 * SQL and in Java agree.
 */
public final class Percentiles {

    private Percentiles() {
    }

    /** The p-th percentile (0..1) of the values; NaN when there are none. */
    public static double of(Collection<? extends Number> values, double p) {
        return of(values.stream().mapToDouble(Number::doubleValue).toArray(), p);
    }

    public static double of(double[] values, double p) {
        if (p < 0 || p > 1) {
            throw new IllegalArgumentException("a percentile is between 0 and 1, got " + p);
        }
        if (values.length == 0) {
            return Double.NaN;
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        double rank = p * (sorted.length - 1);
        int below = (int) Math.floor(rank);
        int above = (int) Math.ceil(rank);
        return sorted[below] + (rank - below) * (sorted[above] - sorted[below]);
    }

    public static double mean(double[] values) {
        return values.length == 0 ? Double.NaN : Arrays.stream(values).average().orElseThrow();
    }
}
