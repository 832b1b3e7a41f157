package fr.relais.report;

import fr.relais.ai.AiResults;
import fr.relais.ai.AiReviews;

import fr.relais.audit.AuditLog;
import fr.relais.exam.ExamLifecycle;
import fr.relais.exam.ExamState;
import fr.relais.platform.ConflictException;
import fr.relais.platform.ForbiddenException;
import fr.relais.platform.InvalidInputException;
import fr.relais.platform.NotFoundException;
import fr.relais.platform.Zones;
import fr.relais.request.LateImages;
import fr.relais.request.RequestChanged;
import fr.relais.request.RequestService;
import fr.relais.request.RequestView;
import fr.relais.roster.Roster;
import fr.relais.security.AccountPrincipal;
import fr.relais.security.AccountService;
import fr.relais.security.Role;
import fr.relais.worklist.WorklistService;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.support.DefaultMessageSourceResolvable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.Period;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The report's life: a draft written by the radiologist holding the exam's claim, saved again and
 * again with optimistic versions; a signature that freezes it (the database refuses any change
 * afterwards), moves the exam to REPORTED and records the turnaround; signed addenda for
 * corrections; and the phone call of a critical finding, made before signing or left to the
 * coordinators as a task. Hospital users see their hospital's signed reports only, each opening
 * audited.
 */
@Service
public class ReportService {

    static final int MAX_INDICATION = 4000;
    static final int MAX_TECHNIQUE = 4000;
    static final int MAX_FINDINGS = 20000;
    static final int MAX_CONCLUSION = 4000;
    static final int MAX_ADDENDUM = 4000;
    /** A call said to happen later than this is a typing mistake, not clock drift. */
    private static final Duration CALL_CLOCK_TOLERANCE = Duration.ofMinutes(5);
    private static final int MAX_PASSWORD = 200;

    /** The exam's row as the access rules read it. */
    private record Exam(long id, ExamState state, long hospitalId, Long claimedBy) {
        boolean heldBy(AccountPrincipal user) {
            return state == ExamState.IN_READING && claimedBy != null && claimedBy == user.id();
        }
    }

    /** What signing checks in the stored draft. */
    private record Draft(long id, ReportState state, int version, boolean critical, String indication, String technique,
                         String findings, String conclusion) {
        /** The sections in the order of the report, each with its field name. */
        Map<String, String> sections() {
            Map<String, String> sections = new LinkedHashMap<>();
            sections.put("indication", indication);
            sections.put("technique", technique);
            sections.put("findings", findings);
            sections.put("conclusion", conclusion);
            return sections;
        }
    }

    /**
     * A template's choice not made ("[droite / gauche]") or a gap not filled ("[x]", "[...]", "[…]"): such a
     * report would tell the hospital something nobody decided. A bracket that holds neither a "/"
     * nor only dots is the radiologist's own text and is left alone.
     */
    private static final Pattern UNFILLED = Pattern.compile("\\[[^\\[\\]]*/[^\\[\\]]*]|\\[\\s*(?:\\.{2,}|…|[xX])\\s*]");

    private final JdbcClient jdbc;
    private final TransactionTemplate tx;
    private final WorklistService worklist;
    private final RequestService requests;
    private final ReportTemplates templates;
    private final Roster roster;
    private final AccountService accounts;
    private final AuditLog audit;
    private final ApplicationEventPublisher events;
    private final ReportSettings settings;
    private final Clock clock;

    private final AiResults aiResults;
    private final AiReviews aiReviews;
    private final Zones zones;
    private final LateImages lateImages;

    ReportService(JdbcClient jdbc, TransactionTemplate tx, WorklistService worklist, RequestService requests,
                  ReportTemplates templates, Roster roster, AccountService accounts, AuditLog audit,
                  ApplicationEventPublisher events, ReportSettings settings, Clock clock, AiResults aiResults,
                  AiReviews aiReviews, Zones zones, LateImages lateImages) {
        this.lateImages = lateImages;
        this.aiResults = aiResults;
        this.aiReviews = aiReviews;
        this.jdbc = jdbc;
        this.tx = tx;
        this.worklist = worklist;
        this.requests = requests;
        this.templates = templates;
        this.roster = roster;
        this.accounts = accounts;
        this.audit = audit;
        this.events = events;
        this.settings = settings;
        this.clock = clock;
        this.zones = zones;
    }

    // ---- reading -------------------------------------------------------------------------------

