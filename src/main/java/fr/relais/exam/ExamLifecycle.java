package fr.relais.exam;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;

/**
 * Every transition of an exam, checked against {@link ExamStateMachine} and recorded with its time
 * and actor, in the caller's transaction.
 */
@Service
public class ExamLifecycle {

    public static final String SYSTEM = "system";

    private final JdbcClient jdbc;

    public ExamLifecycle(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** A new exam in its first state: REQUESTED for a request, UNMATCHED for images without one. */
    public long open(long hospitalId, Long studyId, ExamState initial, Instant at, String actor) {
        return open(hospitalId, studyId, initial, at, actor, null);
    }

    /** {@link #open} with the reason written in its first event (where the images came from). */
    public long open(long hospitalId, Long studyId, ExamState initial, Instant at, String actor, String detail) {
        if (initial != ExamState.REQUESTED && initial != ExamState.UNMATCHED) {
            throw new IllegalArgumentException("an exam starts REQUESTED or UNMATCHED, not " + initial);
        }
        long examId = jdbc.sql("""
                insert into exam (hospital_id, study_id, state, state_changed_at, created_at)
                values (:hospital, :study, :state, :at, :at) returning id""")
                .param("hospital", hospitalId)
                .param("study", studyId)
                .param("state", initial.name())
                .param("at", utc(at))
                .query(Long.class)
                .single();
        recordEvent(examId, null, initial, at, actor, detail);
        return examId;
    }

    /** The exam's state, locked until the end of the transaction. */
    public Optional<ExamState> lockState(long examId) {
        return jdbc.sql("select state from exam where id = :id for update")
                .param("id", examId)
                .query(String.class)
                .optional()
                .map(ExamState::valueOf);
    }

    /** Moves one exam, whatever its state, if the state machine allows it; refuses otherwise. */
    public ExamState move(long examId, ExamState to, Instant at, String actor, String detail) {
        ExamState from = lockState(examId).orElseThrow(() -> new IllegalArgumentException("no exam " + examId));
        ExamStateMachine.check(from, to);
        jdbc.sql("update exam set state = :to, state_changed_at = :at where id = :id")
                .param("to", to.name()).param("at", utc(at)).param("id", examId).update();
        recordEvent(examId, from, to, at, actor, detail);
        return from;
    }

    /** Moves exams from one state to another if they are still in it; returns those that moved. */
    public List<Long> transition(List<Long> examIds, ExamState from, ExamState to, Instant at, String actor) {
        ExamStateMachine.check(from, to);
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
        moved.forEach(id -> recordEvent(id, from, to, at, actor, null));
        return moved;
    }

    private void recordEvent(long examId, ExamState from, ExamState to, Instant at, String actor, String detail) {
        jdbc.sql("""
                insert into exam_event (exam_id, from_state, to_state, at, actor, detail)
                values (:exam, :from, :to, :at, :actor, :detail)""")
                .param("exam", examId)
                .param("from", from == null ? null : from.name())
                .param("to", to.name())
                .param("at", utc(at))
                .param("actor", actor)
                .param("detail", detail)
                .update();
    }

    public static OffsetDateTime utc(Instant at) {
        return at.atOffset(ZoneOffset.UTC);
    }
}
