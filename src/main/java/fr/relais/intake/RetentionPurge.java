package fr.relais.intake;

import fr.relais.audit.AuditLog;
import fr.relais.exam.ExamLifecycle;
import fr.relais.exam.ExamState;
import fr.relais.platform.ConflictException;
import fr.relais.request.LateImages;
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
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Gives the images back once they are no longer needed: the hospital keeps its own archive and the
 * report, Relais keeps the images for the hospital's retention (90 days by default) counted from
 * the moment the report reached the hospital (its delivery; its signature when nothing was to be
 * pushed; never while a delivery is still owed), or from the cancellation of an exam whose images
 * came, or from the day a study went to the unmatched list (a cancelled or refused request's images
 * wait there, where a coordinator sees them, rather than in the closed exam). Exams on legal hold
 * keep theirs. Requests, reports and the audit trail stay; the exam
 * becomes PURGED. The priors fetched from the hospital's PACS for an exam (studies without an exam
 * of their own) go with it, unless another exam not yet purged was given them too.
 *
 * <p>Crash-safe and idempotent: each exam is first claimed (locked, checked, marked as being
 * purged, after which a legal hold is refused), then its files go, then, in one transaction, the
 * index rows, the move to PURGED and the exam's audit entry with its counts; a run killed in
 * between finds the exam again and finishes it (deleting a file already gone is nothing). Batched,
 * with a dry run that only counts.
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
            where e.state in ('REPORTED', 'DELIVERED', 'CANCELLED', 'UNMATCHED')
              and coalesce(case when e.state in ('CANCELLED', 'UNMATCHED') then e.state_changed_at end,
                           (select max(v.at) from exam_event v where v.exam_id = e.id and v.to_state = 'DELIVERED'),
                           case when not exists (select 1 from report_delivery d where d.report_id = r.id and d.state <> 'CANCELLED')
                                then r.signed_at end)
                  <= cast(:now as timestamptz) - h.retention_days * interval '1 day'""";

    private final JdbcClient jdbc;
    private final TransactionTemplate tx;
    private final ExamLifecycle exams;
    private final ObjectStore store;
    private final AuditLog audit;
    private final Clock clock;
    private final int batch;
    private final LateImages lateImages;

    RetentionPurge(JdbcClient jdbc, TransactionTemplate tx, ExamLifecycle exams, ObjectStore store, AuditLog audit,
                   Clock clock, @Value("${relais.retention.batch:200}") int batch, LateImages lateImages) {
        this.lateImages = lateImages;
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
                if (dryRun ? !lateImages.hasOpenTask(e.examId()) : purgeExam(e, now)) {
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

    private static final Set<ExamState> PURGEABLE = EnumSet.of(ExamState.REPORTED, ExamState.DELIVERED, ExamState.CANCELLED,
            ExamState.UNMATCHED);

    private boolean purgeExam(Expired e, Instant now) {
        boolean claimed = Boolean.TRUE.equals(tx.execute(status -> {
            ExamState state = exams.lockState(e.examId()).orElse(null);
            boolean held = jdbc.sql("select legal_hold from exam where id = :id").param("id", e.examId())
                    .query(Boolean.class).single();
            // New images after the report wait for their author's decision before anything goes.
            if (!PURGEABLE.contains(state) || held || lateImages.hasOpenTask(e.examId())) {
                return false;
            }
            jdbc.sql("update exam set purge_started_at = coalesce(purge_started_at, :now) where id = :id")
                    .param("now", ExamLifecycle.utc(now)).param("id", e.examId()).update();
            return true;
        }));
        if (!claimed) {
            return false;
        }
        // The priors fetched from the hospital's PACS for this exam go with it, unless another exam still needs them.
        List<Long> studies = new java.util.ArrayList<>(List.of(e.studyId()));
        studies.addAll(jdbc.sql("""
                select p.study_id from prior_study p where p.exam_id = :exam and p.study_id is not null
                  and not exists (select 1 from exam own where own.study_id = p.study_id)
                  and not exists (select 1 from prior_study q join exam x on x.id = q.exam_id
                                  where q.study_id = p.study_id and q.exam_id <> :exam and x.state <> 'PURGED')""")
                .param("exam", e.examId()).query(Long.class).list());
        List<String> keys = jdbc.sql("""
                select i.object_key from instance i join series x on x.id = i.series_id where x.study_id in (:studies)""")
                .param("studies", studies).query(String.class).list();
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
            if (!PURGEABLE.contains(state)) {
                return false;
            }
            jdbc.sql("delete from instance where series_id in (select id from series where study_id in (:studies))")
                    .param("studies", studies).update();
            jdbc.sql("update study set instance_count = 0 where id in (:studies)").param("studies", studies).update();
            exams.move(e.examId(), ExamState.PURGED, now, ExamLifecycle.SYSTEM, "retention of hospital " + e.hospitalId());
            audit.record(ExamLifecycle.SYSTEM, "IMAGES_PURGED", "exam:" + e.examId(), null, AuditLog.Outcome.SUCCESS,
                    e.instances() + " instances, " + e.bytes() + " bytes, retention of hospital " + e.hospitalId()
                            + (studies.size() > 1 ? ", with " + (studies.size() - 1) + " priors fetched for it" : ""));
            return true;
        }));
    }

    /**
     * An administrator holds (or releases) an exam's images against the purge; audited. False when
     * there is no such exam; a hold on an exam whose images are already going is refused.
     */
    public boolean legalHold(long examId, boolean hold, String reason, String actor, String source) {
        int changed = jdbc.sql("""
                        update exam set legal_hold = :hold, legal_hold_reason = :reason
                        where id = :id and (not :hold or (purge_started_at is null and state <> 'PURGED'))""")
                .param("hold", hold).param("reason", hold ? reason : null).param("id", examId).update();
        if (changed == 0 && hold && jdbc.sql("select exists (select 1 from exam where id = :id)").param("id", examId)
                .query(Boolean.class).single()) {
            audit.record(actor, "LEGAL_HOLD_REFUSED", "exam:" + examId, source, AuditLog.Outcome.REJECTED,
                    "images purged or being purged");
            throw new ConflictException("hold", "retention.hold.purged",
                    "the images of exam {0} are purged or being purged", examId);
        }
        if (changed == 1) {
            audit.record(actor, hold ? "LEGAL_HOLD_SET" : "LEGAL_HOLD_RELEASED", "exam:" + examId, source,
                    AuditLog.Outcome.SUCCESS, hold ? reason : null);
        }
        return changed == 1;
    }
}