    /**
     * The exam's report for whoever may see it: the claim holder (the stored draft, or the proposal
     * built from the template before the first save), radiologists authorised for the hospital once
     * it is signed, coordinators and administrators, and the hospital's own users once it is signed.
     * Anyone else gets 404. Every opening but the holder's own is audited.
     */
    public ReportView get(long examId, AccountPrincipal viewer, String source) {
        Exam exam = exam(examId, false).orElseThrow(() -> notFound(examId));
        Optional<ReportView> stored = stored(examId);
        boolean signed = stored.map(ReportView::signed).orElse(false);
        if (!maySee(exam, signed, viewer)) {
            if (viewer.role().isHospitalRole() && viewer.hospitalId() != null && exam.hospitalId() != viewer.hospitalId()) {
                audit.record(viewer.username(), "REPORT_ACCESS_DENIED", "exam:" + examId, source,
                        AuditLog.Outcome.REJECTED, "report of another hospital");
            }
            throw notFound(examId);
        }
        if (exam.heldBy(viewer)) {
            return withAi(stored.orElseGet(() -> proposal(examId)), viewer);
        }
        ReportView report = stored.orElseThrow(() -> notFound(examId));
        audit.record(viewer.username(), "REPORT_OPENED", "exam:" + examId, source, AuditLog.Outcome.SUCCESS,
                "report:" + report.reportId() + (report.state() == ReportState.SIGNED ? " signé" : " brouillon"));
        return withAi(report, viewer);
    }

    /** The engines' answers go with the report to those who review them; the hospital's users get none. */
    private ReportView withAi(ReportView report, AccountPrincipal viewer) {
        return viewer.role().isHospitalRole() ? report : report.withAiResults(aiResults.ofExam(report.examId()));
    }

    /** The signed report of a request, for the hospital portal: empty (and nothing audited) until it is signed. */
    public Optional<ReportView> signedFor(long examId, AccountPrincipal viewer, String source) {
        boolean signed = stored(examId).map(ReportView::signed).orElse(false);
        return signed ? Optional.of(get(examId, viewer, source)) : Optional.empty();
    }

    /** The signed report with everything its documents need, for a viewer allowed to see it; audited. */
    public SignedReport document(long examId, AccountPrincipal viewer, String source) {
        Exam exam = exam(examId, false).orElseThrow(() -> notFound(examId));
        Optional<ReportView> stored = stored(examId).filter(ReportView::signed);
        if (stored.isEmpty() || !maySee(exam, true, viewer)) {
            throw notFound(examId);
        }
        audit.record(viewer.username(), "REPORT_DOWNLOADED", "exam:" + examId, source, AuditLog.Outcome.SUCCESS,
                "report:" + stored.get().reportId());
        return signedReport(stored.get().reportId());
    }

    /**
     * The hook of delivery: a signed report, whole, by id, whoever asks. For the platform's own work
     * (documents and messages to the hospital's systems), never to answer a user: users go through
     * {@link #get} or {@link #document}.
     */
    public SignedReport signedReport(long reportId) {
        record Row(long id, long examId, String state, String indication, String technique, String findings,
                   String conclusion, boolean critical, String criticalCategory, OffsetDateTime signedAt,
                   Long signedBy, String signedByName, Integer turnaroundSeconds, String studyUid,
                   java.time.LocalDate studyDate, OffsetDateTime imagesAt, String readingCenter, String rpps) {}
        Row row = jdbc.sql("""
                select rp.id, rp.exam_id, rp.state, rp.indication, rp.technique, rp.findings, rp.conclusion,
                       rp.critical, rp.critical_category, rp.signed_at, rp.signed_by,
                       u.display_name as signed_by_name, rp.turnaround_seconds, s.study_uid,
                       s.study_date, coalesce(rp.first_image_at, s.first_received_at) as images_at,
                       (select c.name from seat_presence p join reading_center c on c.id = p.center_id
                        where p.user_id = rp.signed_by and p.checked_in_at <= rp.signed_at
                          and (p.checked_out_at is null or p.checked_out_at >= rp.signed_at)
                        order by p.checked_in_at desc limit 1) as reading_center,
                       u.rpps
                from report rp
                join exam e on e.id = rp.exam_id
                left join study s on s.id = e.study_id
                left join app_user u on u.id = rp.signed_by
                where rp.id = :id""")
                .param("id", reportId)
                .query(Row.class)
                .optional()
                .filter(r -> ReportState.SIGNED.name().equals(r.state()))
                .orElseThrow(() -> new NotFoundException("report.notSigned", "report " + reportId + " is not signed",
                        reportId));
        RequestView request = requests.find(row.examId()).orElseThrow();
        return new SignedReport(row.id(), row.examId(), request, row.studyUid(), row.indication(), row.technique(),
                row.findings(), row.conclusion(), row.critical(),
                row.criticalCategory() == null ? null : CriticalCategory.valueOf(row.criticalCategory()),
                row.signedAt().toInstant(), row.signedBy(), row.signedByName(),
                row.turnaroundSeconds() == null ? null : row.turnaroundSeconds().longValue(), addenda(row.id()),
                new SignedReport.Reading(row.studyDate(), row.imagesAt() == null ? null : row.imagesAt().toInstant(),
                        row.readingCenter(), row.rpps()));
    }

