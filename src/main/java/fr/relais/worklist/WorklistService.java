package fr.relais.worklist;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import fr.relais.audit.AuditLog;
import fr.relais.exam.ExamLifecycle;
import fr.relais.exam.ExamReady;
import fr.relais.exam.ExamState;
import fr.relais.exam.ExamStateMachine;
import fr.relais.platform.ConflictException;
import fr.relais.platform.InvalidInputException;
import fr.relais.platform.NotFoundException;
import fr.relais.platform.Zones;
import fr.relais.request.RequestService;
import fr.relais.request.Urgency;
import fr.relais.roster.Roster;
import fr.relais.security.AccountPrincipal;
import fr.relais.storage.Sealer;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.Period;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The common worklist: one queue of READY exams for every center, in deadline order, each exam
 * read by one radiologist at a time. A claim is a row lock taken with SKIP LOCKED, so that
 * radiologists of several application instances never get the same exam and never wait for
 * each other. Every change is recorded and announced through PostgreSQL NOTIFY.
 */
@Service
public class WorklistService {

    static final String CHANNEL = "relais_worklist";

    private record Candidate(long id, long hospitalId) {}

    private final JdbcClient jdbc;
    private final TransactionTemplate tx;
    private final ExamLifecycle exams;
    private final Sealer sealer;
    private final AuditLog audit;
    private final Clock clock;
    private final WorklistPolicy policy;
    private final WorklistSettings settings;
    private final Roster roster;
    private final ObjectMapper json = new ObjectMapper();
    private final Zones zones;

    WorklistService(JdbcClient jdbc, TransactionTemplate tx, ExamLifecycle exams, Sealer sealer, AuditLog audit,
                    Clock clock, WorklistSettings settings, Roster roster, Zones zones) {
        this.jdbc = jdbc;
        this.tx = tx;
        this.exams = exams;
        this.sealer = sealer;
        this.audit = audit;
        this.clock = clock;
        this.settings = settings;
        this.roster = roster;
        this.policy = new WorklistPolicy(settings.targets());
        this.zones = zones;
    }

    // ---- the queue -----------------------------------------------------------------------------

    /** A READY exam enters the queue with its class and deadline (and, in push mode, a reader). */
    @EventListener
    public void onReady(ExamReady ready) {
        inTransaction(() -> {
            placeInQueue(ready.examId(), ready.at());
            return null;
        });
        if (settings.mode() == WorklistSettings.Mode.PUSH) {
            assignToLeastLoaded(ready.examId());
        }
    }

    /**
     * An AI engine found something: the exam is flagged, and if it waits in the queue its class
     * and deadline are computed again by the policy (from its original ready time), so that it
     * overtakes the exams whose deadline comes later. Returns whether the exam's class changed.
     */
    public boolean markAiPositive(long examId) {
        return Boolean.TRUE.equals(inTransaction(() -> {
            record Flagged(long hospitalId, OffsetDateTime readyAt, String priorityClass, String urgency, String state) {}
            Flagged exam = jdbc.sql("""
                    select e.hospital_id, e.ready_at, e.priority_class, r.urgency, e.state from exam e
                    join exam_request r on r.exam_id = e.id where e.id = :id for update of e""")
                    .param("id", examId)
                    .query((rs, n) -> new Flagged(rs.getLong("hospital_id"), rs.getObject("ready_at", OffsetDateTime.class),
                            rs.getString("priority_class"), rs.getString("urgency"), rs.getString("state")))
                    .optional().orElse(null);
            if (exam == null) {
                return false;
            }
            jdbc.sql("update exam set ai_positive = true where id = :id").param("id", examId).update();
            if (exam.readyAt() == null) {
                return false; // not placed yet: placing it will read ai_positive
            }
            if (!ExamState.READY.name().equals(exam.state()) && !ExamState.IN_READING.name().equals(exam.state())) {
                return false; // read already (a late result): its class and deadline are history now
            }
            WorklistPolicy.Ranked ranked = policy.rank(new WorklistPolicy.Waiting(examId, exam.hospitalId(),
                    Urgency.valueOf(exam.urgency()), true, exam.readyAt().toInstant()));
            if (ranked.priorityClass().name().equals(exam.priorityClass())) {
                return false;
            }
            jdbc.sql("update exam set deadline_at = :deadline, priority_class = :class where id = :id")
                    .param("deadline", ExamLifecycle.utc(ranked.deadline()))
                    .param("class", ranked.priorityClass().name()).param("id", examId).update();
            notifyChange(examId, exam.hospitalId(), "ai-positive", null);
            return true;
        }));
    }

