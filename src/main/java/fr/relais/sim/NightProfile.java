package fr.relais.sim;

import fr.relais.request.Urgency;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

/**
 * The night both simulators play: when the exams arrive (busiest in the evening), which exams
 * (head 50%, abdomen-pelvis 27%, angiography 17%, thorax 4%, whole-body trauma 1.5%), how urgent,
 * and which head CTs bleed (6%). The night simulation and the hospital simulator draw from the
 * same plan, so a simulated night and a demo night look alike.
 */
public final class NightProfile {

    /** The exams of the mix, with the catalogue code the hospital simulator requests. */
    public enum ExamKind {
        HEAD("CT_HEAD", 0.50),
        ABDOMEN_PELVIS("CT_ABDO_PELVIS_C", 0.27),
        ANGIOGRAPHY("CT_PULM_ANGIO", 0.17),
        THORAX("CT_THORAX", 0.04),
        TRAUMA("CT_TRAUMA", 0.015);

        private final String examTypeCode;
        private final double share;

        ExamKind(String examTypeCode, double share) {
            this.examTypeCode = examTypeCode;
            this.share = share;
        }

        public String examTypeCode() {
            return examTypeCode;
        }
    }

    /** One exam of the night: its first image arrives at {@code firstImage}, from hospital 1..N. */
    public record PlannedExam(int number, Instant firstImage, int hospital, ExamKind kind, Urgency urgency,
                              boolean bleed) {}

    /** Relative arrivals per hour from 20:00 to 08:00: the evening is busiest, the small hours quiet. */
    static final double[] HOURLY_WEIGHTS = {11, 11, 10, 10, 9, 8, 7, 6, 6, 6, 7, 9};
    public static final int HOURS = HOURLY_WEIGHTS.length;
    /** Share of P1 (vital) and P2 (urgent) among the non-trauma exams; the rest is P3. Trauma is vital. */
    static final double VITAL_SHARE = 0.08;
    static final double URGENT_SHARE = 0.57;
    static final double HEAD_BLEED_SHARE = 0.06;

    private NightProfile() {
    }

    /**
     * {@code exams} exams of a night starting at {@code nightStart} (20:00), from {@code hospitals}
     * hospitals, in order of arrival; the same seed gives the same night.
     */
    public static List<PlannedExam> plan(int exams, int hospitals, Instant nightStart, long seed) {
        if (exams < 0 || hospitals < 1) {
            throw new IllegalArgumentException("a night needs at least 0 exams and 1 hospital");
        }
        Random random = new Random(seed);
        double weightSum = 0;
        for (double w : HOURLY_WEIGHTS) {
            weightSum += w;
        }
        double shareSum = 0;
        for (ExamKind k : ExamKind.values()) {
            shareSum += k.share;
        }
        List<PlannedExam> drawn = new ArrayList<>(exams);
        for (int i = 0; i < exams; i++) {
            int hour = pick(random, HOURLY_WEIGHTS, weightSum);
            long second = hour * 3600L + (long) (random.nextDouble() * 3600);
            Instant at = nightStart.plus(Duration.ofSeconds(second));
            ExamKind kind = kindOf(random.nextDouble() * shareSum);
            double u = random.nextDouble();
            Urgency urgency = kind == ExamKind.TRAUMA || u < VITAL_SHARE ? Urgency.P1
                    : u < VITAL_SHARE + URGENT_SHARE ? Urgency.P2 : Urgency.P3;
            boolean bleed = kind == ExamKind.HEAD && random.nextDouble() < HEAD_BLEED_SHARE;
            drawn.add(new PlannedExam(0, at, 1 + random.nextInt(hospitals), kind, urgency, bleed));
        }
        drawn.sort(Comparator.comparing(PlannedExam::firstImage));
        List<PlannedExam> numbered = new ArrayList<>(exams);
        for (int i = 0; i < drawn.size(); i++) {
            PlannedExam e = drawn.get(i);
            numbered.add(new PlannedExam(i + 1, e.firstImage(), e.hospital(), e.kind(), e.urgency(), e.bleed()));
        }
        return numbered;
    }

    private static int pick(Random random, double[] weights, double sum) {
        double x = random.nextDouble() * sum;
        for (int i = 0; i < weights.length; i++) {
            x -= weights[i];
            if (x < 0) {
                return i;
            }
        }
        return weights.length - 1;
    }

    private static ExamKind kindOf(double x) {
        for (ExamKind k : ExamKind.values()) {
            x -= k.share;
            if (x < 0) {
                return k;
            }
        }
        return ExamKind.HEAD;
    }
}
