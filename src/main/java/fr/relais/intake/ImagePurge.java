package fr.relais.intake;

import fr.relais.audit.AuditLog;
import fr.relais.exam.ExamLifecycle;
import fr.relais.exam.ExamState;
import fr.relais.platform.RelaisProperties;
import fr.relais.request.StudyRejected;
import fr.relais.storage.ObjectStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Deletes a study's images: those quarantined without consent past the delay, and those a
 * coordinator rejected. The study row stays (with no instance) so the exam's history still reads.
 */
@Service
public class ImagePurge {

    private static final Logger log = LoggerFactory.getLogger(ImagePurge.class);

    private record Quarantined(long examId, long studyId, long hospitalId) {}

    private final JdbcClient jdbc;
    private final TransactionTemplate tx;
    private final ExamLifecycle exams;
    private final ObjectStore store;
    private final AuditLog audit;
    private final Clock clock;
    private final Duration quarantine;

    ImagePurge(JdbcClient jdbc, TransactionTemplate tx, ExamLifecycle exams, ObjectStore store, AuditLog audit,
               Clock clock, RelaisProperties properties) {
        this.jdbc = jdbc;
        this.tx = tx;
        this.exams = exams;
        this.store = store;
        this.audit = audit;
        this.clock = clock;
        this.quarantine = Duration.ofHours(properties.consent().quarantineHours());
    }

    @Scheduled(fixedDelayString = "${relais.consent.purge-check-millis:60000}")
    void purgeExpiredQuarantineNow() {
        purgeExpiredQuarantine(clock.instant());
    }

    /** Purges the images of exams quarantined for longer than the delay at {@code now}; returns how many. */
    public int purgeExpiredQuarantine(Instant now) {
        List<Quarantined> expired = jdbc.sql("""
                select id as exam_id, study_id, hospital_id from exam
                where state = 'QUARANTINED' and state_changed_at <= :cutoff""")
                .param("cutoff", ExamLifecycle.utc(now.minus(quarantine)))
                .query(Quarantined.class)
                .list();
        int purged = 0;
        for (Quarantined q : expired) {
            List<String> keys = tx.execute(status -> {
                if (exams.lockState(q.examId()).orElse(null) != ExamState.QUARANTINED) {
                    return null; // consent arrived meanwhile
                }
                exams.move(q.examId(), ExamState.PURGED, now, ExamLifecycle.SYSTEM,
                        "no consent within " + quarantine.toHours() + " h");
                return deleteIndex(q.studyId());
            });
            if (keys != null) {
                deleteObjects(keys);
                audit.record(ExamLifecycle.SYSTEM, "QUARANTINE_PURGED", "exam:" + q.examId(), null,
                        AuditLog.Outcome.SUCCESS, "hospital " + q.hospitalId() + ", " + keys.size() + " instances");
                purged++;
            }
        }
        return purged;
    }

    /**
     * Published inside the rejection's transaction (which holds the exam's lock, as the intake takes
     * it before indexing): the index rows go with the rejection, the files once it is committed.
     */
    @EventListener
    void onRejected(StudyRejected rejected) {
        List<String> keys = tx.execute(status -> deleteIndex(rejected.studyId()));
        audit.record(rejected.actor(), "STUDY_IMAGES_DELETED", "study:" + rejected.studyId(), null,
                AuditLog.Outcome.SUCCESS, keys.size() + " instances, hospital " + rejected.hospitalId());
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCommit() {
                    deleteObjects(keys);
                }
            });
        } else {
            deleteObjects(keys);
        }
    }

    /** Removes the study's instances from the index; returns their object keys. Series rows stay, like the study. */
    private List<String> deleteIndex(long studyId) {
        List<String> keys = jdbc.sql("""
                delete from instance where series_id in (select id from series where study_id = :study)
                returning object_key""").param("study", studyId).query(String.class).list();
        jdbc.sql("update study set instance_count = 0 where id = :study").param("study", studyId).update();
        return keys;
    }

    private void deleteObjects(List<String> keys) {
        for (String key : keys) {
            try {
                store.delete(key);
            } catch (IOException e) {
                // The index no longer names it: an orphan an administrator's sweep can remove.
                log.warn("could not delete purged object {}: {}", key, e.toString());
            }
        }
    }
}
