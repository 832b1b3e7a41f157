package fr.relais.request;

import fr.relais.audit.AuditLog;
import fr.relais.exam.ExamLifecycle;
import fr.relais.exam.ExamState;
import fr.relais.platform.ConflictException;
import fr.relais.platform.NotFoundException;
import fr.relais.security.AccountPrincipal;
import fr.relais.security.Role;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Images that arrive for a study whose exam has moved on are never acknowledged into silence.
 * The intake asks, in its transaction, for the study's exam (locked, so that a signature, a
 * rejection or a purge and the arrival happen one after the other, never across each other), then
 * tells of each new instance:
 * <ul>
 * <li>an exam waiting or being read takes it as any other (the reader's viewer hears "new images");</li>
 * <li>a signed report gets an "images après compte rendu" task for its author (or a coordinator),
 *     ended by an addendum or an explicit "nothing new";</li>
 * <li>a rejected, refused, cancelled or purged exam lets the study go: it opens a new UNMATCHED exam.</li>
 * </ul>
 * An exam whose images are being purged refuses them for the moment: the sender keeps them and
 * sends again once the purge is done (then they open an unmatched exam).
 */
@Service
public class LateImages {

    /** Exams whose report is signed: their new images wait for a decision of the author. */
    private static final Set<ExamState> SIGNED = EnumSet.of(ExamState.REPORTED, ExamState.DELIVERED);
    /** Exams closed for good: their study goes to a new unmatched exam. */
    private static final Set<ExamState> CLOSED = EnumSet.of(ExamState.CANCELLED, ExamState.REFUSED, ExamState.PURGED);
    /** Exams whose readers hear of new images. */
    private static final Set<ExamState> ANNOUNCED = EnumSet.of(ExamState.READY, ExamState.IN_READING);
    /** One announcement per exam within this many milliseconds: a series is hundreds of instances. */
    private static final long ANNOUNCE_EVERY_MS = 1000;

    /** The exam that holds a study, as locked by {@link #lockExamOf}; examId null when none holds it. */
    public record StudyExam(Long examId, ExamState state, boolean purging, Long claimedBy) {}

    /** The study's images are being purged: the instance is refused for now (the sender retries). */
    public static final class PurgeUnderway extends RuntimeException {
        PurgeUnderway(long examId) {
            super("the images of exam " + examId + " are being purged; send again later");
        }
    }

    /** Where a task stands. */
    public enum TaskState { OPEN, ADDENDUM, NOTHING_NEW }

    /** A task "images après compte rendu", as its author and the coordinators see it. No patient data. */
    public record LateImageTask(long id, long examId, long hospitalId, String hospitalName, String accessionNumber,
                                String author, int instanceCount, Instant firstArrivalAt, Instant lastArrivalAt,
                                TaskState state, Instant closedAt, String closedBy) {}

    private final JdbcClient jdbc;
    private final TransactionTemplate tx;
    private final ExamLifecycle exams;
    private final AuditLog audit;
    private final ApplicationEventPublisher events;
    private final Clock clock;
    private final Map<Long, Long> lastAnnounced = new ConcurrentHashMap<>();

    LateImages(JdbcClient jdbc, TransactionTemplate tx, ExamLifecycle exams, AuditLog audit,
               ApplicationEventPublisher events, Clock clock) {
        this.jdbc = jdbc;
        this.tx = tx;
        this.exams = exams;
        this.audit = audit;
        this.events = events;
        this.clock = clock;
    }

    // ---- the intake's side, in its transaction ---------------------------------------------------

    /**
     * The exam holding the study, locked until the intake's transaction ends; refuses with
     * {@link PurgeUnderway} while its images are being purged.
     */
    public StudyExam lockExamOf(long studyId) {
        // Asked twice when none is found: an exam letting the study go to a new one as this waited
        // for its lock no longer matches, and only a new statement sees the new one.
        StudyExam exam = examOf(studyId).or(() -> examOf(studyId)).orElse(new StudyExam(null, null, false, null));
        if (exam.purging() && exam.state() != ExamState.PURGED) {
            throw new PurgeUnderway(exam.examId());
        }
        return exam;
    }

    private java.util.Optional<StudyExam> examOf(long studyId) {
        return jdbc.sql("""
                        select id, state, purge_started_at is not null as purging, claimed_by
                        from exam where study_id = :study for update""")
                .param("study", studyId)
                .query((rs, n) -> new StudyExam(rs.getLong("id"), ExamState.valueOf(rs.getString("state")),
                        rs.getBoolean("purging"), (Long) rs.getObject("claimed_by")))
                .optional();
    }

    /** A new instance of the study was indexed, in the same transaction as {@link #lockExamOf}. */
    public void arrived(long hospitalId, long studyId, StudyExam exam, Instant receivedAt, String actor) {
        if (exam.examId() == null || CLOSED.contains(exam.state())) {
            reopenAsUnmatched(hospitalId, studyId, exam, receivedAt, actor);
        } else if (SIGNED.contains(exam.state())) {
            afterTheReport(hospitalId, studyId, exam.examId(), receivedAt, actor);
        } else if (ANNOUNCED.contains(exam.state())) {
            announce(exam.examId(), hospitalId, exam.state() == ExamState.IN_READING ? exam.claimedBy() : null,
                    "new-images");
        }
    }

    private void reopenAsUnmatched(long hospitalId, long studyId, StudyExam closed, Instant at, String actor) {
        String why = closed.examId() == null ? "images of a study no exam held"
                : "images received after exam " + closed.examId() + " was " + closed.state().name().toLowerCase();
        if (closed.examId() != null) {
            jdbc.sql("update exam set study_id = null where id = :id").param("id", closed.examId()).update();
        }
        long unmatched = exams.open(hospitalId, studyId, ExamState.UNMATCHED, at, actor, why);
        audit.record(actor, "LATE_IMAGES_UNMATCHED", "exam:" + unmatched, null, AuditLog.Outcome.SUCCESS,
                "study " + studyId + ", " + why);
    }

    private void afterTheReport(long hospitalId, long studyId, long examId, Instant at, String actor) {
        String author = jdbc.sql("""
                        select actor from exam_event where exam_id = :exam and to_state = 'REPORTED'
                        order by at desc, id desc limit 1""")
                .param("exam", examId).query(String.class).optional().orElse(ExamLifecycle.SYSTEM);
        record Upserted(long id, boolean created) {}
        Upserted task = jdbc.sql("""
                        insert into late_image_task (exam_id, study_id, hospital_id, author, instance_count,
                                                     first_arrival_at, last_arrival_at)
                        values (:exam, :study, :hospital, :author, 1, :at, :at)
                        on conflict (exam_id) where state = 'OPEN' do update
                            set instance_count = late_image_task.instance_count + 1,
                                first_arrival_at = least(late_image_task.first_arrival_at, excluded.first_arrival_at),
                                last_arrival_at = greatest(late_image_task.last_arrival_at, excluded.last_arrival_at)
                        returning id, (xmax = 0) as created""")
                .param("exam", examId).param("study", studyId).param("hospital", hospitalId).param("author", author)
                .param("at", ExamLifecycle.utc(at))
                .query((rs, n) -> new Upserted(rs.getLong("id"), rs.getBoolean("created")))
                .single();
        if (task.created()) {
            audit.record(actor, "LATE_IMAGES_TASK_OPENED", "exam:" + examId, null, AuditLog.Outcome.SUCCESS,
                    "task:" + task.id() + ", study " + studyId + ", author " + author);
            announce(examId, hospitalId, null, "late-images");
        }
    }

    /** After the commit, and at most once a second per exam: the live pages fetch themselves again. */
    private void announce(long examId, long hospitalId, Long userId, String what) {
        long now = System.nanoTime();
        Long last = lastAnnounced.get(examId);
        if (!"late-images".equals(what) && last != null
                && now - last < TimeUnit.MILLISECONDS.toNanos(ANNOUNCE_EVERY_MS)) {
            return;
        }
        lastAnnounced.put(examId, now);
        if (lastAnnounced.size() > 10_000) {
            lastAnnounced.clear();
        }
        ImagesArrived arrived = new ImagesArrived(examId, hospitalId, userId, what);
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCommit() {
                    events.publishEvent(arrived);
                }
            });
        } else {
            events.publishEvent(arrived);
        }
    }

    // ---- the tasks -------------------------------------------------------------------------------

    /** The tasks a user may act on: a radiologist's own, every one for coordinators and administrators. */
    public List<LateImageTask> tasks(AccountPrincipal viewer, boolean openOnly) {
        if (!mayHaveTasks(viewer)) {
            return List.of();
        }
        boolean all = viewer.role() == Role.COORDINATOR || viewer.role() == Role.ADMIN;
        return jdbc.sql(SELECT + """
                where (:all or t.author = :me) and (not :openOnly or t.state = 'OPEN')
                order by t.state = 'OPEN' desc, t.last_arrival_at desc limit 200""")
                .param("all", all).param("me", viewer.username()).param("openOnly", openOnly)
                .query(LateImages::task).list();
    }

    /** The open tasks, for the worklist and supervision pages. */
    public List<LateImageTask> openTasks(AccountPrincipal viewer) {
        return tasks(viewer, true);
    }

    /** The author (or a coordinator) looked: nothing in the new images changes the report. Audited. */
    public LateImageTask nothingNew(long taskId, AccountPrincipal by, String source) {
        Instant now = clock.instant();
        tx.executeWithoutResult(status -> {
            LateImageTask task = jdbc.sql(SELECT + "where t.id = :id for update of t").param("id", taskId)
                    .query(LateImages::task).optional()
                    .filter(t -> mayAct(t, by))
                    .orElseThrow(() -> new NotFoundException("lateImages.notFound", "no late-image task " + taskId, taskId));
            if (task.state() != TaskState.OPEN) {
                throw new ConflictException(null, "lateImages.closed", "the late-image task {0} is closed already", taskId);
            }
            jdbc.sql("""
                    update late_image_task set state = 'NOTHING_NEW', closed_at = :now, closed_by = :by
                    where id = :id""")
                    .param("now", ExamLifecycle.utc(now)).param("by", by.username()).param("id", taskId).update();
            audit.record(by.username(), "LATE_IMAGES_NOTHING_NEW", "exam:" + task.examId(), source,
                    AuditLog.Outcome.SUCCESS, "task:" + taskId + ", " + task.instanceCount() + " instances");
        });
        return jdbc.sql(SELECT + "where t.id = :id").param("id", taskId).query(LateImages::task).single();
    }

    /** An addendum was signed for the exam (in its transaction): its open task, if any, ends with it. Audited. */
    public void closedByAddendum(long examId, long addendumId, String by, Instant at) {
        jdbc.sql("""
                        update late_image_task set state = 'ADDENDUM', closed_at = :at, closed_by = :by, addendum_id = :addendum
                        where exam_id = :exam and state = 'OPEN' returning id""")
                .param("at", ExamLifecycle.utc(at)).param("by", by).param("addendum", addendumId).param("exam", examId)
                .query(Long.class).optional()
                .ifPresent(id -> audit.record(by, "LATE_IMAGES_ADDENDUM", "exam:" + examId, null,
                        AuditLog.Outcome.SUCCESS, "task:" + id + ", addendum:" + addendumId));
    }

    /** Whether the exam has new images nobody decided on yet: the retention leaves its images until then. */
    public boolean hasOpenTask(long examId) {
        return jdbc.sql("select exists (select 1 from late_image_task where exam_id = :exam and state = 'OPEN')")
                .param("exam", examId).query(Boolean.class).single();
    }

    private static boolean mayHaveTasks(AccountPrincipal user) {
        return user.role() == Role.RADIOLOGIST || user.role() == Role.COORDINATOR || user.role() == Role.ADMIN;
    }

    private static boolean mayAct(LateImageTask task, AccountPrincipal user) {
        return user.role() == Role.COORDINATOR || user.role() == Role.ADMIN
                || (user.role() == Role.RADIOLOGIST && task.author().equals(user.username()));
    }

    private static final String SELECT = """
            select t.id, t.exam_id, t.hospital_id, h.name as hospital_name, r.accession_number, t.author,
                   t.instance_count, t.first_arrival_at, t.last_arrival_at, t.state, t.closed_at, t.closed_by
            from late_image_task t join hospital h on h.id = t.hospital_id
            left join exam_request r on r.exam_id = t.exam_id
            """;

    private static LateImageTask task(ResultSet rs, int n) throws SQLException {
        return new LateImageTask(rs.getLong("id"), rs.getLong("exam_id"), rs.getLong("hospital_id"),
                rs.getString("hospital_name"), rs.getString("accession_number"), rs.getString("author"),
                rs.getInt("instance_count"), instant(rs.getObject("first_arrival_at", OffsetDateTime.class)),
                instant(rs.getObject("last_arrival_at", OffsetDateTime.class)), TaskState.valueOf(rs.getString("state")),
                instant(rs.getObject("closed_at", OffsetDateTime.class)), rs.getString("closed_by"));
    }

    private static Instant instant(OffsetDateTime at) {
        return at == null ? null : at.toInstant();
    }
}
