package fr.relais.ai;

import java.util.Collection;

/** Thresholds chosen for sensitivity first: the triage prefers false positives to missed bleeds. */
public final class Thresholds {

    private Thresholds() {}

    /**
     * The highest threshold that still calls at least {@code target} of the labelled positives
     * positive (a score at or above the threshold is positive). With no positive, no threshold.
     */
    public static double forSensitivity(double target, Collection<Double> positiveScores) {
        if (!(target > 0 && target <= 1)) {
            throw new IllegalArgumentException("the target sensitivity must be in (0, 1], got " + target);
        }
        if (positiveScores.isEmpty()) {
            throw new IllegalArgumentException("a threshold needs at least one labelled positive");
        }
        double[] s = positiveScores.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int mayMiss = (int) Math.floor((1 - target) * s.length + 1e-9);
        return s[Math.min(mayMiss, s.length - 1)];
    }

    /** Sensitivity and specificity of {@code threshold} on a labelled set. */
    public record Performance(int truePositives, int falseNegatives, int trueNegatives, int falsePositives) {
        public double sensitivity() {
            return ratio(truePositives, truePositives + falseNegatives);
        }

        public double specificity() {
            return ratio(trueNegatives, trueNegatives + falsePositives);
        }

        private static double ratio(int a, int n) {
            return n == 0 ? Double.NaN : (double) a / n;
        }
    }

    public static Performance performance(double threshold, Collection<Double> positives, Collection<Double> negatives) {
        int tp = (int) positives.stream().filter(s -> s >= threshold).count();
        int fp = (int) negatives.stream().filter(s -> s >= threshold).count();
        return new Performance(tp, positives.size() - tp, negatives.size() - fp, fp);
    }

}
