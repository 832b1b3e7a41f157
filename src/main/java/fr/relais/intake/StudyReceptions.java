package fr.relais.intake;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one association or one STOW-RS request stored, study by study: audited once per study when
 * it ends ({@link ReceptionAudit}), each instance then naming that entry. Not thread-safe: one per
 * association or request.
 */
final class StudyReceptions {

    /** One study's share: the SOP instance UIDs stored now, and how many were already stored. */
    static final class Study {
        final List<String> stored = new ArrayList<>();
        final List<String> alreadyStored = new ArrayList<>();
    }

    private final Map<Long, Study> studies = new LinkedHashMap<>();

    void add(IntakeService.Outcome outcome) {
        if (outcome.studyId() == null || outcome.header() == null) {
            return;
        }
        Study study = studies.computeIfAbsent(outcome.studyId(), id -> new Study());
        (outcome.result() == IntakeService.Result.STORED ? study.stored : study.alreadyStored)
                .add(outcome.header().sopInstanceUid());
    }

    Map<Long, Study> studies() {
        return studies;
    }
}
