package fr.relais.sim;

import fr.relais.ops.Percentiles;
import fr.relais.sim.NightSimulation.Night;
import fr.relais.sim.NightSimulation.Outcome;
import fr.relais.worklist.PriorityClass;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;

/** The figures of a simulated night, in minutes. */
final class NightStatistics {

    /** Mean, median, p90 and max of a set of durations in minutes (NaN when there are none). */
    record Summary(int count, double mean, double median, double p90, double max) {
        static Summary of(List<Outcome> outcomes, Function<Outcome, Duration> measure) {
            double[] minutes = outcomes.stream().mapToDouble(o -> measure.apply(o).toMillis() / 60_000.0).toArray();
            double max = java.util.Arrays.stream(minutes).max().orElse(Double.NaN);
            return new Summary(minutes.length, Percentiles.mean(minutes), Percentiles.of(minutes, 0.5),
                    Percentiles.of(minutes, 0.9), max);
        }
    }

    private final Night night;

    NightStatistics(Night night) {
        this.night = night;
    }

    List<Outcome> where(Predicate<Outcome> filter) {
        return night.outcomes().stream().filter(filter).toList();
    }

    Summary turnaround() {
        return Summary.of(night.outcomes(), Outcome::turnaround);
    }

    Summary turnaround(PriorityClass c) {
        return Summary.of(where(o -> o.exam().priorityClass() == c), Outcome::turnaround);
    }

    Summary timeToOpen(PriorityClass c) {
        return Summary.of(where(o -> o.exam().priorityClass() == c), Outcome::timeToOpen);
    }

    Summary timeToOpenOfBleeds() {
        return Summary.of(where(o -> o.exam().bleed()), Outcome::timeToOpen);
    }

    long deadlinesMissed() {
        return night.outcomes().stream().filter(Outcome::deadlineMissed).count();
    }

    /** Reading time over the radiologist time rostered (the roster's hours, and the overflow after them). */
    double utilisation() {
        return busyMinutes(night.start().minus(Duration.ofDays(1)), Instant.MAX) / availableMinutes();
    }

    double availableMinutes() {
        double rostered = night.roster().stream().mapToInt(Integer::intValue).sum() * 60.0;
        Instant lastSigned = night.outcomes().isEmpty() ? night.end()
                : night.outcomes().get(night.outcomes().size() - 1).signed();
        double overflow = lastSigned.isAfter(night.end())
                ? Duration.between(night.end(), lastSigned).toMillis() / 60_000.0 * night.overflowRadiologists() : 0;
        return rostered + overflow;
    }

    /** Utilisation during hour h of the roster (may pass 100% a little: an exam begun is finished). */
    double utilisation(int hour) {
        Instant from = night.start().plus(Duration.ofHours(hour));
        int rostered = night.roster().get(hour);
        return rostered == 0 ? Double.NaN : busyMinutes(from, from.plus(Duration.ofHours(1))) / (rostered * 60.0);
    }

    long arrivals(int hour) {
        Instant from = night.start().plus(Duration.ofHours(hour));
        Instant to = from.plus(Duration.ofHours(1));
        return night.outcomes().stream()
                .filter(o -> !o.exam().firstImage().isBefore(from) && o.exam().firstImage().isBefore(to)).count();
    }

    private double busyMinutes(Instant from, Instant to) {
        double minutes = 0;
        for (Outcome o : night.outcomes()) {
            Instant a = o.opened().isAfter(from) ? o.opened() : from;
            Instant b = o.signed().isBefore(to) ? o.signed() : to;
            if (b.isAfter(a)) {
                minutes += Duration.between(a, b).toMillis() / 60_000.0;
            }
        }
        return minutes;
    }
}
