package fr.relais.report;

import fr.relais.audit.AuditLog;
import fr.relais.exam.ExamLifecycle;
import fr.relais.platform.Actor;
import fr.relais.platform.ConflictException;
import fr.relais.platform.NotFoundException;
import fr.relais.request.RequestChanged;
import fr.relais.request.RequestService;
import fr.relais.security.AccountPrincipal;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;

/**
 * What the requesting service must not miss once a report is signed: its critical results, until a
 * named person of the hospital acknowledges them on the portal (coordinators see those nobody
 * has, and call), and the reports each user of the hospital has not opened yet.
 */
@Service
public class CriticalResults {

    /** How far back a signed report counts as new for the portal's notices. */
    static final Duration NEW_FOR = Duration.ofHours(24);

    /** Who acknowledged a critical result, and when. */
    public record Acknowledgement(String name, Instant at) {}

    /** A signed report the portal tells of: critical and unacknowledged, or not opened yet by this user. */
    public record Notice(long examId, String accessionNumber, String examType, boolean critical,
                         CriticalCategory category, Instant signedAt, String signedBy, boolean toAcknowledge) {}

    /** A critical result no one of its hospital has acknowledged: the coordinators call. */
    public record Unacknowledged(long examId, String accessionNumber, String hospital, CriticalCategory category,
                                 Instant signedAt, String signedBy, String callbackPhone) {}

    private final JdbcClient jdbc;
    private final RequestService requests;
    private final AuditLog audit;
    private final ApplicationEventPublisher events;
    private final Clock clock;

    CriticalResults(JdbcClient jdbc, RequestService requests, AuditLog audit, ApplicationEventPublisher events,
                    Clock clock) {
        this.jdbc = jdbc;
        this.requests = requests;
        this.audit = audit;
        this.events = events;
        this.clock = clock;
    }

    public Optional<Acknowledgement> acknowledgement(long examId) {
        return jdbc.sql("""
                        select u.display_name, a.acknowledged_at from critical_acknowledgement a
                        join report r on r.id = a.report_id join app_user u on u.id = a.acknowledged_by
                        where r.exam_id = :exam""")
                .param("exam", examId)
                .query((rs, n) -> new Acknowledgement(rs.getString(1), rs.getObject(2, OffsetDateTime.class).toInstant()))
                .optional();
    }

    /**
     * A person of the requesting hospital acknowledges the exam's critical result: once (the first
     * stays), audited, and the pages following the request are told.
     */
    public Acknowledgement acknowledge(long examId, AccountPrincipal user, Actor actor) {
        var request = requests.find(examId).filter(r -> user.role().isHospitalRole()
                        && user.hospitalId() != null && user.hospitalId() == r.hospitalId())
                .orElseThrow(() -> new NotFoundException("request.notFound", "Demande introuvable."));
        Long reportId = jdbc.sql("select id from report where exam_id = :exam and state = 'SIGNED' and critical")
                .param("exam", examId).query(Long.class).optional()
                .orElseThrow(() -> new ConflictException(null, "critical.nothingToAcknowledge",
                        "Cet examen n’a pas de résultat critique signé à acquitter."));
        int added = jdbc.sql("""
                        insert into critical_acknowledgement (report_id, acknowledged_by, acknowledged_at)
                        values (:report, :user, :now) on conflict do nothing""")
                .param("report", reportId).param("user", user.id())
                .param("now", ExamLifecycle.utc(clock.instant())).update();
        if (added == 1) {
            audit.record(actor.username(), "CRITICAL_RESULT_ACKNOWLEDGED", "exam:" + examId, actor.source(),
                    AuditLog.Outcome.SUCCESS, "by " + user.displayName());
            events.publishEvent(new RequestChanged(examId, request.hospitalId(), request.state(), request.urgency(),
                    "critical acknowledged"));
        }
        return acknowledgement(examId).orElseThrow();
    }

    /** The user opened the signed report of this exam: it is no longer new for them. */
    public void seen(long examId, AccountPrincipal user) {
        jdbc.sql("""
                        insert into report_seen (report_id, user_id, seen_at)
                        select id, :user, :now from report where exam_id = :exam and state = 'SIGNED'
                        on conflict do nothing""")
                .param("exam", examId).param("user", user.id()).param("now", ExamLifecycle.utc(clock.instant()))
                .update();
    }

    /**
     * For a user of a hospital: its critical results nobody acknowledged, then the reports signed in
     * the last day that this user has not opened; most recent first.
     */
    public List<Notice> notices(AccountPrincipal user) {
        if (user.hospitalId() == null) {
            return List.of();
        }
        return jdbc.sql("""
                        select e.id, q.accession_number, t.label_fr, r.critical, r.critical_category, r.signed_at,
                               u.display_name,
                               r.critical and not exists (select 1 from critical_acknowledgement a where a.report_id = r.id)
                                   as to_acknowledge
                        from report r join exam e on e.id = r.exam_id join exam_request q on q.exam_id = e.id
                        join exam_type t on t.code = q.exam_type_code join app_user u on u.id = r.signed_by
                        where r.state = 'SIGNED' and e.hospital_id = :hospital
                          and ((r.critical and not exists (select 1 from critical_acknowledgement a where a.report_id = r.id))
                               or (r.signed_at >= :since
                                   and not exists (select 1 from report_seen s where s.report_id = r.id and s.user_id = :user)))
                        order by to_acknowledge desc, r.signed_at desc
                        limit 20""")
                .param("hospital", user.hospitalId()).param("user", user.id())
                .param("since", ExamLifecycle.utc(clock.instant().minus(NEW_FOR)))
                .query((rs, n) -> new Notice(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getBoolean(4),
                        rs.getString(5) == null ? null : CriticalCategory.valueOf(rs.getString(5)),
                        rs.getObject(6, OffsetDateTime.class).toInstant(), rs.getString(7), rs.getBoolean(8)))
                .list();
    }

    /** Every critical result nobody of its hospital has acknowledged, oldest first: for the coordinators. */
    public List<Unacknowledged> unacknowledged() {
        return jdbc.sql("""
                        select e.id, q.accession_number, h.name, r.critical_category, r.signed_at, u.display_name,
                               q.callback_phone
                        from report r join exam e on e.id = r.exam_id join hospital h on h.id = e.hospital_id
                        join app_user u on u.id = r.signed_by join exam_request q on q.exam_id = e.id
                        where r.state = 'SIGNED' and r.critical
                          and not exists (select 1 from critical_acknowledgement a where a.report_id = r.id)
                        order by r.signed_at""")
                .query((rs, n) -> new Unacknowledged(rs.getLong(1), rs.getString(2), rs.getString(3),
                        CriticalCategory.valueOf(rs.getString(4)), rs.getObject(5, OffsetDateTime.class).toInstant(),
                        rs.getString(6), rs.getString(7)))
                .list();
    }
}
