package fr.relais.reading;

import fr.relais.exam.ExamState;
import fr.relais.exam.ExamStateMachine;
import fr.relais.security.AccountPrincipal;
import fr.relais.security.Role;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Who may read a study's images: the radiologist holding the claim on its exam, a coordinator or
 * an administrator; nobody while {@link ExamStateMachine#imagesHidden} holds for the exam's state.
 * The claimant also reads the priors: the earlier studies of the same patient (patients are
 * namespaced by hospital, so the same hospital's) that are still kept. The same patient is the
 * same ID with a consistent identity (the study's fingerprint of name, birth date and sex): a
 * hospital that gave one ID to two people does not show one person's studies as the other's.
 * The rule lives here only, as an SQL condition on {@code study s join exam e}, so that listing and
 * retrieval apply the same one inside the query.
 */
@Component
public class StudyAccess {

    /**
     * The exam's report was signed by the reader within the author's window: they may look again
     * (read-only) for addenda and the hospital's questions. Read from the exam's log.
     */
    private static final String SIGNED_BY_READER = signedByReader("e");

    private static String signedByReader(String e) {
        return """
            (%1$s.state in ('REPORTED', 'DELIVERED') and exists (
                select 1 from exam_event signed where signed.exam_id = %1$s.id and signed.to_state = 'REPORTED'
                and signed.actor = :readerName and signed.at > :authorSince))""".formatted(e);
    }

    /** The condition on {@code e} (exam) for the parameters {@link #bind} sets. */
    static final String CONDITION = """
            e.state not in (:hiddenStates)
            and (:privileged or s.id in (
                select earlier.id from exam held join study claimed on claimed.id = held.study_id
                join study earlier on earlier.patient_id = claimed.patient_id
                                  and earlier.identity_key is not distinct from claimed.identity_key
                                  and earlier.first_received_at <= claimed.first_received_at
                where held.state = 'IN_READING' and held.claimed_by = :reader)
            or """ + SIGNED_BY_READER + ")";


    /**
     * The condition on {@code e} alone: who may open the exam itself (its viewer), whether or not
     * images have arrived. Priors are read through {@link #CONDITION}, never opened as the exam.
     */
    static final String EXAM_CONDITION = examCondition("e");

    private static String examCondition(String e) {
        return """
            %1$s.state not in (:hiddenStates)
            and (:privileged or (%1$s.state = 'IN_READING' and %1$s.claimed_by = :reader) or """.formatted(e)
                + signedByReader(e) + ")";
    }

    /**
     * The studies fetched from the hospital's PACS as priors of an exam (they have no exam of their
     * own): readable by whoever may open that exam.
     */
    static final String FETCHED_PRIOR = "s.id in (select p.study_id from prior_study p join exam px on px.id = p.exam_id"
            + " where p.study_id is not null and " + examCondition("px") + ")";

    /**
     * Who may read study {@code s}, its exam {@code e} left-joined: through its exam
     * ({@link #CONDITION}) or as a prior fetched for an exam the user may open.
     */
    static final String READABLE = "((e.id is not null and " + CONDITION + ") or " + FETCHED_PRIOR + ")";

    /** The study and its exam, if it has one, for {@link #READABLE}. */
    static final String STUDY_AND_EXAM = "study s left join exam e on e.study_id = s.id";

    static final List<String> HIDDEN_STATES = Arrays.stream(ExamState.values())
            .filter(ExamStateMachine::imagesHidden).map(Enum::name).toList();

    private final JdbcClient jdbc;
    private final Clock clock;
    private final Duration authorWindow;

    StudyAccess(JdbcClient jdbc, Clock clock, @Value("${relais.reading.author-access:24h}") Duration authorWindow) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.authorWindow = authorWindow;
    }

    static boolean privileged(AccountPrincipal user) {
        return user.role() == Role.ADMIN || user.role() == Role.COORDINATOR;
    }

    JdbcClient.StatementSpec bind(JdbcClient.StatementSpec statement, AccountPrincipal user) {
        return statement.param("hiddenStates", HIDDEN_STATES)
                .param("privileged", privileged(user))
                .param("reader", user.id())
                .param("readerName", user.username())
                .param("authorSince", OffsetDateTime.ofInstant(clock.instant().minus(authorWindow), ZoneOffset.UTC));
    }

    /** Whether the user signed this exam's report and is within the author's window: read-only then. */
    public boolean authorLookingAgain(AccountPrincipal user, long examId) {
        return !privileged(user) && bind(jdbc.sql("select count(*) from exam e where e.id = :exam and e.claimed_by is distinct from :reader and "
                + SIGNED_BY_READER).param("exam", examId), user).query(Long.class).single() > 0;
    }

    /** The id of the study with this UID that the user may read, if any. */
    public Optional<Long> readableStudy(AccountPrincipal user, String studyUid) {
        return bind(jdbc.sql("select s.id from " + STUDY_AND_EXAM + " where s.study_uid = :uid and "
                + READABLE + " order by s.id desc limit 1").param("uid", studyUid), user)
                .query(Long.class).optional();
    }

    /** An exam whose images the user may read; its study is null while no image has arrived. */
    public record ReadableExam(long examId, long hospitalId, Long studyId, String studyUid, LocalDate studyDate) {}

    /**
     * The exam if the user may open it: its claimant, a coordinator or an administrator. The rule is
     * on the exam, so an exam still without a study opens too (there is simply nothing to show yet).
     */
    public Optional<ReadableExam> readableExam(AccountPrincipal user, long examId) {
        return bind(jdbc.sql("select e.id, e.hospital_id, s.id as study_id, s.study_uid, s.study_date "
                + "from exam e left join study s on s.id = e.study_id where e.id = :exam and " + EXAM_CONDITION)
                .param("exam", examId), user)
                .query((rs, n) -> new ReadableExam(rs.getLong("id"), rs.getLong("hospital_id"),
                        (Long) rs.getObject("study_id"), rs.getString("study_uid"),
                        rs.getObject("study_date", LocalDate.class)))
                .optional();
    }

    /** Whether an exam with this id exists, readable or not: to audit a refusal. */
    boolean examExists(long examId) {
        return jdbc.sql("select count(*) from exam where id = :id").param("id", examId).query(Integer.class).single() > 0;
    }

    /** The study of this exam, if the user may read it. */
    public Optional<Long> readableExamStudy(AccountPrincipal user, long examId) {
        return bind(jdbc.sql("select s.id from study s join exam e on e.study_id = s.id where e.id = :exam and "
                + CONDITION).param("exam", examId), user).query(Long.class).optional();
    }

    /** The earlier studies of the patient of this exam's study that the user may read, newest first. */
    public List<Prior> priors(AccountPrincipal user, long examId) {
        List<Prior> sent = bind(jdbc.sql("""
                select s.study_uid, s.study_date, s.description, s.instance_count, e.id as exam_id, e.state,
                       t.label_fr as exam_type,
                       (select string_agg(distinct x.modality, '\\') from series x where x.study_id = s.id) as modalities
                from exam current join study cs on cs.id = current.study_id
                join study s on s.patient_id = cs.patient_id and s.identity_key is not distinct from cs.identity_key
                            and s.first_received_at < cs.first_received_at
                join exam e on e.study_id = s.id
                left join exam_request r on r.exam_id = e.id left join exam_type t on t.code = r.exam_type_code
                where current.id = :exam and""" + " " + CONDITION + " order by s.first_received_at desc")
                .param("exam", examId), user)
                .query((rs, n) -> new Prior(rs.getLong("exam_id"), rs.getString("study_uid"),
                        rs.getObject("study_date", java.time.LocalDate.class), rs.getString("exam_type"),
                        rs.getString("description"), rs.getString("modalities"), rs.getInt("instance_count"),
                        rs.getString("state"), false))
                .list();
        // Fetched from the hospital's PACS for this exam: studies without an exam of their own.
        List<Prior> fetched = bind(jdbc.sql("""
                select s.study_uid, coalesce(s.study_date, p.study_date) as study_date,
                       coalesce(s.description, p.description) as description, s.instance_count,
                       (select string_agg(distinct x.modality, '\\') from series x where x.study_id = s.id) as modalities
                from prior_study p join exam px on px.id = p.exam_id join study s on s.id = p.study_id
                where p.exam_id = :exam and s.instance_count > 0 and""" + " " + examCondition("px")
                + " order by coalesce(s.study_date, p.study_date) desc nulls last")
                .param("exam", examId), user)
                .query((rs, n) -> new Prior(examId, rs.getString("study_uid"),
                        rs.getObject("study_date", java.time.LocalDate.class), null, rs.getString("description"),
                        rs.getString("modalities"), rs.getInt("instance_count"), null, true))
                .list();
        List<Prior> all = new java.util.ArrayList<>(sent);
        java.util.Set<String> shown = new java.util.HashSet<>(sent.stream().map(Prior::studyInstanceUid).toList());
        fetched.stream().filter(f -> shown.add(f.studyInstanceUid())).forEach(all::add);
        return all;
    }

    /**
     * An earlier study of the same patient, as the viewer lists it; fromPacs: fetched from the
     * hospital's PACS for this exam (examId is then the exam it was fetched for).
     */
    public record Prior(long examId, String studyInstanceUid, java.time.LocalDate studyDate, String examType,
                        String description, String modalities, int instanceCount, String state, boolean fromPacs) {}

    /** Ids of the studies with this UID, readable or not: to audit a refusal. */
    List<Long> existingStudies(String studyUid) {
        return jdbc.sql("select id from study where study_uid = :uid").param("uid", studyUid).query(Long.class).list();
    }
}
