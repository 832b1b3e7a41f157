package fr.relais.worklist;

import fr.relais.request.Urgency;

import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * The one number that orders the common worklist: the deadline = time ready + the target of the
 * exam's class (ARCHITECTURE.md, Priority). Earliest deadline first, ties by arrival. A pure
 * function of the exam and the clock, so that the night simulation runs the code production runs;
 * the queue's SQL orders by the same columns this class computes.
 */
public final class WorklistPolicy {

    /** Targets per class (defaults: vital 10 min, AI-positive 15, urgent 30, deferrable 60). */
    public record Targets(Duration vital, Duration aiPositive, Duration urgent, Duration deferrable) {
        public static final Targets DEFAULTS = new Targets(Duration.ofMinutes(10), Duration.ofMinutes(15),
                Duration.ofMinutes(30), Duration.ofMinutes(60));

        public Duration of(PriorityClass c) {
            return switch (c) {
                case VITAL -> vital;
                case AI_POSITIVE -> aiPositive;
                case URGENT -> urgent;
                case DEFERRABLE -> deferrable;
            };
        }
    }

    /** What the policy needs of an exam waiting to be read. */
    public record Waiting(long examId, long hospitalId, Urgency urgency, boolean aiPositive, Instant readyAt) {}

    /** An exam with its class and deadline, in queue order. */
    public record Ranked(Waiting exam, PriorityClass priorityClass, Instant deadline) {}

    private final Targets targets;

    public WorklistPolicy(Targets targets) {
        this.targets = targets;
    }

    /** A vital emergency stays vital; an AI-positive finding lifts any other exam into its own class. */
    public static PriorityClass classify(Urgency urgency, boolean aiPositive) {
        if (urgency == Urgency.P1) {
            return PriorityClass.VITAL;
        }
        if (aiPositive) {
            return PriorityClass.AI_POSITIVE;
        }
        return urgency == Urgency.P2 ? PriorityClass.URGENT : PriorityClass.DEFERRABLE;
    }

    public Instant deadline(Instant readyAt, PriorityClass priorityClass) {
        return readyAt.plus(targets.of(priorityClass));
    }

    public Ranked rank(Waiting exam) {
        PriorityClass c = classify(exam.urgency(), exam.aiPositive());
        return new Ranked(exam, c, deadline(exam.readyAt(), c));
    }

    /** Earliest deadline first, then earliest arrival, then the smaller id (a total, stable order). */
    public static final Comparator<Ranked> ORDER = Comparator.comparing(Ranked::deadline)
            .thenComparing(r -> r.exam().readyAt())
            .thenComparingLong(r -> r.exam().examId());

    /** The queue one radiologist sees: only the hospitals they are authorised for, in order. */
    public List<Ranked> queueFor(List<Waiting> waiting, Set<Long> authorisedHospitals) {
        return waiting.stream()
                .filter(w -> authorisedHospitals.contains(w.hospitalId()))
                .map(this::rank)
                .sorted(ORDER)
                .toList();
    }

    /** How long past its deadline an exam is at {@code now} (negative: time left). */
    public static Duration lateness(Ranked exam, Instant now) {
        return Duration.between(exam.deadline(), now);
    }
}
