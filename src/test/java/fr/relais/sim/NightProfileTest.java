package fr.relais.sim;

import fr.relais.request.Urgency;
import fr.relais.sim.NightProfile.ExamKind;
import fr.relais.sim.NightProfile.PlannedExam;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class NightProfileTest {

    static final Instant START = Instant.parse("2026-01-15T20:00:00Z");

    @Test
    void aNightFollowsTheMixAndIsBusiestInTheEvening() {
        List<PlannedExam> plan = NightProfile.plan(10_000, 13, START, 42);

        assertThat(share(plan, ExamKind.HEAD)).isBetween(0.48, 0.52);
        assertThat(share(plan, ExamKind.ABDOMEN_PELVIS)).isBetween(0.25, 0.29);
        assertThat(share(plan, ExamKind.ANGIOGRAPHY)).isBetween(0.15, 0.19);
        assertThat(share(plan, ExamKind.THORAX)).isBetween(0.03, 0.05);
        assertThat(share(plan, ExamKind.TRAUMA)).isBetween(0.01, 0.02);
        long heads = plan.stream().filter(e -> e.kind() == ExamKind.HEAD).count();
        assertThat((double) plan.stream().filter(PlannedExam::bleed).count() / heads).isBetween(0.05, 0.07);
        assertThat(plan.stream().filter(PlannedExam::bleed)).allMatch(e -> e.kind() == ExamKind.HEAD);
        assertThat(plan.stream().filter(e -> e.kind() == ExamKind.TRAUMA)).allMatch(e -> e.urgency() == Urgency.P1);
        assertThat(plan).allMatch(e -> e.hospital() >= 1 && e.hospital() <= 13);
        assertThat(plan).allMatch(e -> !e.firstImage().isBefore(START)
                && e.firstImage().isBefore(START.plus(Duration.ofHours(12))));
        assertThat(inHour(plan, 0)).isGreaterThan(inHour(plan, 8) * 3 / 2);
        assertThat(plan).isSortedAccordingTo(java.util.Comparator.comparing(PlannedExam::firstImage));
        assertThat(plan.get(0).number()).isEqualTo(1);
    }

    @Test
    void theSameSeedGivesTheSameNight() {
        assertThat(NightProfile.plan(50, 13, START, 9)).isEqualTo(NightProfile.plan(50, 13, START, 9));
        assertThat(NightProfile.plan(50, 13, START, 9)).isNotEqualTo(NightProfile.plan(50, 13, START, 10));
    }

    private static double share(List<PlannedExam> plan, ExamKind kind) {
        return (double) plan.stream().filter(e -> e.kind() == kind).count() / plan.size();
    }

    private static long inHour(List<PlannedExam> plan, int hour) {
        Instant from = START.plus(Duration.ofHours(hour));
        return plan.stream().filter(e -> !e.firstImage().isBefore(from)
                && e.firstImage().isBefore(from.plus(Duration.ofHours(1)))).count();
    }
}