    /** Everything the editor page shows, for the claim holder (editable) or a reader of the signed report. */
    public ReportEditor editor(long examId, AccountPrincipal radiologist, Instant authenticatedAt, String source) {
        ReportView report = get(examId, radiologist, source);
        RequestView request = requests.get(examId, radiologist, source);
        Exam exam = exam(examId, false).orElseThrow(() -> notFound(examId));
        Instant now = clock.instant();
        LocalDate today = LocalDate.ofInstant(now, zones.hospital(request.hospitalId()));
        int age = Period.between(request.birthDate(), today).getYears();
        boolean editable = exam.heldBy(radiologist) && !report.signed();
        return new ReportEditor(examId, request, age, report, editable ? templates.phrases(request.examTypeCode()) : List.of(),
                editable, editable && reauthenticationNeeded(authenticatedAt), now, aiResults.ofExam(examId),
                aiResults.failuresOf(examId));
    }

    /** Open callback tasks, oldest first: the coordinators' list of calls still to make. */
    /**
     * The critical findings still to phone, with the patient and the conclusion to read back. They
     * carry patients' names: whoever was shown which tasks is in the audit trail.
     */
    public List<OpenCallbackTask> openCallbackTasks(AccountPrincipal viewer, String source) {
        List<OpenCallbackTask> tasks = jdbc.sql("""
                select t.id as task_id, rp.id as report_id, rp.exam_id, r.accession_number, r.hospital_id,
                       h.name as hospital_name, ty.label_fr as exam_type_label, rp.critical_category,
                       r.requesting_physician, r.callback_phone, u.display_name as signed_by_name, rp.signed_at,
                       t.opened_at, rp.conclusion
                from callback_task t
                join report rp on rp.id = t.report_id
                join exam_request r on r.exam_id = rp.exam_id
                join hospital h on h.id = r.hospital_id
                join exam_type ty on ty.code = r.exam_type_code
                left join app_user u on u.id = rp.signed_by
                where t.state = 'OPEN'
                order by t.opened_at, t.id""")
                .query((rs, n) -> new OpenCallbackTask(rs.getLong("task_id"), rs.getLong("report_id"),
                        rs.getLong("exam_id"), rs.getString("accession_number"), rs.getLong("hospital_id"),
                        rs.getString("hospital_name"), rs.getString("exam_type_label"),
                        category(rs.getString("critical_category")), rs.getString("requesting_physician"),
                        rs.getString("callback_phone"), rs.getString("signed_by_name"),
                        instant(rs, "signed_at"), instant(rs, "opened_at"), rs.getString("conclusion"),
                        null, null, null))
                .list().stream()
                .map(t -> requests.find(t.examId())
                        .map(r -> t.withPatient(r.familyName(), r.givenName(), r.birthDate())).orElse(t))
                .toList();
        if (!tasks.isEmpty()) {
            audit.record(viewer.username(), "CALLBACK_TASKS_LISTED", null, source, AuditLog.Outcome.SUCCESS,
                    tasks.size() + " tasks: exam " + tasks.stream().limit(200).map(t -> String.valueOf(t.examId()))
                            .collect(java.util.stream.Collectors.joining(",")));
        }
        return tasks;
    }

    /** Whether a login made at that time is too old to sign without typing the password again. */
    public boolean reauthenticationNeeded(Instant authenticatedAt) {
        return authenticatedAt == null
                || authenticatedAt.isBefore(clock.instant().minus(settings.reauthenticateAfter()));
    }

    // ---- writing -------------------------------------------------------------------------------