    /**
     * An AI engine could not analyse the exam: its place in the queue stays (the reading never
     * waits for the AI), and the screens showing it are told, so that its row says so at once.
     */
    public void aiAnalysisFailed(long examId) {
        notifyChange(examId, hospitalOf(examId), "ai-failed", null);
    }

    /** The exams a checked-in radiologist may read, most urgent first; empty when not checked in. */
    public List<WorklistRow> queue(AccountPrincipal radiologist) {
        return queue(radiologist, WorklistFilter.NONE);
    }

    /**
     * The same queue narrowed by the filter. A hospital the radiologist does not read for, or an
     * exam type the catalogue does not have, is refused: a filter never widens what one sees.
     */
    public List<WorklistRow> queue(AccountPrincipal radiologist, WorklistFilter filter) {
        Instant now = clock.instant();
        if (filter.hospitalId() != null && !roster.authorisedHospitals(radiologist.id()).contains(filter.hospitalId())) {
            throw new InvalidInputException("hospital", "worklist.filter.error.hospital",
                    "you do not read for hospital " + filter.hospitalId(), filter.hospitalId());
        }
        requireKnownExamType(filter);
        if (!roster.isCheckedIn(radiologist.id(), now)) {
            return List.of();
        }
        return jdbc.sql(SELECT + """
                 where e.state = 'READY' and e.deadline_at is not null
                   and e.hospital_id in (select hospital_id from radiologist_hospital where user_id = :user)
                """ + narrowedBy(filter) + """
                 order by e.deadline_at, e.ready_at, e.id
                 limit 500""")
                .param("user", radiologist.id())
                .params(filterParams(filter))
                .query((rs, n) -> row(rs, now))
                .list();
    }

    /** What a radiologist holds now. */
    public List<WorklistRow> claimsOf(long userId) {
        Instant now = clock.instant();
        return jdbc.sql(SELECT + " where e.state = 'IN_READING' and e.claimed_by = :user order by e.claimed_at")
                .param("user", userId)
                .query((rs, n) -> row(rs, now))
                .list();
    }

    /** The whole picture for coordinators: every READY and IN_READING exam, in queue order. */
    public List<WorklistRow> everything() {
        return everything(WorklistFilter.NONE);
    }

    /** The whole picture narrowed by the filter (an unknown hospital or exam type is refused). */
    public List<WorklistRow> everything(WorklistFilter filter) {
        Instant now = clock.instant();
        if (filter.hospitalId() != null && !jdbc.sql("select exists (select 1 from hospital where id = :id)")
                .param("id", filter.hospitalId()).query(Boolean.class).single()) {
            throw new InvalidInputException("hospital", "worklist.filter.error.hospitalUnknown",
                    "no hospital " + filter.hospitalId(), filter.hospitalId());
        }
        requireKnownExamType(filter);
        return jdbc.sql(SELECT + """
                 where e.state in ('READY', 'IN_READING')
                """ + narrowedBy(filter) + """
                 order by e.state desc, e.deadline_at nulls last, e.ready_at, e.id
                 limit 2000""")
                .params(filterParams(filter))
                .query((rs, n) -> row(rs, now))
                .list();
    }

    /** The filter values a radiologist is offered: the hospitals they read for, the catalogue's exam types. */
    public WorklistFilter.Choices choicesFor(AccountPrincipal radiologist) {
        return new WorklistFilter.Choices(jdbc.sql("""
                        select h.id::text as value, h.name as label from hospital h
                        join radiologist_hospital a on a.hospital_id = h.id and a.user_id = :user
                        order by h.name, h.id""")
                .param("user", radiologist.id()).query(WorklistFilter.Choice.class).list(),
                examTypeChoices(), List.of(PriorityClass.values()));
    }

