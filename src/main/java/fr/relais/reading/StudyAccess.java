package fr.relais.reading;

import fr.relais.exam.ExamState;
import fr.relais.exam.ExamStateMachine;
import fr.relais.security.AccountPrincipal;
import fr.relais.security.Role;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Who may read a study's images: the radiologist holding the claim on its exam, a coordinator or
 * an administrator; nobody while {@link ExamStateMachine#imagesHidden} holds for the exam's state.
 * The rule lives here only, as an SQL condition on {@code study s join exam e}, so that listing and
 * retrieval apply the same one inside the query.
 */
@Component
public class StudyAccess {

    /** The condition on {@code e} (exam) for the parameters {@link #bind} sets. */
    static final String CONDITION = """
            e.state not in (:hiddenStates)
            and (:privileged or (e.state = 'IN_READING' and e.claimed_by = :reader))""";

    static final List<String> HIDDEN_STATES = Arrays.stream(ExamState.values())
            .filter(ExamStateMachine::imagesHidden).map(Enum::name).toList();

    private final JdbcClient jdbc;

    StudyAccess(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    static boolean privileged(AccountPrincipal user) {
        return user.role() == Role.ADMIN || user.role() == Role.COORDINATOR;
    }

    static JdbcClient.StatementSpec bind(JdbcClient.StatementSpec statement, AccountPrincipal user) {
        return statement.param("hiddenStates", HIDDEN_STATES)
                .param("privileged", privileged(user))
                .param("reader", user.id());
    }

    /** The id of the study with this UID that the user may read, if any. */
    public Optional<Long> readableStudy(AccountPrincipal user, String studyUid) {
        return bind(jdbc.sql("select s.id from study s join exam e on e.study_id = s.id where s.study_uid = :uid and "
                + CONDITION + " order by s.id desc limit 1").param("uid", studyUid), user)
                .query(Long.class).optional();
    }

    /** An exam whose images the user may read; its study is null while no image has arrived. */
    public record ReadableExam(long examId, long hospitalId, Long studyId, String studyUid, LocalDate studyDate) {}

    /**
     * The exam if the user may read its images, by the same rule as DICOMweb. The rule is on the
     * exam, so an exam still without a study is readable (there is simply nothing to show yet).
     */
    public Optional<ReadableExam> readableExam(AccountPrincipal user, long examId) {
        return bind(jdbc.sql("select e.id, e.hospital_id, s.id as study_id, s.study_uid, s.study_date "
                + "from exam e left join study s on s.id = e.study_id where e.id = :exam and " + CONDITION)
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

    /** Ids of the studies with this UID, readable or not: to audit a refusal. */
    List<Long> existingStudies(String studyUid) {
        return jdbc.sql("select id from study where study_uid = :uid").param("uid", studyUid).query(Long.class).list();
    }
}