    /** Saves the whole draft over the version it was read at; only the radiologist holding the claim may. */
    public ReportView saveDraft(long examId, DraftUpdate draft, AccountPrincipal by) {
        DraftUpdate d = checkDraft(draft);
        Instant now = clock.instant();
        inTransaction(() -> {
            lockHeld(examId, by);
            Optional<Integer> saved = d.version() == 0
                    ? jdbc.sql("""
                            insert into report (exam_id, indication, technique, findings, conclusion, critical,
                                                critical_category, author_id, created_at, updated_at)
                            values (:exam, :indication, :technique, :findings, :conclusion, :critical, :category,
                                    :author, :now, :now)
                            on conflict (exam_id) do nothing
                            returning version""")
                            .params(draftParams(examId, d, by, now)).query(Integer.class).optional()
                    : jdbc.sql("""
                            update report set indication = :indication, technique = :technique, findings = :findings,
                                              conclusion = :conclusion, critical = :critical,
                                              critical_category = :category, author_id = :author, updated_at = :now,
                                              version = version + 1
                            where exam_id = :exam and state = 'DRAFT' and version = :version
                            returning version""")
                            .params(draftParams(examId, d, by, now)).param("version", d.version())
                            .query(Integer.class).optional();
            if (saved.isEmpty()) {
                throw refusedVersion(examId, d.version());
            }
            // Writing is working: the claim's idle clock starts again.
            worklist.touch(examId, by);
            return null;
        });
        return stored(examId).orElseThrow();
    }

    /**
     * Signs the draft read at {@code request.version()}: by the claim holder, with a recent
     * authentication, a non-empty findings and conclusion, and for a critical report a documented
     * call or an open callback task. The exam becomes REPORTED and leaves the worklist; the
     * turnaround (first image → signature) is recorded. {@link ReportSigned} follows the commit.
     */
    public ReportView sign(long examId, SignRequest request, AccountPrincipal by, Instant authenticatedAt, String source) {
        if (request == null || request.version() == null) {
            throw new InvalidInputException("version", "report.version.required", "give the version of the draft you sign");
        }
        checkRecentAuthentication(examId, request.password(), by, authenticatedAt, source);
        CallbackDetails call = request.callback() == null ? null : checkCallback(request.callback());
        Instant now = clock.instant();
        record Outcome(long reportId, long hospitalId, boolean critical) {}
        Outcome signed = inTransaction(() -> {
            Exam exam = lockHeld(examId, by);
            Draft draft = jdbc.sql("""
                    select id, state, version, critical, indication, technique, findings, conclusion from report
                    where exam_id = :exam for update""")
                    .param("exam", examId).query(Draft.class).optional()
                    .orElseThrow(() -> new ConflictException(null, "report.noDraft",
                            "no draft to sign for exam " + examId + ": save it first", examId));
            if (draft.version() != request.version()) {
                throw refusedVersion(examId, request.version());
            }
            if (draft.findings().isBlank()) {
                throw new InvalidInputException("findings", "report.findings.empty", "the findings are empty");
            }
            if (draft.conclusion().isBlank()) {
                throw new InvalidInputException("conclusion", "report.conclusion.empty", "the conclusion is empty");
            }
            for (Map.Entry<String, String> section : draft.sections().entrySet()) {
                Matcher unfilled = UNFILLED.matcher(section.getValue() == null ? "" : section.getValue());
                if (unfilled.find()) {
                    throw new InvalidInputException(section.getKey(), "report.unfilled",
                            "the " + section.getKey() + " still holds " + unfilled.group() + ": choose or fill it before signing",
                            new DefaultMessageSourceResolvable("report." + section.getKey()), unfilled.group());
                }
            }
            if (call != null) {
                long callId = insertCallback(draft.id(), call, by, now, null);
                audit.record(by.username(), "CRITICAL_CALLBACK_RECORDED", "exam:" + examId, source,
                        AuditLog.Outcome.SUCCESS, "callback:" + callId);
            } else if (draft.critical() && !hasCallback(draft.id())) {
                if (!Boolean.TRUE.equals(request.openCallbackTask())) {
                    throw new ConflictException("callback", "report.critical.callbackRequired",
                            "a critical report is signed with the call documented, or with a callback task", examId);
                }
                long taskId = jdbc.sql("""
                        insert into callback_task (report_id, opened_at, opened_by) values (:report, :now, :by)
                        returning id""")
                        .param("report", draft.id()).param("now", ExamLifecycle.utc(now)).param("by", by.id())
                        .query(Long.class).single();
                audit.record(by.username(), "CALLBACK_TASK_OPENED", "exam:" + examId, source,
                        AuditLog.Outcome.SUCCESS, "task:" + taskId);
            }
            OffsetDateTime firstImage = jdbc.sql("""
                    select s.first_received_at from exam e join study s on s.id = e.study_id where e.id = :exam""")
                    .param("exam", examId).query(OffsetDateTime.class).optional().orElse(null);
            Long turnaround = firstImage == null ? null
                    : Math.max(0, Duration.between(firstImage.toInstant(), now).getSeconds());
            jdbc.sql("""
                    update report set state = 'SIGNED', signed_at = :now, signed_by = :by, first_image_at = :first,
                                      turnaround_seconds = :turnaround
                    where id = :id""")
                    .param("now", ExamLifecycle.utc(now)).param("by", by.id()).param("first", firstImage)
                    .param("turnaround", turnaround == null ? null : turnaround.intValue()).param("id", draft.id())
                    .update();
            aiReviews.recordAtSignature(examId, request.aiReviews(), request.missedFindings(), by.id(), now);
            worklist.completeClaim(examId, by.id(), by.username(), now);
            audit.record(by.username(), "REPORT_SIGNED", "exam:" + examId, source, AuditLog.Outcome.SUCCESS,
                    "report:" + draft.id() + (draft.critical() ? " critical" : "")
                            + (turnaround == null ? "" : " turnaround " + turnaround + " s"));
            return new Outcome(draft.id(), exam.hospitalId(), draft.critical());
        });
        events.publishEvent(new ReportSigned(signed.reportId(), examId, signed.hospitalId(), now, signed.critical()));
        requestChanged(examId, "reported");
        return stored(examId).orElseThrow();
    }

