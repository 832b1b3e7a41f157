package fr.relais.worklist;

import fr.relais.worklist.StaffingRule.Assessment;
import fr.relais.worklist.StaffingRule.Held;
import fr.relais.worklist.StaffingRule.OnDutyRadiologist;
import fr.relais.worklist.StaffingRule.Queued;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class StaffingRuleTest {

    private static final Instant NOW = Instant.parse("2026-12-02T02:00:00Z");
    private static final OnDutyRadiologist FREE = OnDutyRadiologist.free();

    private static Queued due(int minutesFromNow, int readingMinutes) {
        return new Queued(NOW.plus(Duration.ofMinutes(minutesFromNow)), readingMinutes);
    }

    private static List<OnDutyRadiologist> free(int n) {
        return Collections.nCopies(n, FREE);
    }

    @Test
    void twoRadiologistsAbsorbAQueueThatOpensInTime() {
        // Two exams open at once; the third waits 12 minutes and is due in 30.
        Assessment a = StaffingRule.assess(List.of(due(10, 12), due(15, 12), due(30, 14)), free(2), NOW);
        assertThat(a.understaffed()).isFalse();
        assertThat(a.breaches()).isZero();
        assertThat(a.queueMinutes()).isEqualTo(38);
        assertThat(a.toCall()).isZero();
    }

    @Test
    void oneRadiologistFacingThreeExamsDueSoonNeedsTwoMoreCalled() {
        // One radiologist: the second opens at +12 (due +10) and the third at +24 (due +11).
        Assessment a = StaffingRule.assess(List.of(due(5, 12), due(10, 12), due(11, 12)), free(1), NOW);
        assertThat(a.understaffed()).isTrue();
        assertThat(a.breaches()).isEqualTo(2);
        assertThat(a.firstBreach()).isEqualTo(NOW.plus(Duration.ofMinutes(10)));
        assertThat(a.toCall()).isEqualTo(2);
    }

    @Test
    void aRadiologistBusyWithALongExamCountsFromWhenItShouldBeDone() {
        // Opened 10 minutes ago, a 40-minute whole-body CT keeps them 30 more minutes: an exam due in 20 breaches.
        OnDutyRadiologist busy = new OnDutyRadiologist(List.of(new Held(NOW.minus(Duration.ofMinutes(10)), 40)));
        Assessment a = StaffingRule.assess(List.of(due(20, 12)), List.of(busy), NOW);
        assertThat(a.breaches()).isEqualTo(1);
        assertThat(a.toCall()).isEqualTo(1);
        // Had they opened it 35 minutes ago, they would be free in 5 minutes: in time.
        OnDutyRadiologist almostDone = new OnDutyRadiologist(List.of(new Held(NOW.minus(Duration.ofMinutes(35)), 40)));
        assertThat(StaffingRule.assess(List.of(due(20, 12)), List.of(almostDone), NOW).understaffed()).isFalse();
    }

    @Test
    void nobodyOnDutyWithAnExamWaitingMeansCallingOne() {
        Assessment a = StaffingRule.assess(List.of(due(50, 15)), List.of(), NOW);
        assertThat(a.onDuty()).isZero();
        assertThat(a.toCall()).isEqualTo(1);
    }

    @Test
    void anExamAlreadyLateIsCountedButNoCallCanSaveIt() {
        // Late by 5 minutes: read first, it still takes the radiologist's time before the exam due in 10.
        Assessment a = StaffingRule.assess(List.of(due(-5, 12), due(10, 12)), free(1), NOW);
        assertThat(a.late()).isEqualTo(1);
        assertThat(a.breaches()).isEqualTo(1);
        assertThat(a.toCall()).isEqualTo(1);
        Assessment onlyLate = StaffingRule.assess(List.of(due(-5, 12)), free(1), NOW);
        assertThat(onlyLate.late()).isEqualTo(1);
        assertThat(onlyLate.understaffed()).isFalse();
    }

    @Test
    void anEmptyQueueNeedsNobody() {
        Assessment a = StaffingRule.assess(List.of(), List.of(), NOW);
        assertThat(a.understaffed()).isFalse();
        assertThat(a.waiting()).isZero();
    }

    @Test
    void theNumberToCallIsTheFewestThatOpenEveryExamInTime() {
        // 20 exams of 15 minutes all due in 20 minutes, 3 radiologists: each opens one now and one at +15;
        // 6 open in time, 14 more need someone free now.
        List<Queued> queue = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            queue.add(due(20, 15));
        }
        Assessment a = StaffingRule.assess(queue, free(3), NOW);
        assertThat(a.queueMinutes()).isEqualTo(300);
        assertThat(a.breaches()).isEqualTo(14);
        // n radiologists open 2n exams in time: 10 are needed, 7 to call.
        assertThat(a.toCall()).isEqualTo(7);
        assertThat(StaffingRule.assess(queue, free(10), NOW).understaffed()).isFalse();
        assertThat(StaffingRule.assess(queue, free(9), NOW).understaffed()).isTrue();
    }
}