    /** The filter values a coordinator is offered: every hospital. */
    public WorklistFilter.Choices choicesForAll() {
        return new WorklistFilter.Choices(jdbc.sql("select id::text as value, name as label from hospital order by name, id")
                .query(WorklistFilter.Choice.class).list(), examTypeChoices(), List.of(PriorityClass.values()));
    }

    private List<WorklistFilter.Choice> examTypeChoices() {
        return jdbc.sql("select code as value, label_fr as label from exam_type order by label_fr, code")
                .query(WorklistFilter.Choice.class).list();
    }

    private void requireKnownExamType(WorklistFilter filter) {
        if (filter.examTypeCode() != null && !jdbc.sql("select exists (select 1 from exam_type where code = :code)")
                .param("code", filter.examTypeCode()).query(Boolean.class).single()) {
            throw new InvalidInputException("examType", "worklist.filter.error.examType",
                    "no exam type " + filter.examTypeCode() + " in the catalogue", filter.examTypeCode());
        }
    }

    /** The filter's conditions, each only when set, with the parameters of filterParams. */
    private static String narrowedBy(WorklistFilter filter) {
        StringBuilder where = new StringBuilder();
        if (filter.hospitalId() != null) {
            where.append("   and e.hospital_id = :filterHospital\n");
        }
        if (filter.examTypeCode() != null) {
            where.append("   and r.exam_type_code = :filterExamType\n");
        }
        if (filter.priorityClass() != null) {
            where.append("   and e.priority_class = :filterClass\n");
        }
        return where.toString();
    }

    private static Map<String, Object> filterParams(WorklistFilter filter) {
        Map<String, Object> params = new LinkedHashMap<>();
        if (filter.hospitalId() != null) {
            params.put("filterHospital", filter.hospitalId());
        }
        if (filter.examTypeCode() != null) {
            params.put("filterExamType", filter.examTypeCode());
        }
        if (filter.priorityClass() != null) {
            params.put("filterClass", filter.priorityClass().name());
        }
        return params;
    }

    // ---- claims --------------------------------------------------------------------------------

    /** Takes the top exam this radiologist may read, if any; another's claim is skipped, not awaited. */
    public Optional<WorklistRow> claimNext(AccountPrincipal radiologist, String source) {
        Instant now = clock.instant();
        requireCheckedIn(radiologist, now);
        Optional<Long> claimed = inTransaction(() -> jdbc.sql("""
                        select e.id, e.hospital_id from exam e
                        where e.state = 'READY' and e.deadline_at is not null
                          and e.hospital_id in (select hospital_id from radiologist_hospital where user_id = :user)
                        order by e.deadline_at, e.ready_at, e.id
                        limit 1
                        for update skip locked""")
                .param("user", radiologist.id())
                .query(Candidate.class)
                .optional()
                .map(candidate -> {
                    long id = candidate.id();
                    takeClaim(id, candidate.hospitalId(), radiologist.id(), radiologist.username(), now, "CLAIMED", null);
                    // In the claim's transaction: one commit, and no claim without its audit entry.
                    audit.record(radiologist.username(), "EXAM_CLAIMED", "exam:" + id, source,
                            AuditLog.Outcome.SUCCESS, "next");
                    return id;
                }));
        return claimed.flatMap(this::row);
    }