    /** A correction of a signed report, signed and timed now by its author: a radiologist who may read the report. */
    public Addendum addAddendum(long examId, String text, AccountPrincipal by, String source) {
        String body = checkText("text", text, MAX_ADDENDUM, "report.addendum");
        if (body.isBlank()) {
            throw new InvalidInputException("text", "report.addendum.required", "the addendum is empty");
        }
        Instant now = clock.instant();
        record Added(long id, long reportId, long hospitalId) {}
        Added added = inTransaction(() -> {
            Exam exam = exam(examId, true).orElseThrow(() -> notFound(examId));
            Optional<ReportView> report = stored(examId);
            boolean signed = report.map(ReportView::signed).orElse(false);
            if (by.role() != Role.RADIOLOGIST || !maySee(exam, signed, by) || report.isEmpty()) {
                throw notFound(examId);
            }
            if (!signed) {
                throw new ConflictException(null, "report.notSigned",
                        "the report of exam " + examId + " is a draft: edit it instead", examId);
            }
            long id = jdbc.sql("""
                    insert into report_addendum (report_id, body, author_id, signed_at)
                    values (:report, :body, :by, :now) returning id""")
                    .param("report", report.get().reportId()).param("body", body).param("by", by.id())
                    .param("now", ExamLifecycle.utc(now)).query(Long.class).single();
            audit.record(by.username(), "REPORT_ADDENDUM_SIGNED", "exam:" + examId, source, AuditLog.Outcome.SUCCESS,
                    "addendum:" + id);
            lateImages.closedByAddendum(examId, id, by.username(), now);
            return new Added(id, report.get().reportId(), exam.hospitalId());
        });
        events.publishEvent(new AddendumSigned(added.id(), added.reportId(), examId, added.hospitalId(), now));
        requestChanged(examId, "addendum");
        return addenda(added.reportId()).stream().filter(a -> a.id() == added.id()).findFirst().orElseThrow();
    }

