package fr.relais.request;

import fr.relais.audit.AuditLog;
import fr.relais.exam.ExamLifecycle;
import fr.relais.exam.ExamState;
import fr.relais.exam.ExamStateMachine;
import fr.relais.platform.ConflictException;
import fr.relais.platform.NotFoundException;
import fr.relais.security.AccountPrincipal;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;

/** Studies that matched no request: a coordinator attaches each to its request, or rejects it. */
@Service
public class UnmatchedStudies {

    private final JdbcClient jdbc;
    private final TransactionTemplate tx;
    private final ExamLifecycle exams;
    private final StudyMatcher matcher;
    private final RequestService requests;
    private final AuditLog audit;
    private final ApplicationEventPublisher events;
    private final Clock clock;

    UnmatchedStudies(JdbcClient jdbc, TransactionTemplate tx, ExamLifecycle exams, StudyMatcher matcher,
                     RequestService requests, AuditLog audit, ApplicationEventPublisher events, Clock clock) {
        this.jdbc = jdbc;
        this.tx = tx;
        this.exams = exams;
        this.matcher = matcher;
        this.requests = requests;
        this.audit = audit;
        this.events = events;
        this.clock = clock;
    }

    public List<UnmatchedStudy> list() {
        return jdbc.sql("""
                select e.id, e.hospital_id, h.name, s.study_uid, s.accession_number, p.patient_key,
                       s.instance_count, s.first_received_at, s.last_received_at
                from exam e join hospital h on h.id = e.hospital_id
                join study s on s.id = e.study_id join patient p on p.id = s.patient_id
                where e.state = 'UNMATCHED' order by s.first_received_at""")
                .query((rs, n) -> new UnmatchedStudy(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getString(4),
                        rs.getString(5), rs.getString(6), rs.getInt(7),
                        rs.getObject(8, OffsetDateTime.class).toInstant(), rs.getObject(9, OffsetDateTime.class).toInstant()))
                .list();
    }

    /** The study joins the accepted request of the same hospital; the placeholder exam is closed. */
    public RequestView attach(long unmatchedExamId, long requestExamId, AccountPrincipal coordinator, String source) {
        Instant now = clock.instant();
        try {
            tx.executeWithoutResult(status -> {
                Placeholder placeholder = placeholder(unmatchedExamId);
                Long requestHospital = jdbc.sql("""
                        select r.hospital_id from exam_request r join exam e on e.id = r.exam_id
                        where r.exam_id = :id and e.state = 'PROTOCOLED' and e.study_id is null for update of e""")
                        .param("id", requestExamId).query(Long.class).optional().orElse(null);
                if (requestHospital == null || requestHospital != placeholder.hospitalId()) {
                    throw new ConflictException("requestId", "unmatched.requestNotEligible",
                            "exam " + requestExamId + " is no accepted request of the same hospital awaiting images",
                            requestExamId);
                }
                jdbc.sql("update exam set study_id = null where id = :id").param("id", unmatchedExamId).update();
                exams.move(unmatchedExamId, ExamState.CANCELLED, now, coordinator.username(),
                        "attached to exam " + requestExamId);
                matcher.giveStudy(requestExamId, placeholder.studyId(), now, coordinator.username(),
                        "attached by a coordinator");
            });
        } catch (ExamStateMachine.IllegalTransitionException e) {
            throw new ConflictException(null, "request.illegalTransition", e.getMessage(), e.from(), e.to());
        }
        audit.record(coordinator.username(), "UNMATCHED_ATTACHED", "exam:" + requestExamId, source,
                AuditLog.Outcome.SUCCESS, "from exam " + unmatchedExamId);
        return requests.get(requestExamId, coordinator, source);
    }

    /** The study belongs to no request: closed, and its images deleted. */
    public void reject(long unmatchedExamId, String reason, AccountPrincipal coordinator, String source) {
        if (reason == null || reason.isBlank() || reason.length() > 2000) {
            throw new fr.relais.platform.InvalidInputException("reason", "unmatched.reason.required",
                    "say why the study is rejected (2000 characters at most)");
        }
        Placeholder placeholder = tx.execute(status -> {
            Placeholder p = placeholder(unmatchedExamId);
            exams.move(unmatchedExamId, ExamState.CANCELLED, clock.instant(), coordinator.username(),
                    "rejected: " + reason.trim());
            return p;
        });
        audit.record(coordinator.username(), "UNMATCHED_REJECTED", "exam:" + unmatchedExamId, source,
                AuditLog.Outcome.SUCCESS, null);
        events.publishEvent(new StudyRejected(placeholder.studyId(), placeholder.hospitalId(), coordinator.username(),
                reason.trim()));
    }

    private record Placeholder(long hospitalId, long studyId) {}

    private Placeholder placeholder(long examId) {
        return jdbc.sql("select hospital_id, study_id from exam where id = :id and state = 'UNMATCHED' for update")
                .param("id", examId)
                .query(Placeholder.class)
                .optional()
                .orElseThrow(() -> new NotFoundException("unmatched.notFound", "no unmatched study " + examId, examId));
    }
}