    /** Takes a chosen exam; refused when someone holds it or it is not for this radiologist. */
    public WorklistRow claim(long examId, AccountPrincipal radiologist, String source) {
        Instant now = clock.instant();
        requireCheckedIn(radiologist, now);
        inTransaction(() -> {
            // Another transaction on this exam (its placement in the queue, another radiologist's claim)
            // is waited for briefly: then the exam is taken, or it is found taken (409), never a 500.
            jdbc.sql("set local lock_timeout = '2s'").update();
            Long hospital = jdbc.sql("""
                    select e.hospital_id from exam e
                    where e.id = :id and e.hospital_id in (select hospital_id from radiologist_hospital where user_id = :user)
                    for update""")
                    .param("id", examId).param("user", radiologist.id())
                    .query(Long.class).optional()
                    .orElseThrow(() -> new NotFoundException("worklist.notFound", "no exam " + examId + " for you", examId));
            takeClaim(examId, hospital, radiologist.id(), radiologist.username(), now, "CLAIMED", "picked");
            audit.record(radiologist.username(), "EXAM_CLAIMED", "exam:" + examId, source, AuditLog.Outcome.SUCCESS,
                    "picked");
            return hospital;
        });
        return row(examId).orElseThrow();
    }

    /** Gives an exam back to the queue: by its holder, or by a coordinator. */
    /** The accession number people know an exam by: pages name exams by it, never by their id. */
    public String accessionOf(long examId) {
        return jdbc.sql("select accession_number from exam_request where exam_id = :id").param("id", examId)
                .query(String.class).optional().orElse("");
    }

    public void release(long examId, AccountPrincipal by, String source) {
        Instant now = clock.instant();
        inTransaction(() -> {
            Long holder = holder(examId);
            if (holder == null || (holder != by.id() && !isCoordinator(by))) {
                throw new ConflictException(null, "worklist.notYours", "you do not hold exam " + examId, examId);
            }
            dropClaim(examId, hospitalOf(examId), holder, by.username(), now, "RELEASED", null);
            audit.record(by.username(), "EXAM_RELEASED", "exam:" + examId, source, AuditLog.Outcome.SUCCESS, null);
            return null;
        });
    }

    /**
     * The holder signed the exam's report: the claim ends and the exam leaves the worklist for good
     * (REPORTED). Runs in the caller's transaction, so that the signature and the move commit together.
     */
    public void completeClaim(long examId, long holderId, String actor, Instant at) {
        Long holder = holder(examId);
        if (holder == null || holder != holderId) {
            throw new ConflictException(null, "worklist.notYours", "you do not hold exam " + examId, examId);
        }
        exams.move(examId, ExamState.REPORTED, at, actor, "report signed");
        jdbc.sql("update exam set claimed_by = null, claimed_at = null, last_activity_at = null where id = :id")
                .param("id", examId).update();
        claimEvent(examId, holderId, "REPORTED", actor, at, null);
        notifyChange(examId, hospitalOf(examId), "reported", holderId);
    }

    /** The holder is still working: the idle clock starts again. */
    public void touch(long examId, AccountPrincipal holder) {
        int updated = jdbc.sql("""
                update exam set last_activity_at = :now
                where id = :id and state = 'IN_READING' and claimed_by = :user""")
                .param("now", ExamLifecycle.utc(clock.instant())).param("id", examId).param("user", holder.id())
                .update();
        if (updated == 0) {
            throw new ConflictException(null, "worklist.notYours", "you do not hold exam " + examId, examId);
        }
    }

    /** A coordinator gives an exam to another checked-in, authorised radiologist. */
    public void reassign(long examId, long toUserId, AccountPrincipal coordinator, String source) {
        Instant now = clock.instant();
        inTransaction(() -> {
            long hospital = jdbc.sql("select hospital_id from exam where id = :id for update")
                    .param("id", examId).query(Long.class).optional()
                    .orElseThrow(() -> new NotFoundException("worklist.notFound", "no exam " + examId, examId));
            boolean eligible = roster.isCheckedIn(toUserId, now) && roster.authorisedHospitals(toUserId).contains(hospital);
            if (!eligible) {
                throw new ConflictException("toUserId", "worklist.notEligible",
                        "radiologist " + toUserId + " is not checked in or not authorised for this hospital", toUserId);
            }
            Long holder = holder(examId);
            if (holder == null) {
                takeClaim(examId, hospital, toUserId, coordinator.username(), now, "ASSIGNED", "by a coordinator");
            } else {
                jdbc.sql("update exam set claimed_by = :to, claimed_at = :now, last_activity_at = :now where id = :id")
                        .param("to", toUserId).param("now", ExamLifecycle.utc(now)).param("id", examId).update();
                claimEvent(examId, toUserId, "REASSIGNED", coordinator.username(), now, "from user " + holder);
                notifyChange(examId, hospital, "reassigned", toUserId);
            }
            audit.record(coordinator.username(), "EXAM_REASSIGNED", "exam:" + examId, source,
                    AuditLog.Outcome.SUCCESS, "to user " + toUserId);
            return null;
        });
    }

