package fr.relais.worklist;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/**
 * Whether the radiologists on duty can open every waiting exam before its deadline, and if not, how
 * many more to call. A pure function of the queue, the radiologists and the clock, so that the night
 * simulation can run the rule production runs.
 *
 * <p>The queue is read as the worklist orders it (earliest deadline first): each radiologist takes
 * the next exam as soon as they are free (now, or when the exam they hold should be done, from the
 * catalogue's reading minutes) and is busy for that exam's reading minutes. An exam whose predicted
 * opening falls after its deadline will breach. Exams already past their deadline cannot be saved
 * by a call; they count as late and their reading still takes the radiologists' time. Called
 * radiologists are assumed free at once.
 */
public final class StaffingRule {

    /** An exam waiting to be opened: its deadline and the catalogue's reading minutes of its type. */
    public record Queued(Instant deadline, int readingMinutes) {}

    /** An exam held by a radiologist on duty: when it was opened and its reading minutes. */
    public record Held(Instant openedAt, int readingMinutes) {}

    /** A radiologist on duty, with the exams they hold (none: free now). */
    public record OnDutyRadiologist(List<Held> holding) {
        public static OnDutyRadiologist free() {
            return new OnDutyRadiologist(List.of());
        }
    }

    /**
     * What the rule found. queueMinutes: the reading time of the waiting exams; late: waiting exams
     * already past their deadline; breaches: exams that will pass theirs with the radiologists on
     * duty; firstBreach: the earliest such deadline (null: none); toCall: radiologists to call so that
     * none does (0 when none will).
     */
    public record Assessment(int waiting, long queueMinutes, int onDuty, int late, int breaches, Instant firstBreach,
                             int toCall) {
        public boolean understaffed() {
            return toCall > 0;
        }
    }

    private StaffingRule() {
    }

    public static Assessment assess(List<Queued> queue, List<OnDutyRadiologist> radiologists, Instant now) {
        List<Queued> ordered = queue.stream().sorted(Comparator.comparing(Queued::deadline)).toList();
        List<Instant> freeAt = radiologists.stream().map(r -> freeAt(r, now)).toList();
        long queueMinutes = ordered.stream().mapToLong(Queued::readingMinutes).sum();
        int late = (int) ordered.stream().filter(q -> q.deadline().isBefore(now)).count();
        Simulated tonight = simulate(ordered, freeAt, now);
        int toCall = 0;
        if (tonight.breaches() > 0) {
            // With one more free radiologist per waiting exam every exam opens now: the answer lies below.
            int low = 1;
            int high = ordered.size();
            while (low < high) {
                int mid = (low + high) / 2;
                if (simulate(ordered, withCalled(freeAt, mid, now), now).breaches() == 0) {
                    high = mid;
                } else {
                    low = mid + 1;
                }
            }
            toCall = low;
        }
        return new Assessment(ordered.size(), queueMinutes, radiologists.size(), late, tonight.breaches(),
                tonight.firstBreach(), toCall);
    }

    private record Simulated(int breaches, Instant firstBreach) {}

    /** Earliest deadline first onto whoever is free first; counts the exams not yet late that open too late. */
    private static Simulated simulate(List<Queued> ordered, List<Instant> freeAt, Instant now) {
        if (freeAt.isEmpty()) {
            List<Queued> saveable = ordered.stream().filter(q -> !q.deadline().isBefore(now)).toList();
            return new Simulated(saveable.size(), saveable.isEmpty() ? null : saveable.get(0).deadline());
        }
        PriorityQueue<Instant> free = new PriorityQueue<>(freeAt);
        int breaches = 0;
        Instant first = null;
        for (Queued q : ordered) {
            Instant opens = free.poll();
            if (!q.deadline().isBefore(now) && opens.isAfter(q.deadline())) {
                breaches++;
                first = first == null ? q.deadline() : first;
            }
            free.add(opens.plus(Duration.ofMinutes(q.readingMinutes())));
        }
        return new Simulated(breaches, first);
    }

    private static Instant freeAt(OnDutyRadiologist r, Instant now) {
        Instant free = Instant.MIN;
        for (Held h : r.holding().stream().sorted(Comparator.comparing(Held::openedAt)).toList()) {
            Instant start = h.openedAt().isAfter(free) ? h.openedAt() : free;
            free = start.plus(Duration.ofMinutes(h.readingMinutes()));
        }
        return free.isBefore(now) ? now : free;
    }

    private static List<Instant> withCalled(List<Instant> freeAt, int called, Instant now) {
        List<Instant> all = new ArrayList<>(freeAt);
        for (int i = 0; i < called; i++) {
            all.add(now);
        }
        return all;
    }
}
