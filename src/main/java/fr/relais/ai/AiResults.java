package fr.relais.ai;

import fr.relais.exam.ExamLifecycle;
import fr.relais.worklist.WorklistService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Results from every engine, whichever way they came. Where a threshold is set for the engine and
 * finding, it decides positivity from the score (sensitivity first); otherwise, or when the engine
 * gave no score, the engine's own call stands. A positive result lifts the exam in the worklist,
 * through the worklist's policy, while it is still to be read.
 */
@Service
public class AiResults {

    private static final Logger log = LoggerFactory.getLogger(AiResults.class);

    /** What an engine says, before the platform applies its threshold. */
    public record Incoming(String finding, Double score, Boolean positive, String keySopInstanceUid, Integer keyFrame) {}

    private final JdbcClient jdbc;
    private final AiEngines engines;
    private final WorklistService worklist;
    private final Clock clock;

    AiResults(JdbcClient jdbc, AiEngines engines, WorklistService worklist, Clock clock) {
        this.jdbc = jdbc;
        this.engines = engines;
        this.worklist = worklist;
        this.clock = clock;
    }

    public AiResult record(long examId, AiEngines.Engine engine, String engineVersion, Incoming in) {
        // A threshold judges scores; an engine that calls the finding without a score keeps its call
        // (sensitivity first: a positive is never dropped for want of a number).
        boolean positive = in.score() == null ? Boolean.TRUE.equals(in.positive())
                : engines.threshold(engine.id(), in.finding()).map(t -> in.score() >= t)
                        .orElse(Boolean.TRUE.equals(in.positive()));
        long id = jdbc.sql("""
                insert into ai_result (exam_id, engine_id, engine_version, finding, score, positive,
                                       key_sop_instance_uid, key_frame, received_at)
                values (:exam, :engine, :version, :finding, :score, :positive, :key, :frame, :at)
                on conflict (exam_id, engine_id, finding) do update set engine_version = excluded.engine_version,
                    score = excluded.score, positive = excluded.positive,
                    key_sop_instance_uid = excluded.key_sop_instance_uid, key_frame = excluded.key_frame,
                    received_at = excluded.received_at
                returning id""")
                .param("exam", examId).param("engine", engine.id()).param("version", engineVersion)
                .param("finding", in.finding()).param("score", in.score()).param("positive", positive)
                .param("key", in.keySopInstanceUid()).param("frame", in.keyFrame())
                .param("at", ExamLifecycle.utc(clock.instant())).query(Long.class).single();
        log.info("AI result for exam {}: engine {} finding {} positive {}", examId, engine.code(), in.finding(), positive);
        if (positive) {
            worklist.markAiPositive(examId);
        }
        return find(id);
    }

    /** A positive result as the viewer shows it: with the series of its key slice, when that is in the study. */
    public record Flag(AiResult result, String keySeriesUid) {}

    public List<Flag> flagsOf(long examId) {
        return ofExam(examId).stream().filter(AiResult::positive).map(r -> new Flag(r, r.keySopInstanceUid() == null ? null
                : jdbc.sql("""
                        select se.series_uid from exam e join series se on se.study_id = e.study_id
                        join instance i on i.series_id = se.id
                        where e.id = :exam and i.sop_instance_uid = :sop limit 1""")
                        .param("exam", examId).param("sop", r.keySopInstanceUid()).query(String.class).optional()
                        .orElse(null))).toList();
    }

    /** A positive finding as a worklist row shows it: its highest score over the engines that gave it. */
    public record PositiveFinding(long examId, String finding, Double score) {}

    /** The positive findings of these exams, the highest score first within each exam; in one query. */
    public Map<Long, List<PositiveFinding>> positiveFindingsOf(Collection<Long> examIds) {
        if (examIds.isEmpty()) {
            return Map.of();
        }
        return jdbc.sql("""
                        select exam_id, finding, max(score) as score from ai_result
                        where exam_id in (:exams) and positive
                        group by exam_id, finding
                        order by exam_id, max(score) desc nulls last, finding""")
                .param("exams", List.copyOf(examIds))
                .query(PositiveFinding.class).list().stream()
                .collect(Collectors.groupingBy(PositiveFinding::examId, LinkedHashMap::new, Collectors.toList()));
    }

    /**
     * An analysis that ended without an answer (ai_failed_analysis), as the reader is told of it:
     * the engine's name and why, as the key of its message ({@code ai.failed.<reason>}): the
     * failure when the engine could not see the images, else how the run ended (FAILED, TIMED_OUT).
     */
    public record FailedAnalysis(String engineName, String reason) {}

    public List<FailedAnalysis> failuresOf(long examId) {
        return jdbc.sql("""
                select engine_name, coalesce(failure, state) as reason from ai_failed_analysis
                where exam_id = :exam order by engine_id""")
                .param("exam", examId).query(FailedAnalysis.class).list();
    }

    /** Whether an instance of this SOP instance UID is in the exam's study. */
    boolean inExam(long examId, String sopInstanceUid) {
        return jdbc.sql("""
                select exists (select 1 from exam e join series se on se.study_id = e.study_id
                               join instance i on i.series_id = se.id where e.id = :exam and i.sop_instance_uid = :sop)""")
                .param("exam", examId).param("sop", sopInstanceUid).query(Boolean.class).single();
    }

    public List<AiResult> ofExam(long examId) {
        return jdbc.sql(SELECT + " where r.exam_id = :exam order by r.id").param("exam", examId).query(AiResults::row).list();
    }

    AiResult find(long id) {
        return jdbc.sql(SELECT + " where r.id = :id").param("id", id).query(AiResults::row).single();
    }

    private static final String SELECT = """
            select r.id, r.exam_id, g.code, r.engine_version, r.finding, r.score, r.positive, r.key_sop_instance_uid,
                   r.key_frame, r.received_at
            from ai_result r join ai_engine g on g.id = r.engine_id""";

    private static AiResult row(java.sql.ResultSet rs, int n) throws java.sql.SQLException {
        double score = rs.getDouble("score");
        Double s = rs.wasNull() ? null : score;
        int frame = rs.getInt("key_frame");
        Integer f = rs.wasNull() ? null : frame;
        return new AiResult(rs.getLong("id"), rs.getLong("exam_id"), rs.getString("code"), rs.getString("engine_version"),
                rs.getString("finding"), s, rs.getBoolean("positive"), rs.getString("key_sop_instance_uid"), f,
                rs.getObject("received_at", OffsetDateTime.class).toInstant());
    }
}
