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
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Studies that matched no request: a coordinator attaches each to its request, or rejects it. And
 * studies held for an identity that differs from their request's: confirmed, or detached here.
 */
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

    /** The unmatched studies, with the identities their headers gave: the listing is audited. */
    public List<UnmatchedStudy> list(AccountPrincipal viewer, String source) {
        List<UnmatchedStudy> studies = unmatched(null);
        shown(viewer, "UNMATCHED_LISTED", studies.stream().map(UnmatchedStudy::examId).toList(), source);
        return studies;
    }

    /** Every unmatched study, or the one of this exam (examId not null). */
    private List<UnmatchedStudy> unmatched(Long examId) {
        return jdbc.sql("""
                select e.id, e.hospital_id, h.name, s.id as study_id, s.study_uid, s.accession_number, s.study_date,
                       s.description, s.instance_count, s.first_received_at, s.last_received_at
                from exam e join hospital h on h.id = e.hospital_id
                join study s on s.id = e.study_id
                where e.state = 'UNMATCHED' and (cast(:exam as bigint) is null or e.id = :exam)
                order by s.first_received_at""")
                .param("exam", examId)
                .query((rs, n) -> {
                    PatientIdentity header = matcher.studyIdentity(rs.getLong("study_id"));
                    return new UnmatchedStudy(rs.getLong("id"), rs.getLong("hospital_id"), rs.getString("name"),
                            rs.getString("study_uid"), rs.getString("accession_number"), header.patientId(),
                            header.displayName(), header.birthDate(), header.sex(),
                            rs.getObject("study_date", LocalDate.class), rs.getString("description"),
                            rs.getInt("instance_count"), instant(rs.getObject("first_received_at", OffsetDateTime.class)),
                            instant(rs.getObject("last_received_at", OffsetDateTime.class)));
                })
                .list();
    }

    /** Accepted requests whose images name someone else, both identities side by side: audited. */
    public List<IdentityMismatch> mismatches(AccountPrincipal viewer, String source) {
        List<IdentityMismatch> held = jdbc.sql("""
                select e.id, e.hospital_id, s.id as study_id, s.study_date, s.description, s.instance_count,
                       s.first_received_at
                from exam e join study s on s.id = e.study_id
                where e.state = 'MISMATCHED' order by s.first_received_at""")
                .query((rs, n) -> {
                    RequestView request = requests.find(rs.getLong("id")).orElseThrow();
                    PatientIdentity images = matcher.studyIdentity(rs.getLong("study_id"));
                    return new IdentityMismatch(request.id(), request.hospitalId(), request.hospitalName(),
                            request.accessionNumber(), request.examTypeLabel(), request.urgency(), request.identity(),
                            images, images.differencesFrom(request.identity()),
                            rs.getObject("study_date", LocalDate.class), rs.getString("description"),
                            rs.getInt("instance_count"), instant(rs.getObject("first_received_at", OffsetDateTime.class)));
                })
                .list();
        shown(viewer, "IDENTITY_MISMATCHES_LISTED", held.stream().map(IdentityMismatch::examId).toList(), source);
        return held;
    }

    /**
     * The study joins a request of the same hospital still without images: admitted at once if the
     * request is accepted, else held with it until its decision. The placeholder exam is closed.
     */
    public RequestView attach(long unmatchedExamId, long requestExamId, AccountPrincipal coordinator, String source) {
        Instant now = clock.instant();
        try {
            tx.executeWithoutResult(status -> {
                Placeholder placeholder = placeholder(unmatchedExamId);
                Long requestHospital = jdbc.sql("""
                        select r.hospital_id from exam_request r join exam e on e.id = r.exam_id
                        where r.exam_id = :id and e.state in ('REQUESTED', 'INFO_NEEDED', 'PROTOCOLED')
                          and e.study_id is null for update of e""")
                        .param("id", requestExamId).query(Long.class).optional().orElse(null);
                if (requestHospital == null || requestHospital != placeholder.hospitalId()) {
                    throw new ConflictException("requestId", "unmatched.requestNotEligible",
                            "exam " + requestExamId + " is no open request of the same hospital awaiting images",
                            requestExamId);
                }
                matcher.moveFromPlaceholder(unmatchedExamId, placeholder.studyId(), requestExamId, now,
                        coordinator.username(), "attached by a coordinator");
            });
        } catch (ExamStateMachine.IllegalTransitionException e) {
            throw new ConflictException(null, "request.illegalTransition", e.getMessage(), e.stateNames());
        }
        audit.record(coordinator.username(), "UNMATCHED_ATTACHED", "exam:" + requestExamId, source,
                AuditLog.Outcome.SUCCESS, "from exam " + unmatchedExamId);
        return requests.get(requestExamId, coordinator, source);
    }

    /** The coordinator checked: the images are this request's patient. They go on as any study would. */
    public RequestView confirmIdentity(long examId, AccountPrincipal coordinator, String source) {
        Instant now = clock.instant();
        ExamState next = tx.execute(status -> {
            mismatched(examId);
            return matcher.confirmIdentity(examId, now, coordinator.username());
        });
        audit.record(coordinator.username(), "IDENTITY_CONFIRMED", "exam:" + examId, source,
                AuditLog.Outcome.SUCCESS, "now " + next);
        return requests.get(examId, coordinator, source);
    }

    /** The images are someone else's: they go to the unmatched list, the request waits for its own. */
    public UnmatchedStudy detach(long examId, AccountPrincipal coordinator, String source) {
        Instant now = clock.instant();
        long unmatchedExamId = tx.execute(status -> {
            mismatched(examId);
            exams.move(examId, ExamState.PROTOCOLED, now, coordinator.username(), "images detached by a coordinator");
            return matcher.release(examId, now, coordinator.username(), "identity mismatch").orElseThrow();
        });
        audit.record(coordinator.username(), "IDENTITY_DETACHED", "exam:" + examId, source,
                AuditLog.Outcome.SUCCESS, "images to exam " + unmatchedExamId);
        requests.published(examId, "images-detached");
        return unmatched(unmatchedExamId).get(0);
    }

    /** The study belongs to no request: closed, and its images deleted. */
    public void reject(long unmatchedExamId, String reason, AccountPrincipal coordinator, String source) {
        if (reason == null || reason.isBlank() || reason.length() > 2000) {
            throw new fr.relais.platform.InvalidInputException("reason", "unmatched.reason.required",
                    "say why the study is rejected (2000 characters at most)");
        }
        tx.executeWithoutResult(status -> {
            Placeholder p = placeholder(unmatchedExamId);
            exams.move(unmatchedExamId, ExamState.CANCELLED, clock.instant(), coordinator.username(),
                    "rejected: " + reason.trim());
            // In this transaction, under the exam's lock: the images deleted are those the coordinator
            // rejected; one arriving after the commit finds the exam closed and opens an unmatched one.
            events.publishEvent(new StudyRejected(p.studyId(), p.hospitalId(), coordinator.username(), reason.trim()));
        });
        audit.record(coordinator.username(), "UNMATCHED_REJECTED", "exam:" + unmatchedExamId, source,
                AuditLog.Outcome.SUCCESS, null);
    }

    private void mismatched(long examId) {
        if (exams.lockState(examId).filter(state -> state == ExamState.MISMATCHED).isEmpty()) {
            throw new NotFoundException("mismatch.notFound", "no exam " + examId + " held for its identity", examId);
        }
    }

    private void shown(AccountPrincipal viewer, String action, List<Long> examIds, String source) {
        if (!examIds.isEmpty()) {
            audit.record(viewer.username(), action, null, source, AuditLog.Outcome.SUCCESS, examIds.size() + " exams: "
                    + examIds.stream().limit(200).map(String::valueOf).collect(Collectors.joining(",")));
        }
    }

    private static Instant instant(OffsetDateTime at) {
        return at == null ? null : at.toInstant();
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
