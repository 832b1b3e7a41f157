package fr.relais.exam;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;

/** Every transition of an exam, recorded with its time and actor, in the caller's transaction. */
@Service
public class ExamLifecycle {

    public static final String SYSTEM = "system";

    private final JdbcClient jdbc;

    public ExamLifecycle(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** The exam of a study that arrived without a request (until requests exist, every study). */
    public long openForStudy(long hospitalId, long studyId, Instant at, String actor) {
        long examId = jdbc.sql("""
                insert into exam (hospital_id, study_id, state, state_changed_at, created_at)
                values (:hospital, :study, :state, :at, :at) returning id""")
                .param("hospital", hospitalId)
                .param("study", studyId)
                .param("state", ExamState.ACQUIRING.name())
                .param("at", utc(at))
                .query(Long.class)
                .single();
        recordEvent(examId, null, ExamState.ACQUIRING, at, actor);
        return examId;
    }

    /** Moves exams from one state to another if they are still in it; returns those that moved. */
    public List<Long> transition(List<Long> examIds, ExamState from, ExamState to, Instant at, String actor) {
        if (examIds.isEmpty()) {
            return List.of();
        }
        List<Long> moved = jdbc.sql("""
                update exam set state = :to, state_changed_at = :at
                where id in (:ids) and state = :from returning id""")
                .param("to", to.name())
                .param("from", from.name())
                .param("at", utc(at))
                .param("ids", examIds)
                .query(Long.class)
                .list();
        moved.forEach(id -> recordEvent(id, from, to, at, actor));
        return moved;
    }

    private void recordEvent(long examId, ExamState from, ExamState to, Instant at, String actor) {
        jdbc.sql("""
                insert into exam_event (exam_id, from_state, to_state, at, actor)
                values (:exam, :from, :to, :at, :actor)""")
                .param("exam", examId)
                .param("from", from == null ? null : from.name())
                .param("to", to.name())
                .param("at", utc(at))
                .param("actor", actor)
                .update();
    }

    static OffsetDateTime utc(Instant at) {
        return at.atOffset(ZoneOffset.UTC);
    }
}