    /**
     * Documents a call about the exam's report: by the claim holder while drafting (the report can
     * then be signed without more), or after the signature by a coordinator or a radiologist who may
     * read it. The report's open callback task, if any, is done with it.
     */
    public Callback recordCallback(long examId, CallbackDetails details, AccountPrincipal by, String source) {
        CallbackDetails call = checkCallback(details);
        Instant now = clock.instant();
        long callId = inTransaction(() -> {
            Exam exam = exam(examId, true).orElseThrow(() -> notFound(examId));
            Optional<ReportView> report = stored(examId);
            boolean signed = report.map(ReportView::signed).orElse(false);
            // While drafting, the holder documents the call; once signed, the platform's staff may.
            boolean allowed = signed ? !by.role().isHospitalRole() && maySee(exam, true, by) : exam.heldBy(by);
            if (!allowed) {
                throw notFound(examId);
            }
            if (report.isEmpty()) {
                throw new ConflictException(null, "report.noDraft",
                        "no report for exam " + examId + " yet: save the draft first", examId);
            }
            long reportId = report.get().reportId();
            Long taskId = jdbc.sql("select id from callback_task where report_id = :report and state = 'OPEN' for update")
                    .param("report", reportId).query(Long.class).optional().orElse(null);
            long id = insertCallback(reportId, call, by, now, taskId);
            if (taskId != null) {
                jdbc.sql("update callback_task set state = 'DONE', done_at = :now, done_by = :by where id = :id")
                        .param("now", ExamLifecycle.utc(now)).param("by", by.id()).param("id", taskId).update();
            }
            audit.record(by.username(), "CRITICAL_CALLBACK_RECORDED", "exam:" + examId, source, AuditLog.Outcome.SUCCESS,
                    "callback:" + id + (taskId == null ? "" : " task:" + taskId + " done"));
            return id;
        });
        return callbacks(stored(examId).orElseThrow().reportId()).stream().filter(c -> c.id() == callId)
                .findFirst().orElseThrow();
    }

    /** A coordinator documents the call of an open task: the task is done. */
    public Callback completeCallbackTask(long taskId, CallbackDetails details, AccountPrincipal by, String source) {
        long examId = jdbc.sql("""
                select rp.exam_id from callback_task t join report rp on rp.id = t.report_id
                where t.id = :id and t.state = 'OPEN'""")
                .param("id", taskId).query(Long.class).optional()
                .orElseThrow(() -> new NotFoundException("report.task.notFound", "no open callback task " + taskId, taskId));
        return recordCallback(examId, details, by, source);
    }

    // ---- inner workings ------------------------------------------------------------------------

    private boolean maySee(Exam exam, boolean signed, AccountPrincipal viewer) {
        Role role = viewer.role();
        if (role == Role.ADMIN || role == Role.COORDINATOR) {
            return true;
        }
        if (role.isHospitalRole()) {
            return signed && viewer.hospitalId() != null && viewer.hospitalId() == exam.hospitalId();
        }
        if (role == Role.RADIOLOGIST) {
            return exam.heldBy(viewer) || (signed && roster.authorisedHospitals(viewer.id()).contains(exam.hospitalId()));
        }
        return false;
    }

    /** Locks the exam for a write of its draft: 404 unless the writer holds its claim (409 once the report is signed). */
    private Exam lockHeld(long examId, AccountPrincipal by) {
        Exam exam = exam(examId, true).orElseThrow(() -> notFound(examId));
        if (exam.heldBy(by)) {
            return exam;
        }
        boolean signed = stored(examId).map(ReportView::signed).orElse(false);
        if (signed && maySee(exam, true, by)) {
            throw signedAlready(examId);
        }
        throw new NotFoundException("report.notHeld", "you do not hold exam " + examId, examId);
    }

    private Optional<Exam> exam(long examId, boolean lock) {
        return jdbc.sql("""
                select e.id, e.state, e.hospital_id, e.claimed_by from exam e
                where e.id = :id and exists (select 1 from exam_request r where r.exam_id = e.id)"""
                + (lock ? " for update of e" : ""))
                .param("id", examId)
                .query((rs, n) -> new Exam(rs.getLong("id"), ExamState.valueOf(rs.getString("state")),
                        rs.getLong("hospital_id"), (Long) rs.getObject("claimed_by")))
                .optional();
    }

    private ReportView proposal(long examId) {
        RequestView request = requests.find(examId).orElseThrow(() -> notFound(examId));
        ReportTemplates.Sections s = templates.proposal(request);
        return new ReportView(null, examId, request.accessionNumber(), ReportState.DRAFT, 0, s.indication(),
                s.technique(), s.findings(), s.conclusion(), false, null, null, null, null, null, null, null, null,
                List.of(), List.of(), List.of());
    }

    private Optional<ReportView> stored(long examId) {
        return jdbc.sql("""
                select rp.*, r.accession_number, a.display_name as author_name, s.display_name as signed_by_name,
                       t.state as task_state
                from report rp
                join exam_request r on r.exam_id = rp.exam_id
                join app_user a on a.id = rp.author_id
                left join app_user s on s.id = rp.signed_by
                left join callback_task t on t.report_id = rp.id
                where rp.exam_id = :exam""")
                .param("exam", examId)
                .query(this::view)
                .optional();
    }

