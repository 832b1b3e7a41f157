package fr.relais.worklist;

import fr.relais.request.Urgency;
import fr.relais.worklist.WorklistPolicy.Ranked;
import fr.relais.worklist.WorklistPolicy.Waiting;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class WorklistPolicyTest {

    private static final Instant T0 = Instant.parse("2026-11-27T22:00:00Z");
    private final WorklistPolicy policy = new WorklistPolicy(WorklistPolicy.Targets.DEFAULTS);

    private static Waiting exam(long id, Urgency urgency, boolean ai, int readyMinutesAfterT0) {
        return new Waiting(id, 1, urgency, ai, T0.plus(Duration.ofMinutes(readyMinutesAfterT0)));
    }

    private List<Long> order(Waiting... exams) {
        return policy.queueFor(List.of(exams), Set.of(1L)).stream().map(r -> r.exam().examId()).toList();
    }

    @Test
    void aVitalExamGoesBeforeAnUrgentOneThatArrivedEarlier() {
        // Urgent ready at T0 (deadline T0+30), vital ready at T0+15 (deadline T0+25).
        assertThat(order(exam(1, Urgency.P2, false, 0), exam(2, Urgency.P1, false, 15))).containsExactly(2L, 1L);
    }

    @Test
    void anAiPositiveFindingLiftsAnExamAboveUrgentOnes() {
        // Both ready at T0: AI-positive deadline T0+15 beats urgent T0+30; deferrable AI-positive too.
        assertThat(order(exam(1, Urgency.P2, false, 0), exam(2, Urgency.P3, true, 0))).containsExactly(2L, 1L);
        assertThat(WorklistPolicy.classify(Urgency.P3, true)).isEqualTo(PriorityClass.AI_POSITIVE);
        assertThat(WorklistPolicy.classify(Urgency.P1, true)).isEqualTo(PriorityClass.VITAL);
    }

    @Test
    void theEarliestDeadlineGoesFirstAcrossClasses() {
        // A deferrable exam waiting for 50 minutes (deadline T0+60) goes before an urgent one just ready
        // (deadline T0+50+30): the deadline, not the class alone, orders the queue.
        assertThat(order(exam(1, Urgency.P2, false, 50), exam(2, Urgency.P3, false, 0))).containsExactly(2L, 1L);
    }

    @Test
    void tiesAreBrokenByArrivalThenById() {
        // Same deadline T0+30: urgent ready at T0 and AI-positive ready at T0+15.
        assertThat(order(exam(1, Urgency.P3, true, 15), exam(2, Urgency.P2, false, 0))).containsExactly(2L, 1L);
        assertThat(order(exam(9, Urgency.P2, false, 0), exam(3, Urgency.P2, false, 0))).containsExactly(3L, 9L);
    }

    @Test
    void aRadiologistSeesOnlyTheHospitalsTheyAreAuthorisedFor() {
        Waiting mine = new Waiting(1, 10, Urgency.P3, false, T0);
        Waiting other = new Waiting(2, 20, Urgency.P1, false, T0);
        List<Ranked> queue = policy.queueFor(List.of(mine, other), Set.of(10L));
        assertThat(queue).extracting(r -> r.exam().examId()).containsExactly(1L);
        assertThat(policy.queueFor(List.of(mine, other), Set.of())).isEmpty();
    }

    @Test
    void deadlinesFollowTheConfiguredTargets() {
        WorklistPolicy strict = new WorklistPolicy(new WorklistPolicy.Targets(Duration.ofMinutes(5),
                Duration.ofMinutes(7), Duration.ofMinutes(20), Duration.ofMinutes(45)));
        assertThat(strict.deadline(T0, PriorityClass.VITAL)).isEqualTo(T0.plus(Duration.ofMinutes(5)));
        assertThat(policy.deadline(T0, PriorityClass.DEFERRABLE)).isEqualTo(T0.plus(Duration.ofMinutes(60)));
        Ranked late = policy.rank(exam(1, Urgency.P1, false, 0));
        assertThat(WorklistPolicy.lateness(late, T0.plus(Duration.ofMinutes(12)))).isEqualTo(Duration.ofMinutes(2));
    }
}
