package fr.relais.ai;

import fr.relais.dicom.CtSlice;
import fr.relais.sim.SyntheticCt;
import fr.relais.sim.SyntheticCt.Bleed;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * {@code ./relais bench ai [--studies N] [--slices N] [--matrix N] [--seed S]}: the reference
 * detector on a generated labelled set, half with a bleed of random size (semi-axes 3–14 mm) and
 * place, half normal. Prints the threshold derived for 95% sensitivity, sensitivity and
 * specificity at it, and the time per study (reading the files, decoding, detecting).
 */
public final class AiBench {

    /** The threshold V8__ai.sql gives the reference detector for ICH. */
    static final double DEFAULT_THRESHOLD_ML = 0.1;

    public static void main(String[] args) throws Exception {
        int studies = 40, slices = 100, matrix = 512;
        long seed = 2026;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--studies" -> studies = Integer.parseInt(args[++i]);
                case "--slices" -> slices = Integer.parseInt(args[++i]);
                case "--matrix" -> matrix = Integer.parseInt(args[++i]);
                case "--seed" -> seed = Long.parseLong(args[++i]);
                default -> {
                    System.err.println("usage: bench ai [--studies N] [--slices N] [--matrix N] [--seed S]");
                    System.exit(2);
                }
            }
        }
        SplittableRandom random = new SplittableRandom(seed);
        Path work = Files.createTempDirectory("relais-bench-ai-");
        List<Double> positives = new ArrayList<>();
        List<Double> negatives = new ArrayList<>();
        List<Double> smallestFound = new ArrayList<>();
        long[] nanos = new long[studies];
        System.out.printf(Locale.ROOT, "bench ai: %d studies (%d with a bleed), %d slices of %d x %d, %d cores%n",
                studies, studies / 2, slices, matrix, matrix, Runtime.getRuntime().availableProcessors());
        for (int k = 0; k < studies; k++) {
            boolean bleed = k % 2 == 0;
            Bleed where = bleed ? randomBleed(random) : null;
            Path dir = work.resolve("s" + k);
            SyntheticCt.GeneratedStudy study = SyntheticCt.generate(SyntheticCt.StudySpec.builder().slices(slices)
                    .rows(matrix).columns(matrix).bleed(bleed).seed(seed + k).build(), dir, where);
            long t0 = System.nanoTime();
            HaemorrhageDetector detector = new HaemorrhageDetector();
            for (Path f : study.files()) {
                detector.add(CtSlice.read(Files.readAllBytes(f)));
            }
            HaemorrhageDetector.Finding found = detector.finding();
            nanos[k] = System.nanoTime() - t0;
            (bleed ? positives : negatives).add(found.volumeMl());
            if (bleed) {
                smallestFound.add(where.volumeMl());
            }
            System.out.printf(Locale.ROOT, "  study %2d  %-6s %s  score %7.3f mL  %5d ms%n", k + 1,
                    bleed ? "bleed" : "normal", bleed ? String.format(Locale.ROOT, "(%5.2f mL)", where.volumeMl())
                            : "           ", found.volumeMl(), nanos[k] / 1_000_000);
            deleteTree(dir);
        }
        double threshold = Thresholds.forSensitivity(0.95, positives);
        Thresholds.Performance p = Thresholds.performance(threshold, positives, negatives);
        long[] ms = Arrays.stream(nanos).map(n -> n / 1_000_000).sorted().toArray();
        System.out.printf(Locale.ROOT, "threshold for 95%% target sensitivity: %.3f mL (largest hyperdense component)%n",
                threshold);
        System.out.printf(Locale.ROOT, "at it: sensitivity %.3f (%d/%d), specificity %.3f (%d/%d)%n", p.sensitivity(),
                p.truePositives(), positives.size(), p.specificity(), p.trueNegatives(), negatives.size());
        Thresholds.Performance atDefault = Thresholds.performance(DEFAULT_THRESHOLD_ML, positives, negatives);
        System.out.printf(Locale.ROOT, "at the shipped threshold %.1f mL: sensitivity %.3f (%d/%d), specificity %.3f (%d/%d)%n",
                DEFAULT_THRESHOLD_ML, atDefault.sensitivity(), atDefault.truePositives(), positives.size(),
                atDefault.specificity(), atDefault.trueNegatives(), negatives.size());
        System.out.printf(Locale.ROOT, "highest normal score %.3f mL, lowest bleed score %.3f mL%n",
                negatives.stream().mapToDouble(Double::doubleValue).max().orElse(0),
                positives.stream().mapToDouble(Double::doubleValue).min().orElse(0));
        System.out.printf(Locale.ROOT, "time per study: median %d ms, max %d ms (%.1f ms per slice)%n",
                ms[ms.length / 2], ms[ms.length - 1], (double) ms[ms.length / 2] / slices);
        // Last, one machine-readable line per figure: bench ai NAME VALUE UNIT.
        System.out.printf(Locale.ROOT, "bench ai threshold_95 %.3f mL%n", threshold);
        System.out.printf(Locale.ROOT, "bench ai sensitivity %.3f 1%n", p.sensitivity());
        System.out.printf(Locale.ROOT, "bench ai specificity %.3f 1%n", p.specificity());
        System.out.printf(Locale.ROOT, "bench ai time_per_study_median %d ms%n", ms[ms.length / 2]);
        deleteTree(work);
    }

    /** A haematoma somewhere in the brain, away from the ventricles, semi-axes 3–14 mm. */
    static Bleed randomBleed(SplittableRandom r) {
        while (true) {
            double ax = 3 + 11 * r.nextDouble(), ay = 3 + 11 * r.nextDouble(), az = 3 + 11 * r.nextDouble();
            double x = (r.nextBoolean() ? 1 : -1) * (22 + 30 * r.nextDouble());
            double y = -60 + 120 * r.nextDouble();
            double z = -20 + 60 * r.nextDouble();
            if (insideBrain(x, y, z, ax, ay, az)) {
                return new Bleed(x, y, z, ax, ay, az);
            }
        }
    }

    /** The bleed and its 3 mm rim keep 20 mm from the outer surface of the head at both its ends. */
    private static boolean insideBrain(double x, double y, double z, double ax, double ay, double az) {
        if (Math.abs(x) - ax - 3 < 16) {
            return false; // the lateral ventricles
        }
        for (double zz : new double[] {z - az - 3, z + az + 3}) {
            double t = zz / (zz >= 0 ? 100 : 115);
            if (t * t >= 1) {
                return false;
            }
            double s = Math.sqrt(1 - t * t);
            double a = 78 * s - 20, b = 98 * s - 20;
            if (a <= 0 || b <= 0) {
                return false;
            }
            double dx = (Math.abs(x) + ax + 3) / a, dy = (Math.abs(y) + ay + 3) / b;
            if (dx * dx + dy * dy > 1) {
                return false;
            }
        }
        return true;
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
