package fr.relais.intake;

import fr.relais.audit.AuditLog;
import fr.relais.exam.ExamLifecycle;
import fr.relais.exam.ExamState;
import fr.relais.storage.ObjectStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;

/**
 * Gives the images back once they are no longer needed: the hospital keeps its own archive and the
 * report, Relais keeps the images for the hospital's retention (90 days by default) counted from
 * the moment the report reached the hospital (its delivery, or its signature when the hospital
 * has no system to push to). Exams on legal hold keep theirs. Requests, reports and the audit
 * trail stay; the exam becomes PURGED.
 *
 * <p>Crash-safe and idempotent: for each exam the files go first, then, in one transaction, the
 * index rows and the move to PURGED; a run killed in between finds the exam again and finishes it
 * (deleting a file already gone is nothing). Batched, with a dry run that only counts.
 */
@Service
public class RetentionPurge {

    private static final Logger log = LoggerFactory.getLogger(RetentionPurge.class);

    /** What a run did, or would do (dryRun). */
    public record Report(boolean dryRun, int exams, long instances, long bytes, int onLegalHold) {}

    private record Expired(long examId, long studyId, long hospitalId, long instances, long bytes) {}

    private static final String EXPIRED = """
            from exam e join hospital h on h.id = e.hospital_id join study s on s.id = e.study_id
            left join report r on r.exam_id = e.id
            where e.state in ('REPORTED', 'DELIVERED')
              and coalesce((select max(v.at) from exam_event v where v.exam_id = e.id and v.to_state = 'DELIVERED'),
                           r.signed_at) <= cast(:now as timestamptz) - h.retention_days * interval '1 day'""";

    private final JdbcClient jdbc;
    private final TransactionTemplate tx;
    private final ExamLifecycle exams;
    private final ObjectStore store;
    private final AuditLog audit;
    private final Clock clock;
    private final int batch;

    RetentionPurge(JdbcClient jdbc, TransactionTemplate tx, ExamLifecycle exams, ObjectStore store, AuditLog audit,
                   Clock clock, @Value("${relais.retention.batch:200}") int batch) {
        this.jdbc = jdbc;
        this.tx = tx;
        this.exams = exams;
        this.store = store;
        this.audit = audit;
        this.clock = clock;
        this.batch = Math.max(1, batch);
    }

    @Scheduled(fixedDelayString = "${relais.retention.check-millis:3600000}", initialDelayString = "${relais.retention.first-check-millis:300000}")
    void purgeNow() {
        try {
            purge(clock.instant(), false);
        } catch (RuntimeException e) {
            log.warn("retention purge failed, trying again at the next check: {}", e.toString());
        }
    }

    /** Purges (or, dryRun, counts) the images past their retention at {@code now}, batch after batch. */
    public Report purge(Instant now, boolean dryRun) {
        int onHold = jdbc.sql("select count(*) " + EXPIRED + " and e.legal_hold")
                .param("now", ExamLifecycle.utc(now)).query(Integer.class).single();
        int examCount = 0;
        long instanceCount = 0, byteCount = 0;
        long afterExam = 0;
        while (true) {
            List<Expired> expired = jdbc.sql("""
                    select e.id as exam_id, s.id as study_id, e.hospital_id,
                           (select count(*) from instance i join series x on x.id = i.series_id where x.study_id = s.id) as instances,
                           (select coalesce(sum(i.size_bytes), 0) from instance i join series x on x.id = i.series_id
                            where x.study_id = s.id) as bytes
                    """ + EXPIRED + " and not e.legal_hold and e.id > :after order by e.id limit :batch")
                    .param("now", ExamLifecycle.utc(now)).param("after", afterExam).param("batch", batch)
                    .query(Expired.class).list();
            if (expired.isEmpty()) {
                break;
            }
            for (Expired e : expired) {
                afterExam = e.examId();
                if (dryRun || purgeExam(e, now)) {
                    examCount++;
                    instanceCount += e.instances();
                    byteCount += e.bytes();
                }
            }
        }
        Report report = new Report(dryRun, examCount, instanceCount, byteCount, onHold);
        if (dryRun || examCount > 0) {
            audit.record(ExamLifecycle.SYSTEM, dryRun ? "RETENTION_DRY_RUN" : "RETENTION_PURGED", null, null,
                    AuditLog.Outcome.SUCCESS, examCount + " exams, " + instanceCount + " instances, " + byteCount
                            + " bytes, " + onHold + " on legal hold");
        }
        return report;
    }

    private boolean purgeExam(Expired e, Instant now) {
        List<String> keys = jdbc.sql("""
                select i.object_key from instance i join series x on x.id = i.series_id where x.study_id = :study""")
                .param("study", e.studyId()).query(String.class).list();
        for (String key : keys) {
            try {
                store.delete(key);
            } catch (IOException failure) {
                log.warn("retention: exam {} kept for the next run, object {} could not be deleted: {}", e.examId(), key,
                        failure.toString());
                return false;
            }
        }
        return Boolean.TRUE.equals(tx.execute(status -> {
            ExamState state = exams.lockState(e.examId()).orElse(null);
            boolean held = jdbc.sql("select legal_hold from exam where id = :id").param("id", e.examId())
                    .query(Boolean.class).single();
            if (state != ExamState.REPORTED && state != ExamState.DELIVERED || held) {
                return false;
            }
            jdbc.sql("delete from instance where series_id in (select id from series where study_id = :study)")
                    .param("study", e.studyId()).update();
            jdbc.sql("update study set instance_count = 0 where id = :study").param("study", e.studyId()).update();
            exams.move(e.examId(), ExamState.PURGED, now, ExamLifecycle.SYSTEM, "retention of hospital " + e.hospitalId());
            return true;
        }));
    }

    /** An administrator holds (or releases) an exam's images against the purge; audited. */
    public boolean legalHold(long examId, boolean hold, String reason, String actor, String source) {
        int changed = jdbc.sql("update exam set legal_hold = :hold, legal_hold_reason = :reason where id = :id")
                .param("hold", hold).param("reason", hold ? reason : null).param("id", examId).update();
        if (changed == 1) {
            audit.record(actor, hold ? "LEGAL_HOLD_SET" : "LEGAL_HOLD_RELEASED", "exam:" + examId, source,
                    AuditLog.Outcome.SUCCESS, hold ? reason : null);
        }
        return changed == 1;
    }
}
