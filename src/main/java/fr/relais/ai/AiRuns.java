package fr.relais.ai;

import fr.relais.exam.ExamLifecycle;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * One analysis of one exam by one engine (ai_run): RUNNING, then DONE, FAILED or TIMED_OUT. A run
 * that failed because the engine could not see the images says so ({@link Failure}); the
 * published view ai_failed_analysis lists the analyses that ended without an answer.
 */
@Repository
class AiRuns {

    record Run(long id, long examId, String state) {}

    /** Why an engine could not analyse what it was given (ai_run.failure). */
    enum Failure { COMPRESSED_IMAGES, UNREADABLE_IMAGES, NO_IMAGES }

    private final JdbcClient jdbc;
    private final Clock clock;

    AiRuns(JdbcClient jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    long start(long examId, long engineId) {
        return jdbc.sql("""
                insert into ai_run (exam_id, engine_id, state, started_at) values (:exam, :engine, 'RUNNING', :at)
                returning id""")
                .param("exam", examId).param("engine", engineId)
                .param("at", ExamLifecycle.utc(clock.instant())).query(Long.class).single();
    }

    /** Ends a run still RUNNING; false when it had already ended (a late answer, a second answer). */
    boolean finish(long run, String state, String detail) {
        return end(run, state, null, detail);
    }

    /** Ends a run still RUNNING as FAILED: the engine could not see the images. False when it had already ended. */
    boolean fail(long run, Failure failure, String detail) {
        return end(run, "FAILED", failure, detail);
    }

    private boolean end(long run, String state, Failure failure, String detail) {
        return jdbc.sql("""
                update ai_run set state = :state, failure = :failure, finished_at = :at, detail = :detail
                where id = :id and state = 'RUNNING'""")
                .param("state", state).param("failure", failure == null ? null : failure.name())
                .param("at", ExamLifecycle.utc(clock.instant())).param("detail", detail)
                .param("id", run).update() == 1;
    }

    /** Adds to an ended run's detail (a result that came after the timeout), keeping its state. */
    void note(long run, String detail) {
        jdbc.sql("update ai_run set detail = coalesce(detail || '; ', '') || :detail where id = :id")
                .param("detail", detail).param("id", run).update();
    }

    /**
     * Closes the run an engine's answer belongs to: DONE, or, when the run had already ended, a note
     * that keeps its state (an answer after the timeout is recorded, and its run stays TIMED_OUT).
     */
    void answered(Run run, String what) {
        if (!finish(run.id(), "DONE", what)) {
            note(run.id(), ("TIMED_OUT".equals(run.state()) ? "late " + what + " recorded at " : what + " again at ")
                    + clock.instant());
        }
    }

    /** The latest run of an engine on an exam. */
    Optional<Run> latest(long engineId, long examId) {
        return jdbc.sql("select id, exam_id, state from ai_run where engine_id = :engine and exam_id = :exam order by id desc limit 1")
                .param("engine", engineId).param("exam", examId)
                .query(Run.class).optional();
    }

    /** The latest run of an engine on the exam of a study, if the engine was ever sent it. */
    Optional<Run> latest(long engineId, String studyInstanceUid) {
        // Read-only use of the study index (intake owns the tables).
        return jdbc.sql("""
                select r.id, r.exam_id, r.state from ai_run r join exam e on e.id = r.exam_id
                join study s on s.id = e.study_id
                where r.engine_id = :engine and s.study_uid = :uid order by r.id desc limit 1""")
                .param("engine", engineId).param("uid", studyInstanceUid)
                .query(Run.class).optional();
    }

    /** The states of an exam's runs, oldest first. */
    List<String> states(long examId) {
        return jdbc.sql("select state from ai_run where exam_id = :id order by id").param("id", examId)
                .query(String.class).list();
    }

    /** Runs left RUNNING by an instance that stopped (a crash), once no live instance could still be on them. */
    void closeAbandoned(Duration timeout) {
        jdbc.sql("update ai_run set state = 'FAILED', finished_at = :now, detail = 'stopped with its instance' "
                        + "where state = 'RUNNING' and started_at < :stale")
                .param("now", ExamLifecycle.utc(clock.instant()))
                .param("stale", ExamLifecycle.utc(clock.instant().minus(timeout.multipliedBy(2))))
                .update();
    }
}
