package fr.relais.request;

import fr.relais.audit.AuditLog;
import fr.relais.exam.ExamLifecycle;
import fr.relais.exam.ExamState;
import fr.relais.storage.Sealer;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;

/**
 * Gives an arriving study its exam, in the intake's transaction: the request of the sending
 * hospital with the study's accession number, else the only request for the same patient and
 * modality filed in the last {@link #WINDOW}; else an UNMATCHED exam that waits for a coordinator.
 * The request may still wait for its decision (scanners often send a P1 before the regulator has
 * accepted it): the study is then held with it and admitted on acceptance. Admission checks the
 * header's identity against the request's (a mismatch waits in MISMATCHED for a coordinator), then
 * consent (without it the images go to QUARANTINED).
 */
@Service
public class StudyMatcher {

    static final Duration WINDOW = Duration.ofHours(24);

    /** A request's exam that may take a study: filed, waiting for information, or accepted, and without one. */
    private static final String TAKES_A_STUDY = "e.state in ('REQUESTED', 'INFO_NEEDED', 'PROTOCOLED') and e.study_id is null";

    private final JdbcClient jdbc;
    private final ExamLifecycle exams;
    private final Sealer sealer;
    private final AuditLog audit;
    private final ApplicationEventPublisher events;

    StudyMatcher(JdbcClient jdbc, ExamLifecycle exams, Sealer sealer, AuditLog audit, ApplicationEventPublisher events) {
        this.jdbc = jdbc;
        this.exams = exams;
        this.sealer = sealer;
        this.audit = audit;
        this.events = events;
    }

    /** What arrived, as the study's first instance says it. */
    public record ArrivingStudy(long hospitalId, long studyId, String accessionNumber, PatientIdentity identity,
                                String modality) {}

    public long attach(ArrivingStudy study, Instant at, String actor) {
        List<Long> byAccession = study.accessionNumber() == null || study.accessionNumber().isEmpty() ? List.of()
                : jdbc.sql("""
                        select r.exam_id from exam_request r join exam e on e.id = r.exam_id
                        where r.hospital_id = :hospital and r.accession_number = :accession and """ + " " + TAKES_A_STUDY
                        + " for update of e")
                .param("hospital", study.hospitalId())
                .param("accession", study.accessionNumber())
                .query(Long.class)
                .list();
        List<Long> candidates = byAccession.isEmpty() ? byPatient(study, at) : byAccession;
        if (candidates.size() != 1) {
            return exams.open(study.hospitalId(), study.studyId(), ExamState.UNMATCHED, at, actor);
        }
        long examId = candidates.get(0);
        take(examId, study.studyId(), at, actor, byAccession.isEmpty() ? "matched by patient" : "matched by accession");
        return examId;
    }

    /**
     * The request's exam takes the study: an accepted request admits it at once; one still waiting
     * for its decision holds it, unseen ({@link fr.relais.exam.ExamStateMachine#imagesHidden}), until
     * {@link #admitHeld} on acceptance or {@link #release} on refusal or cancellation.
     */
    void take(long examId, long studyId, Instant at, String actor, String detail) {
        ExamState state = exams.lockState(examId).orElseThrow(() -> new IllegalArgumentException("no exam " + examId));
        jdbc.sql("update exam set study_id = :study where id = :exam")
                .param("study", studyId).param("exam", examId).update();
        if (state == ExamState.PROTOCOLED) {
            admit(examId, studyId, at, actor, detail);
        } else {
            audit.record(actor, "STUDY_HELD", "exam:" + examId, null, AuditLog.Outcome.SUCCESS,
                    "study " + studyId + " held until the request is decided (" + detail + ")");
        }
    }

    /** On acceptance: the images held with the request, if any, are admitted. */
    void admitHeld(long examId, Instant at, String actor) {
        Long studyId = jdbc.sql("select study_id from exam where id = :id").param("id", examId)
                .query(Long.class).optional().orElse(null);
        if (studyId != null) {
            admit(examId, studyId, at, actor, "held images, request accepted");
        }
    }

    /** An accepted request's exam with its study: the identity check, then the consent gate. */
    private void admit(long examId, long studyId, Instant at, String actor, String detail) {
        RequestPatient request = requestPatient(examId);
        List<String> differences = studyIdentity(studyId).differencesFrom(request.identity());
        ExamState next;
        if (differences.isEmpty()) {
            next = consentGate(request.consent());
            exams.move(examId, next, at, actor, detail);
        } else {
            // Field names only: the exam log and the audit trail never hold a patient's name.
            String what = "identity differs from the request: " + String.join(", ", differences);
            next = ExamState.MISMATCHED;
            exams.move(examId, next, at, actor, detail + "; " + what);
            audit.record(actor, "IDENTITY_MISMATCH", "exam:" + examId, null, AuditLog.Outcome.REJECTED,
                    "study " + studyId + ": " + what);
        }
        publishAfterCommit(examId, next);
    }

    /** A coordinator confirmed a mismatched identity: the consent gate decides as for any study. */
    ExamState confirmIdentity(long examId, Instant at, String actor) {
        ExamState next = consentGate(requestPatient(examId).consent());
        exams.move(examId, next, at, actor, "identity confirmed by a coordinator");
        publishAfterCommit(examId, next);
        return next;
    }

    private static ExamState consentGate(ConsentStatus consent) {
        return consent.permitsReading() ? ExamState.ACQUIRING : ExamState.QUARANTINED;
    }