    private ReportView view(ResultSet rs, int row) throws SQLException {
        long id = rs.getLong("id");
        Integer turnaround = (Integer) rs.getObject("turnaround_seconds");
        return new ReportView(id, rs.getLong("exam_id"), rs.getString("accession_number"),
                ReportState.valueOf(rs.getString("state")), rs.getInt("version"), rs.getString("indication"),
                rs.getString("technique"), rs.getString("findings"), rs.getString("conclusion"),
                rs.getBoolean("critical"), category(rs.getString("critical_category")), rs.getString("author_name"),
                instant(rs, "updated_at"), instant(rs, "signed_at"), rs.getString("signed_by_name"),
                instant(rs, "first_image_at"), turnaround == null ? null : turnaround.longValue(),
                rs.getString("task_state"), addenda(id), callbacks(id), List.of());
    }

    private List<Addendum> addenda(long reportId) {
        return jdbc.sql("""
                select d.id, d.body, d.author_id, u.display_name as author_name, d.signed_at
                from report_addendum d join app_user u on u.id = d.author_id
                where d.report_id = :report order by d.signed_at, d.id""")
                .param("report", reportId)
                .query((rs, n) -> new Addendum(rs.getLong("id"), rs.getString("body"), rs.getLong("author_id"),
                        rs.getString("author_name"), instant(rs, "signed_at")))
                .list();
    }

    private List<Callback> callbacks(long reportId) {
        return jdbc.sql("""
                select c.id, c.called_name, c.called_phone, c.called_at, c.read_back_confirmed,
                       u.display_name as recorded_by_name, c.recorded_at
                from critical_callback c join app_user u on u.id = c.recorded_by
                where c.report_id = :report order by c.called_at, c.id""")
                .param("report", reportId)
                .query((rs, n) -> new Callback(rs.getLong("id"), rs.getString("called_name"),
                        rs.getString("called_phone"), instant(rs, "called_at"), rs.getBoolean("read_back_confirmed"),
                        rs.getString("recorded_by_name"), instant(rs, "recorded_at")))
                .list();
    }

    private boolean hasCallback(long reportId) {
        return jdbc.sql("select exists (select 1 from critical_callback where report_id = :report)")
                .param("report", reportId).query(Boolean.class).single();
    }

    private long insertCallback(long reportId, CallbackDetails call, AccountPrincipal by, Instant now, Long taskId) {
        return jdbc.sql("""
                insert into critical_callback (report_id, called_name, called_phone, called_at, read_back_confirmed,
                                               recorded_by, recorded_at, task_id)
                values (:report, :name, :phone, :at, true, :by, :now, :task) returning id""")
                .param("report", reportId).param("name", call.calledName()).param("phone", call.calledPhone())
                .param("at", call.calledAt()).param("by", by.id()).param("now", ExamLifecycle.utc(now))
                .param("task", taskId).query(Long.class).single();
    }

    private static Map<String, Object> draftParams(long examId, DraftUpdate d, AccountPrincipal by, Instant now) {
        Map<String, Object> p = new HashMap<>();
        p.put("exam", examId);
        p.put("indication", d.indication());
        p.put("technique", d.technique());
        p.put("findings", d.findings());
        p.put("conclusion", d.conclusion());
        p.put("critical", d.critical());
        p.put("category", d.criticalCategory() == null ? null : d.criticalCategory().name());
        p.put("author", by.id());
        p.put("now", ExamLifecycle.utc(now));
        return p;
    }

    /** Why a write over a version failed: the report was signed meanwhile, or someone saved a newer version. */
    private ConflictException refusedVersion(long examId, int version) {
        record Current(String state, int version) {}
        Optional<Current> current = jdbc.sql("select state, version from report where exam_id = :exam")
                .param("exam", examId).query(Current.class).optional();
        if (current.isPresent() && ReportState.SIGNED.name().equals(current.get().state())) {
            return signedAlready(examId);
        }
        int stored = current.map(Current::version).orElse(0);
        return new ConflictException("version", "report.version.stale",
                "the draft is at version " + stored + ", not " + version + ": reload it", version, stored);
    }

    private static ConflictException signedAlready(long examId) {
        return new ConflictException(null, "report.signed",
                "the report of exam " + examId + " is signed: correct it with an addendum", examId);
    }

    private static NotFoundException notFound(long examId) {
        return new NotFoundException("report.notFound", "no report of exam " + examId + " for you", examId);
    }