    /**
     * Claims without activity for the idle timeout go back to the queue; their holders are warned
     * shortly before. Also places READY exams that missed their ExamReady (a crash between the two).
     */
    @Scheduled(fixedDelayString = "${relais.worklist.check-millis:30000}")
    void housekeeping() {
        expireIdleClaims(clock.instant());
    }

    public int expireIdleClaims(Instant now) {
        Instant cutoff = now.minus(settings.claimIdleTimeout());
        Instant warnFrom = cutoff.plus(settings.claimWarningBefore());
        List<Map<String, Object>> warned = jdbc.sql("""
                select id, hospital_id, claimed_by from exam
                where state = 'IN_READING' and last_activity_at <= :warnFrom and last_activity_at > :cutoff""")
                .param("warnFrom", ExamLifecycle.utc(warnFrom)).param("cutoff", ExamLifecycle.utc(cutoff))
                .query().listOfRows();
        for (Map<String, Object> w : warned) {
            notifyChange((Long) w.get("id"), (Long) w.get("hospital_id"), "claim-expiring", (Long) w.get("claimed_by"));
        }
        List<Long> unplaced = jdbc.sql("select id from exam where state = 'READY' and deadline_at is null")
                .query(Long.class).list();
        unplaced.forEach(id -> inTransaction(() -> {
            placeInQueue(id, now);
            return null;
        }));
        int expired = 0;
        for (Long id : jdbc.sql("""
                select id from exam where state = 'IN_READING' and last_activity_at <= :cutoff""")
                .param("cutoff", ExamLifecycle.utc(cutoff)).query(Long.class).list()) {
            boolean done = Boolean.TRUE.equals(inTransaction(() -> {
                Long holder = jdbc.sql("""
                        select claimed_by from exam where id = :id and state = 'IN_READING' and last_activity_at <= :cutoff
                        for update skip locked""")
                        .param("id", id).param("cutoff", ExamLifecycle.utc(cutoff)).query(Long.class).optional().orElse(null);
                if (holder == null) {
                    return false;
                }
                dropClaim(id, hospitalOf(id), holder, ExamLifecycle.SYSTEM, now, "TIMED_OUT",
                        "no activity for " + settings.claimIdleTimeout().toMinutes() + " min");
                return true;
            }));
            if (done) {
                expired++;
            }
        }
        return expired;
    }

    // ---- inner workings ------------------------------------------------------------------------

    private void placeInQueue(long examId, Instant readyAt) {
        Map<String, Object> exam = jdbc.sql("""
                select e.hospital_id, e.ai_positive, r.urgency from exam e
                join exam_request r on r.exam_id = e.id where e.id = :id and e.state = 'READY'""")
                .param("id", examId).query().listOfRows().stream().findFirst().orElse(null);
        if (exam == null) {
            return;
        }
        WorklistPolicy.Ranked ranked = policy.rank(new WorklistPolicy.Waiting(examId, (Long) exam.get("hospital_id"),
                Urgency.valueOf((String) exam.get("urgency")), (Boolean) exam.get("ai_positive"), readyAt));
        jdbc.sql("""
                update exam set ready_at = :ready, deadline_at = :deadline, priority_class = :class
                where id = :id and deadline_at is null""")
                .param("ready", ExamLifecycle.utc(readyAt)).param("deadline", ExamLifecycle.utc(ranked.deadline()))
                .param("class", ranked.priorityClass().name()).param("id", examId).update();
        notifyChange(examId, (Long) exam.get("hospital_id"), "ready", null);
    }