    /**
     * The exam lets its study go: the images open an UNMATCHED exam of their own, where a
     * coordinator sees them, instead of vanishing with a refused or cancelled request. Returns the
     * new exam, empty when there was no study.
     */
    Optional<Long> release(long examId, Instant at, String actor, String why) {
        record Holder(long hospitalId, Long studyId) {}
        Holder holder = jdbc.sql("select hospital_id, study_id from exam where id = :id for update")
                .param("id", examId).query(Holder.class).single();
        if (holder.studyId() == null) {
            return Optional.empty();
        }
        jdbc.sql("update exam set study_id = null where id = :id").param("id", examId).update();
        long unmatched = exams.open(holder.hospitalId(), holder.studyId(), ExamState.UNMATCHED, at, actor,
                "images of exam " + examId + ", " + why);
        audit.record(actor, "STUDY_RELEASED", "exam:" + unmatched, null, AuditLog.Outcome.SUCCESS,
                "study " + holder.studyId() + " from exam " + examId + ", " + why);
        return Optional.of(unmatched);
    }

    /**
     * A request just filed takes the study that came before it (no accession number existed yet):
     * the only unmatched CT study of the same hospital and patient ID received within the window.
     */
    void claimEarlyStudy(long examId, long hospitalId, String patientKey, Instant at, String actor) {
        record Placeholder(long examId, long studyId) {}
        List<Placeholder> found = jdbc.sql("""
                select e.id as exam_id, e.study_id from exam e join study s on s.id = e.study_id
                join patient p on p.id = s.patient_id
                where e.hospital_id = :hospital and e.state = 'UNMATCHED' and p.patient_key = :patient
                  and s.first_received_at >= :since
                  and exists (select 1 from series x where x.study_id = s.id and x.modality = 'CT')
                for update of e""")
                .param("hospital", hospitalId)
                .param("patient", patientKey)
                .param("since", ExamLifecycle.utc(at.minus(WINDOW)))
                .query(Placeholder.class)
                .list();
        if (found.size() == 1) {
            moveFromPlaceholder(found.get(0).examId(), found.get(0).studyId(), examId, at, actor,
                    "matched by patient when the request was filed");
        }
    }

    /** The study of an UNMATCHED placeholder goes to a request's exam; the placeholder is closed. */
    void moveFromPlaceholder(long placeholderId, long studyId, long examId, Instant at, String actor, String detail) {
        jdbc.sql("update exam set study_id = null where id = :id").param("id", placeholderId).update();
        exams.move(placeholderId, ExamState.CANCELLED, at, actor, "attached to exam " + examId);
        take(examId, studyId, at, actor, detail);
    }

    /** The request's patient and consent, opened to compare. */
    private record RequestPatient(PatientIdentity identity, ConsentStatus consent) {}

    private RequestPatient requestPatient(long examId) {
        return jdbc.sql("""
                select patient_key, family_name_sealed, given_name_sealed, birth_date_sealed, sex, consent
                from exam_request where exam_id = :id""")
                .param("id", examId)
                .query((rs, n) -> new RequestPatient(new PatientIdentity(rs.getString("patient_key"),
                        sealer.open(RequestService.FAMILY_NAME, rs.getBytes("family_name_sealed")) + " "
                                + sealer.open(RequestService.GIVEN_NAME, rs.getBytes("given_name_sealed")),
                        LocalDate.parse(sealer.open(RequestService.BIRTH_DATE, rs.getBytes("birth_date_sealed"))),
                        rs.getString("sex")), ConsentStatus.valueOf(rs.getString("consent"))))
                .single();
    }

    /** The study's own header identity, as its first instance gave it. */
    PatientIdentity studyIdentity(long studyId) {
        return jdbc.sql("""
                select p.patient_key, s.patient_name_sealed, s.patient_birth_date_sealed, s.patient_sex
                from study s join patient p on p.id = s.patient_id where s.id = :id""")
                .param("id", studyId)
                .query((rs, n) -> new PatientIdentity(PatientIdentity.headerPatientId(rs.getString("patient_key")),
                        sealer.open(PatientIdentity.NAME_PURPOSE, rs.getBytes("patient_name_sealed")),
                        PatientIdentity.dicomDate(sealer.open(PatientIdentity.BIRTH_DATE_PURPOSE,
                                rs.getBytes("patient_birth_date_sealed"))),
                        rs.getString("patient_sex")))
                .single();
    }

    private void publishAfterCommit(long examId, ExamState state) {
        RequestChanged changed = jdbc.sql("select hospital_id, urgency from exam_request where exam_id = :id")
                .param("id", examId)
                .query((rs, n) -> new RequestChanged(examId, rs.getLong("hospital_id"), state,
                        Urgency.valueOf(rs.getString("urgency")), "images"))
                .single();
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCommit() {
                    events.publishEvent(changed);
                }
            });
        } else {
            events.publishEvent(changed);
        }
    }

    private List<Long> byPatient(ArrivingStudy study, Instant at) {
        String patientId = study.identity().patientId();
        // Every exam of the catalog is a CT; another modality cannot belong to a request.
        if (patientId == null || patientId.isEmpty() || !"CT".equals(study.modality())) {
            return List.of();
        }
        return jdbc.sql("""
                select r.exam_id from exam_request r join exam e on e.id = r.exam_id
                where r.hospital_id = :hospital and r.patient_key = :patient and r.requested_at >= :since and """
                + " " + TAKES_A_STUDY + " for update of e")
                .param("hospital", study.hospitalId())
                .param("patient", patientId)
                .param("since", ExamLifecycle.utc(at.minus(WINDOW)))
                .query(Long.class)
                .list();
    }
}
