package fr.relais.request;

import fr.relais.exam.ExamLifecycle;
import fr.relais.exam.ExamState;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Gives an arriving study its exam, in the intake's transaction: the accepted request of the
 * sending hospital with the study's accession number, else the only accepted request for the same
 * patient and modality filed in the last {@link #WINDOW}; else an UNMATCHED exam that waits for a
 * coordinator. Without valid consent the images go to QUARANTINED.
 */
@Service
public class StudyMatcher {

    static final Duration WINDOW = Duration.ofHours(24);

    private final JdbcClient jdbc;
    private final ExamLifecycle exams;
    private final ApplicationEventPublisher events;

    StudyMatcher(JdbcClient jdbc, ExamLifecycle exams, ApplicationEventPublisher events) {
        this.jdbc = jdbc;
        this.exams = exams;
        this.events = events;
    }

    /** What arrived, as the study's first instance says it. */
    public record ArrivingStudy(long hospitalId, long studyId, String accessionNumber, String patientId, String modality) {}

    public long attach(ArrivingStudy study, Instant at, String actor) {
        List<Long> byAccession = study.accessionNumber() == null || study.accessionNumber().isEmpty() ? List.of()
                : jdbc.sql("""
                        select r.exam_id from exam_request r join exam e on e.id = r.exam_id
                        where r.hospital_id = :hospital and r.accession_number = :accession
                          and e.state = 'PROTOCOLED' and e.study_id is null
                        for update of e""")
                .param("hospital", study.hospitalId())
                .param("accession", study.accessionNumber())
                .query(Long.class)
                .list();
        List<Long> candidates = byAccession.isEmpty() ? byPatient(study, at) : byAccession;
        if (candidates.size() != 1) {
            return exams.open(study.hospitalId(), study.studyId(), ExamState.UNMATCHED, at, actor);
        }
        long examId = candidates.get(0);
        giveStudy(examId, study.studyId(), at, actor, byAccession.isEmpty() ? "matched by patient" : "matched by accession");
        return examId;
    }

    /** Attaches a study to an accepted request's exam and opens the consent gate. */
    void giveStudy(long examId, long studyId, Instant at, String actor, String detail) {
        jdbc.sql("update exam set study_id = :study where id = :exam")
                .param("study", studyId).param("exam", examId).update();
        ConsentStatus consent = ConsentStatus.valueOf(jdbc.sql("select consent from exam_request where exam_id = :id")
                .param("id", examId).query(String.class).single());
        ExamState next = consent.permitsReading() ? ExamState.ACQUIRING : ExamState.QUARANTINED;
        exams.move(examId, next, at, actor, detail);
        publishAfterCommit(examId, next);
    }

    private List<Long> byPatient(ArrivingStudy study, Instant at) {
        // Every exam of the catalog is a CT; another modality cannot belong to a request.
        if (study.patientId() == null || study.patientId().isEmpty() || !"CT".equals(study.modality())) {
            return List.of();
        }
        return jdbc.sql("""
                select r.exam_id from exam_request r join exam e on e.id = r.exam_id
                where r.hospital_id = :hospital and r.patient_key = :patient
                  and e.state = 'PROTOCOLED' and e.study_id is null and r.requested_at >= :since
                for update of e""")
                .param("hospital", study.hospitalId())
                .param("patient", study.patientId())
                .param("since", ExamLifecycle.utc(at.minus(WINDOW)))
                .query(Long.class)
                .list();
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
}