    /** Push mode: the exam goes to the eligible radiologist on duty with the fewest reading minutes in hand. */
    void assignToLeastLoaded(long examId) {
        Instant now = clock.instant();
        inTransaction(() -> {
            Long hospital = jdbc.sql("select hospital_id from exam where id = :id and state = 'READY' for update skip locked")
                    .param("id", examId).query(Long.class).optional().orElse(null);
            if (hospital == null) {
                return null;
            }
            // The eligible radiologist on duty with the fewest reading minutes in hand.
            jdbc.sql("""
                    select p.user_id from seat_presence p
                    join radiologist_hospital a on a.user_id = p.user_id and a.hospital_id = :hospital
                    where p.checked_out_at is null and p.shift_ends_at > :now
                    order by (select coalesce(sum(t.reading_minutes), 0) from exam e
                              join exam_request r on r.exam_id = e.id join exam_type t on t.code = r.exam_type_code
                              where e.state = 'IN_READING' and e.claimed_by = p.user_id), p.checked_in_at, p.user_id
                    limit 1""")
                    .param("hospital", hospital).param("now", ExamLifecycle.utc(now))
                    .query(Long.class).optional()
                    .ifPresent(user -> takeClaim(examId, hospital, user, ExamLifecycle.SYSTEM, now, "ASSIGNED", "push mode"));
            return null;
        });
    }

    /** The caller holds the exam's row lock; the move itself checks that the exam is still READY. */
    private void takeClaim(long examId, long hospitalId, long userId, String actor, Instant now, String action,
                           String detail) {
        if (exams.transition(List.of(examId), ExamState.READY, ExamState.IN_READING, now, actor).isEmpty()) {
            ExamState current = exams.lockState(examId).orElse(ExamState.CANCELLED);
            ExamStateMachine.check(current, ExamState.IN_READING); // says why, in the state machine's words
            throw new ConflictException(null, "worklist.taken", "exam " + examId + " is no longer available");
        }
        jdbc.sql("update exam set claimed_by = :user, claimed_at = :now, last_activity_at = :now where id = :id")
                .param("user", userId).param("now", ExamLifecycle.utc(now)).param("id", examId).update();
        claimEvent(examId, userId, action, actor, now, detail);
        notifyChange(examId, hospitalId, "claimed", userId);
    }

    private void dropClaim(long examId, long hospitalId, long holder, String actor, Instant now, String action,
                           String detail) {
        exams.transition(List.of(examId), ExamState.IN_READING, ExamState.READY, now, actor);
        jdbc.sql("update exam set claimed_by = null, claimed_at = null, last_activity_at = null where id = :id")
                .param("id", examId).update();
        claimEvent(examId, holder, action, actor, now, detail);
        notifyChange(examId, hospitalId, "released", holder);
    }

    private void claimEvent(long examId, Long userId, String action, String actor, Instant at, String detail) {
        jdbc.sql("""
                insert into claim_event (exam_id, user_id, action, actor, at, detail)
                values (:exam, :user, :action, :actor, :at, :detail)""")
                .param("exam", examId).param("user", userId).param("action", action).param("actor", actor)
                .param("at", ExamLifecycle.utc(at)).param("detail", detail).update();
    }

    /**
     * Tells the coordinators' live pages, on every instance, that something besides an exam changed
     * (an operations alert raised or cleared); radiologists' pages do not hear it.
     */
    public void notifyCoordinators(String what) {
        notifyChange(0, 0, what, null);
    }

    /**
     * Images reached an exam being read or waiting ("new-images": the reader's viewer offers them)
     * or raised a task after its report ("late-images"): every instance's live pages hear it.
     */
    @EventListener
    public void onImagesArrived(fr.relais.request.ImagesArrived arrived) {
        notifyChange(arrived.examId(), arrived.hospitalId(), arrived.what(), arrived.readerId());
    }

    /** Delivered by PostgreSQL to every listening instance when the transaction commits, not before. */
    private void notifyChange(long examId, long hospitalId, String what, Long userId) {
        jdbc.sql("select pg_notify(:channel, :payload)")
                .param("channel", CHANNEL).param("payload", payload(examId, hospitalId, what, userId))
                .query().listOfRows();
    }

