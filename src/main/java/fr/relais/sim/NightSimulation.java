package fr.relais.sim;

import fr.relais.request.Urgency;
import fr.relais.sim.NightProfile.ExamKind;
import fr.relais.sim.NightProfile.PlannedExam;
import fr.relais.worklist.PriorityClass;
import fr.relais.worklist.WorklistPolicy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * A discrete-event simulation of one night of the common worklist. Virtual radiologists, as many
 * per hour as the roster says, each take the next exam the moment they are free; "next" is chosen
 * by a {@link Policy}, the production one being {@link WorklistPolicy} itself. Events are exams
 * becoming ready, radiologists signing, and the hour changing (the roster may grow).
 */
public final class NightSimulation {

    /** How a free radiologist picks the next exam among those waiting. */
    public enum Policy {
        /** First ready, first read. */
        FIFO("first in, first out"),
        /** Vital before urgent before can-wait, first ready first within a class; AI ignored. */
        URGENCY("urgency only"),
        /** Production: earliest deadline first, an AI-positive finding lifting the exam. */
        DEADLINE_AI("deadline with AI (production)");

        private final String label;

        Policy(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    /** Reading time of an exam kind: lognormal of this mean, {@code spread} its log-space sigma (0: fixed). */
    public record ReadingTime(double meanMinutes, double spread) {
        public ReadingTime {
            if (meanMinutes <= 0 || spread < 0) {
                throw new IllegalArgumentException("a reading time needs a positive mean and a spread >= 0");
            }
        }

        Duration draw(Random random) {
            double minutes = spread == 0 ? meanMinutes
                    : Math.exp(Math.log(meanMinutes) - spread * spread / 2 + spread * random.nextGaussian());
            return Duration.ofMillis(Math.round(minutes * 60_000));
        }
    }

    /** Default reading times: head about 12 min (10–16), abdomen 18, angiography 15, thorax 13, trauma 40. */
    public static Map<ExamKind, ReadingTime> defaultReadingTimes(double spread) {
        Map<ExamKind, ReadingTime> m = new EnumMap<>(ExamKind.class);
        m.put(ExamKind.HEAD, new ReadingTime(12, spread));
        m.put(ExamKind.ABDOMEN_PELVIS, new ReadingTime(18, spread));
        m.put(ExamKind.ANGIOGRAPHY, new ReadingTime(15, spread));
        m.put(ExamKind.THORAX, new ReadingTime(13, spread));
        m.put(ExamKind.TRAUMA, new ReadingTime(40, spread));
        return m;
    }

    /** How a planned exam becomes a simulated one: the AI engine's performance, reading times, readiness. */
    public record ExamModel(Map<ExamKind, ReadingTime> readingTimes, double aiSensitivity, double aiSpecificity,
                            Duration readyDelay) {}

    /** An exam as the simulation sees it; the reading time is drawn once, so every policy reads the same night. */
    public record SimExam(long id, long hospitalId, ExamKind kind, Urgency urgency, boolean bleed, boolean aiPositive,
                          Instant firstImage, Instant ready, Duration reading) {
        public PriorityClass priorityClass() {
            return WorklistPolicy.classify(urgency, aiPositive);
        }
    }

    /** What happened to one exam. */
    public record Outcome(SimExam exam, Instant deadline, Instant opened, Instant signed, int radiologist) {
        public Duration turnaround() {
            return Duration.between(exam.firstImage(), signed);
        }

        public Duration timeToOpen() {
            return Duration.between(exam.ready(), opened);
        }

        public boolean deadlineMissed() {
            return opened.isAfter(deadline);
        }
    }

    /** A simulated night: every outcome, in order of signature, and the roster it ran with. */
    public record Night(Instant start, List<Integer> roster, List<Outcome> outcomes) {
        public Instant end() {
            return start.plus(Duration.ofHours(roster.size()));
        }

        /** Radiologists still there after the roster's last hour, finishing the queue. */
        int overflowRadiologists() {
            return Math.max(1, roster.get(roster.size() - 1));
        }
    }

    private NightSimulation() {
    }

    /**
     * Turns a planned night into simulated exams: AI result on head CTs (the haemorrhage engine,
     * a bleed found with the sensitivity, a false alarm at 1 − specificity) and a reading time.
     */
    public static List<SimExam> exams(List<PlannedExam> plan, ExamModel model, long seed) {
        Random random = new Random(seed ^ 0x5DEECE66DL);
        List<SimExam> exams = new ArrayList<>(plan.size());
        for (PlannedExam p : plan) {
            boolean aiPositive = p.kind() == ExamKind.HEAD
                    && (p.bleed() ? random.nextDouble() < model.aiSensitivity()
                                  : random.nextDouble() >= model.aiSpecificity());
            Duration reading = model.readingTimes().get(p.kind()).draw(random);
            exams.add(new SimExam(p.number(), p.hospital(), p.kind(), p.urgency(), p.bleed(), aiPositive,
                    p.firstImage(), p.firstImage().plus(model.readyDelay()), reading));
        }
        return exams;
    }

    /** Runs the night: {@code roster.get(h)} radiologists during hour h from {@code start}. */
    public static Night run(List<SimExam> exams, Instant start, List<Integer> roster, Policy policy,
                            WorklistPolicy.Targets targets) {
        if (roster.isEmpty() || roster.stream().anyMatch(n -> n < 0)) {
            throw new IllegalArgumentException("a roster has one count (>= 0) per hour");
        }
        WorklistPolicy production = new WorklistPolicy(targets);
        Night night = new Night(start, List.copyOf(roster), List.of());
        int seats = Math.max(night.overflowRadiologists(), roster.stream().mapToInt(Integer::intValue).max().orElse(1));
        Instant[] freeAt = new Instant[seats];
        Arrays.fill(freeAt, Instant.MIN);
        List<SimExam> pending = new ArrayList<>(exams);
        pending.sort(Comparator.comparing(SimExam::ready).thenComparingLong(SimExam::id));
        List<SimExam> waiting = new ArrayList<>();
        List<Outcome> outcomes = new ArrayList<>(exams.size());
        int next = 0;
        Instant now = pending.isEmpty() ? start : min(start, pending.get(0).ready());
        while (next < pending.size() || !waiting.isEmpty()) {
            while (next < pending.size() && !pending.get(next).ready().isAfter(now)) {
                waiting.add(pending.get(next++));
            }
            int onDuty = onDuty(night, now);
            for (int r = 0; r < onDuty && !waiting.isEmpty(); r++) {
                if (freeAt[r].isAfter(now)) {
                    continue;
                }
                SimExam exam = pick(waiting, policy, production, now);
                waiting.remove(exam);
                Instant signed = now.plus(exam.reading());
                freeAt[r] = signed;
                PriorityClass c = exam.priorityClass();
                outcomes.add(new Outcome(exam, production.deadline(exam.ready(), c), now, signed, r));
            }
            // The next event: an exam ready, a radiologist free, or the hour changing while exams wait.
            Instant nextEvent = next < pending.size() ? pending.get(next).ready() : Instant.MAX;
            for (Instant f : freeAt) {
                if (f.isAfter(now) && f.isBefore(nextEvent)) {
                    nextEvent = f;
                }
            }
            if (!waiting.isEmpty() && now.isBefore(night.end())) {
                Instant nextHour = now.isBefore(start) ? start
                        : start.plus(Duration.ofHours(Duration.between(start, now).toHours() + 1));
                nextEvent = min(nextEvent, nextHour);
            }
            if (nextEvent.equals(Instant.MAX)) {
                break;
            }
            now = nextEvent;
        }
        outcomes.sort(Comparator.comparing(Outcome::signed).thenComparingLong(o -> o.exam().id()));
        return new Night(start, night.roster(), List.copyOf(outcomes));
    }

    static int onDuty(Night night, Instant t) {
        if (!t.isBefore(night.end())) {
            return night.overflowRadiologists();
        }
        long hour = t.isBefore(night.start()) ? 0 : Duration.between(night.start(), t).toHours();
        return night.roster().get((int) hour);
    }

    private static SimExam pick(List<SimExam> waiting, Policy policy, WorklistPolicy production, Instant now) {
        return switch (policy) {
            case FIFO -> waiting.stream()
                    .min(Comparator.comparing(SimExam::ready).thenComparingLong(SimExam::id)).orElseThrow();
            case URGENCY -> waiting.stream()
                    .min(Comparator.comparing(SimExam::urgency).thenComparing(SimExam::ready)
                            .thenComparingLong(SimExam::id)).orElseThrow();
            case DEADLINE_AI -> {
                // The very call the production worklist makes: rank the waiting exams, take the first.
                Map<Long, SimExam> byId = new HashMap<>();
                Set<Long> hospitals = new HashSet<>();
                List<WorklistPolicy.Waiting> queue = new ArrayList<>(waiting.size());
                for (SimExam e : waiting) {
                    byId.put(e.id(), e);
                    hospitals.add(e.hospitalId());
                    queue.add(new WorklistPolicy.Waiting(e.id(), e.hospitalId(), e.urgency(), e.aiPositive(), e.ready()));
                }
                yield byId.get(production.queueFor(queue, hospitals).get(0).exam().examId());
            }
        };
    }

    private static Instant min(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }
}