    private void checkRecentAuthentication(long examId, String password, AccountPrincipal by, Instant authenticatedAt,
                                           String source) {
        if (!reauthenticationNeeded(authenticatedAt)) {
            return;
        }
        Duration limit = settings.reauthenticateAfter();
        String after = limit.toMinutesPart() == 0 && limit.toHours() > 0 ? limit.toHours() + " h" : limit.toMinutes() + " min";
        if (password == null || password.isEmpty()) {
            throw new ForbiddenException("password", "report.reauthenticate",
                    "your login is older than " + after + ": give your password again to sign", after);
        }
        if (password.length() > MAX_PASSWORD || !accounts.passwordMatches(by.username(), password)) {
            audit.record(by.username(), "REPORT_SIGN_REAUTHENTICATION", "exam:" + examId, source,
                    AuditLog.Outcome.REJECTED, "wrong password");
            throw new ForbiddenException("password", "report.password.wrong", "the password is not yours");
        }
    }

    private DraftUpdate checkDraft(DraftUpdate d) {
        if (d == null) {
            throw new InvalidInputException(null, "report.body.required", "send the draft");
        }
        if (d.version() == null || d.version() < 0) {
            throw new InvalidInputException("version", "report.version.required", "give the version of the draft you edited");
        }
        boolean critical = Boolean.TRUE.equals(d.critical());
        if (critical && d.criticalCategory() == null) {
            throw new InvalidInputException("criticalCategory", "report.criticalCategory.required",
                    "a critical report needs its category");
        }
        return new DraftUpdate(d.version(),
                checkText("indication", d.indication(), MAX_INDICATION, "report.indication"),
                checkText("technique", d.technique(), MAX_TECHNIQUE, "report.technique"),
                checkText("findings", d.findings(), MAX_FINDINGS, "report.findings"),
                checkText("conclusion", d.conclusion(), MAX_CONCLUSION, "report.conclusion"),
                critical, critical ? d.criticalCategory() : null);
    }

    /** A section as typed (line breaks kept): present, not too long, no control characters but tabs and line breaks. */
    private static String checkText(String field, String text, int max, String prefix) {
        if (text == null) {
            throw new InvalidInputException(field, prefix + ".missing", field + " is missing");
        }
        if (text.length() > max) {
            throw new InvalidInputException(field, prefix + ".tooLong", field + " exceeds " + max + " characters", max);
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x20 && c != '\n' && c != '\r' && c != '\t') {
                throw new InvalidInputException(field, "report.text.control", field + " holds a control character");
            }
        }
        return text;
    }

    private CallbackDetails checkCallback(CallbackDetails c) {
        String name = c.calledName() == null ? "" : c.calledName().strip();
        if (name.isEmpty() || name.length() > 128) {
            throw new InvalidInputException("callback.calledName", "report.callback.name", "name the person called");
        }
        String phone = c.calledPhone() == null ? "" : c.calledPhone().strip();
        if (!phone.matches("[+0-9 ().-]{2,24}")) {
            throw new InvalidInputException("callback.calledPhone", "report.callback.phone",
                    "the number called: 2 to 24 digits, spaces, +, ( ), . and -");
        }
        if (c.calledAt() == null) {
            throw new InvalidInputException("callback.calledAt", "report.callback.at", "give the time of the call");
        }
        if (c.calledAt().toInstant().isAfter(clock.instant().plus(CALL_CLOCK_TOLERANCE))) {
            throw new InvalidInputException("callback.calledAt", "report.callback.future", "the call is in the future");
        }
        if (!Boolean.TRUE.equals(c.readBackConfirmed())) {
            throw new InvalidInputException("callback.readBackConfirmed", "report.callback.readBack",
                    "the person called must have read the finding back");
        }
        return new CallbackDetails(name, phone, c.calledAt(), true);
    }

    private void requestChanged(long examId, String what) {
        requests.find(examId).ifPresent(r ->
                events.publishEvent(new RequestChanged(examId, r.hospitalId(), r.state(), r.urgency(), what)));
    }

    private <T> T inTransaction(Supplier<T> work) {
        try {
            return tx.execute(status -> work.get());
        } catch (fr.relais.exam.ExamStateMachine.IllegalTransitionException e) {
            throw new ConflictException(null, "report.illegalTransition", e.getMessage(), e.stateNames());
        } catch (org.springframework.dao.PessimisticLockingFailureException e) {
            throw new ConflictException(null, "report.busy", "the exam is being changed; try again");
        }
    }

    private static CriticalCategory category(String name) {
        return name == null ? null : CriticalCategory.valueOf(name);
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime at = rs.getObject(column, OffsetDateTime.class);
        return at == null ? null : at.toInstant();
    }
}