    private String payload(long examId, long hospitalId, String what, Long userId) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("examId", examId);
        p.put("hospitalId", hospitalId);
        p.put("what", what);
        p.put("userId", userId);
        try {
            return json.writeValueAsString(p);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private long hospitalOf(long examId) {
        return jdbc.sql("select hospital_id from exam where id = :id").param("id", examId).query(Long.class).single();
    }

    private Long holder(long examId) {
        return jdbc.sql("select claimed_by from exam where id = :id and state = 'IN_READING' for update")
                .param("id", examId).query(Long.class).optional().orElse(null);
    }

    private void requireCheckedIn(AccountPrincipal radiologist, Instant now) {
        if (!roster.isCheckedIn(radiologist.id(), now)) {
            throw new ConflictException(null, "worklist.notCheckedIn", "check in to a seat before reading");
        }
    }

    private static boolean isCoordinator(AccountPrincipal who) {
        return who.role() == fr.relais.security.Role.COORDINATOR || who.role() == fr.relais.security.Role.ADMIN;
    }

    private <T> T inTransaction(Supplier<T> work) {
        try {
            return tx.execute(status -> work.get());
        } catch (ExamStateMachine.IllegalTransitionException e) {
            throw new ConflictException(null, "worklist.taken", "exam is no longer available: " + e.getMessage());
        } catch (org.springframework.dao.PessimisticLockingFailureException e) {
            throw new ConflictException(null, "worklist.busy", "another radiologist is taking this exam");
        }
    }

    private Optional<WorklistRow> row(long examId) {
        Instant now = clock.instant();
        return jdbc.sql(SELECT + " where e.id = :id").param("id", examId).query((rs, n) -> row(rs, now)).optional();
    }

    private static final String SELECT = """
            select e.id, r.accession_number, e.state, e.priority_class, r.urgency, e.ai_positive,
                   exists (select 1 from ai_failed_analysis f where f.exam_id = e.id) as ai_failed,
                   e.ready_at, e.deadline_at, e.hospital_id,
                   h.name as hospital_name, h.time_zone, r.exam_type_code, t.label_fr, r.question, r.birth_date_sealed, r.sex,
                   e.claimed_by, u.display_name as claimed_by_name, e.claimed_at
            from exam e
            join exam_request r on r.exam_id = e.id
            join hospital h on h.id = e.hospital_id
            join exam_type t on t.code = r.exam_type_code
            left join app_user u on u.id = e.claimed_by
            """;

    private WorklistRow row(ResultSet rs, Instant now) throws SQLException {
        String cls = rs.getString("priority_class");
        PriorityClass priorityClass = cls == null ? null : PriorityClass.valueOf(cls);
        OffsetDateTime ready = rs.getObject("ready_at", OffsetDateTime.class);
        OffsetDateTime deadline = rs.getObject("deadline_at", OffsetDateTime.class);
        OffsetDateTime claimedAt = rs.getObject("claimed_at", OffsetDateTime.class);
        LocalDate birth = LocalDate.parse(sealer.open(RequestService.BIRTH_DATE, rs.getBytes("birth_date_sealed")));
        Long claimedBy = (Long) rs.getObject("claimed_by");
        return new WorklistRow(rs.getLong("id"), rs.getString("accession_number"), rs.getString("state"), priorityClass,
                priorityClass == null ? null : priorityClass.colour(), Urgency.valueOf(rs.getString("urgency")),
                rs.getBoolean("ai_positive"), rs.getBoolean("ai_failed"), ready == null ? null : ready.toInstant(),
                deadline == null ? null : deadline.toInstant(), rs.getLong("hospital_id"), rs.getString("hospital_name"),
                rs.getString("exam_type_code"), rs.getString("label_fr"), rs.getString("question"),
                Period.between(birth, LocalDate.ofInstant(now, zones.hospital(rs.getString("time_zone")))).getYears(),
                rs.getString("sex"), claimedBy, rs.getString("claimed_by_name"),
                claimedAt == null ? null : claimedAt.toInstant());
    }
}
