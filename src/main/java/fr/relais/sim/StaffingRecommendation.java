package fr.relais.sim;

import fr.relais.sim.NightSimulation.Night;
import fr.relais.sim.NightSimulation.Outcome;
import fr.relais.sim.NightSimulation.Policy;
import fr.relais.sim.NightSimulation.SimExam;
import fr.relais.worklist.PriorityClass;
import fr.relais.worklist.WorklistPolicy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * The fewest radiologists per hour that keep the mean turnaround under a target and open vital
 * exams quickly enough (their time to open at the 90th percentile, or every one of them), under the
 * production policy, over one or more simulated nights pooled together.
 *
 * <p>Search: the smallest flat roster that meets both, then, one radiologist-hour at a time, the
 * removal that hurts the mean turnaround least while both still hold, until none can go.
 */
final class StaffingRecommendation {

    /** A roster and what it achieved over the pooled nights. */
    record Result(List<Integer> roster, double meanTurnaround, double vitalOpenP90, double vitalOpenMax) {
        int radiologistHours() {
            return roster.stream().mapToInt(Integer::intValue).sum();
        }
    }

    static final int MOST_RADIOLOGISTS = 60;

    private final List<List<SimExam>> nights;
    private final Instant start;
    private final int hours;
    private final WorklistPolicy.Targets targets;
    private final double targetMeanMinutes;
    private final double vitalOpenMinutes;
    private final boolean everyVital;

    StaffingRecommendation(List<List<SimExam>> nights, Instant start, int hours, WorklistPolicy.Targets targets,
                           double targetMeanMinutes, double vitalOpenMinutes) {
        this(nights, start, hours, targets, targetMeanMinutes, vitalOpenMinutes, false);
    }

    /** everyVital: the limit holds for the longest wait of a vital exam, not its 90th percentile. */
    StaffingRecommendation(List<List<SimExam>> nights, Instant start, int hours, WorklistPolicy.Targets targets,
                           double targetMeanMinutes, double vitalOpenMinutes, boolean everyVital) {
        this.nights = nights;
        this.start = start;
        this.hours = hours;
        this.targets = targets;
        this.targetMeanMinutes = targetMeanMinutes;
        this.vitalOpenMinutes = vitalOpenMinutes;
        this.everyVital = everyVital;
    }

    /** Empty when even {@value #MOST_RADIOLOGISTS} radiologists every hour miss the targets. */
    Optional<Result> fewest() {
        Result best = null;
        for (int k = 1; k <= MOST_RADIOLOGISTS && best == null; k++) {
            Result flat = evaluate(Collections.nCopies(hours, k));
            if (meets(flat)) {
                best = flat;
            }
        }
        if (best == null) {
            return Optional.empty();
        }
        while (true) {
            Result next = null;
            for (int h = 0; h < hours; h++) {
                if (best.roster().get(h) <= 1) {
                    continue;
                }
                List<Integer> fewer = new ArrayList<>(best.roster());
                fewer.set(h, fewer.get(h) - 1);
                Result tried = evaluate(fewer);
                if (meets(tried) && (next == null || tried.meanTurnaround() < next.meanTurnaround())) {
                    next = tried;
                }
            }
            if (next == null) {
                return Optional.of(best);
            }
            best = next;
        }
    }

    boolean meets(Result r) {
        double vital = everyVital ? r.vitalOpenMax() : r.vitalOpenP90();
        return r.meanTurnaround() <= targetMeanMinutes && (Double.isNaN(vital) || vital <= vitalOpenMinutes);
    }

    Result evaluate(List<Integer> roster) {
        List<Outcome> pooled = new ArrayList<>();
        for (List<SimExam> exams : nights) {
            Night night = NightSimulation.run(exams, start, roster, Policy.DEADLINE_AI, targets);
            pooled.addAll(night.outcomes());
        }
        NightStatistics.Summary turnaround = NightStatistics.Summary.of(pooled, Outcome::turnaround);
        NightStatistics.Summary vital = NightStatistics.Summary.of(
                pooled.stream().filter(o -> o.exam().priorityClass() == PriorityClass.VITAL).toList(),
                Outcome::timeToOpen);
        return new Result(List.copyOf(roster), turnaround.mean(), vital.p90(), vital.max());
    }
}
