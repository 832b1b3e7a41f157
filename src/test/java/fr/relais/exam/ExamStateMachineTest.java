package fr.relais.exam;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ExamStateMachineTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "REQUESTED, PROTOCOLED", "REQUESTED, INFO_NEEDED", "REQUESTED, REFUSED", "REQUESTED, CANCELLED",
            "INFO_NEEDED, REQUESTED", "INFO_NEEDED, PROTOCOLED", "INFO_NEEDED, REFUSED", "INFO_NEEDED, CANCELLED",
            "PROTOCOLED, ACQUIRING", "PROTOCOLED, QUARANTINED", "PROTOCOLED, MISMATCHED", "PROTOCOLED, CANCELLED",
            "MISMATCHED, ACQUIRING", "MISMATCHED, QUARANTINED", "MISMATCHED, PROTOCOLED", "MISMATCHED, CANCELLED",
            "ACQUIRING, READY", "ACQUIRING, QUARANTINED", "ACQUIRING, CANCELLED",
            "QUARANTINED, ACQUIRING", "QUARANTINED, PURGED", "QUARANTINED, CANCELLED",
            "UNMATCHED, CANCELLED", "UNMATCHED, PURGED",
            "READY, IN_READING", "READY, CANCELLED", "READY, PURGED",
            "IN_READING, READY", "IN_READING, REPORTED", "IN_READING, CANCELLED", "CANCELLED, PURGED",
            "REPORTED, DELIVERED", "REPORTED, PURGED", "DELIVERED, PURGED"})
    void everyLegalTransitionIsAllowed(ExamState from, ExamState to) {
        assertThat(ExamStateMachine.allows(from, to)).isTrue();
        ExamStateMachine.check(from, to);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "REQUESTED, READY", "REQUESTED, ACQUIRING", "PROTOCOLED, READY", "QUARANTINED, READY",
            "QUARANTINED, IN_READING", "UNMATCHED, READY", "READY, REQUESTED", "REPORTED, CANCELLED",
            "DELIVERED, CANCELLED", "REFUSED, PROTOCOLED", "CANCELLED, REQUESTED", "PURGED, READY",
            "ACQUIRING, IN_READING", "INFO_NEEDED, ACQUIRING", "MISMATCHED, READY", "REQUESTED, MISMATCHED"})
    void illegalTransitionsAreRefusedWithAClearError(ExamState from, ExamState to) {
        assertThat(ExamStateMachine.allows(from, to)).isFalse();
        assertThatThrownBy(() -> ExamStateMachine.check(from, to))
                .isInstanceOf(ExamStateMachine.IllegalTransitionException.class)
                .hasMessage("an exam in state " + from + " cannot become " + to);
    }

    @ParameterizedTest
    @EnumSource(value = ExamState.class, names = {"REFUSED", "PURGED"})
    void finalStatesLeadNowhere(ExamState state) {
        assertThat(ExamStateMachine.next(state)).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(value = ExamState.class, names = {"REQUESTED", "INFO_NEEDED", "PROTOCOLED", "ACQUIRING",
            "QUARANTINED", "MISMATCHED", "UNMATCHED", "READY", "IN_READING"})
    void everyStateBeforeTheReportMayBeCancelled(ExamState state) {
        assertThat(ExamStateMachine.allows(state, ExamState.CANCELLED)).isTrue();
    }

    @Test
    void quarantinedAndUnmatchedImagesAreHidden() {
        assertThat(ExamStateMachine.imagesHidden(ExamState.QUARANTINED)).isTrue();
        assertThat(ExamStateMachine.imagesHidden(ExamState.UNMATCHED)).isTrue();
        // Mismatched images wait for a coordinator; early images wait unseen with their request.
        assertThat(ExamStateMachine.imagesHidden(ExamState.MISMATCHED)).isTrue();
        assertThat(ExamStateMachine.imagesHidden(ExamState.REQUESTED)).isTrue();
        assertThat(ExamStateMachine.imagesHidden(ExamState.INFO_NEEDED)).isTrue();
        assertThat(ExamStateMachine.imagesHidden(ExamState.READY)).isFalse();
    }
}
