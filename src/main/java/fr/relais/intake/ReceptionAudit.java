package fr.relais.intake;

import fr.relais.audit.AuditLog;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import java.util.ArrayList;
import java.util.List;

/**
 * One audit entry per study an association or a STOW-RS request brought, not one per image: the
 * entry counts the instances; each instance's index row names the entry (instance.received_audit_id),
 * so that every object is traced to the reception that brought it.
 */
@Component
class ReceptionAudit {

    private static final int LINK_BATCH = 1_000;

    private final AuditLog audit;
    private final JdbcClient jdbc;
    private final TransactionTemplate tx;

    ReceptionAudit(AuditLog audit, JdbcClient jdbc, TransactionTemplate tx) {
        this.audit = audit;
        this.jdbc = jdbc;
        this.tx = tx;
    }

    /** @param how how it came: "DICOM association from CT_AE", "STOW-RS request" */
    void record(String actor, String source, String how, StudyReceptions receptions) {
        // Each study's entry and its instances' links in one transaction: seen together or not at all.
        receptions.studies().forEach((studyId, study) -> tx.executeWithoutResult(status -> record(actor, source, how,
                studyId, study)));
    }

    private void record(String actor, String source, String how, long studyId, StudyReceptions.Study study) {
        long entry = audit.record(actor, "STUDY_RECEIVED", "study:" + studyId, source, AuditLog.Outcome.SUCCESS,
                study.stored.size() + " instances stored" + (study.alreadyStored.isEmpty() ? ""
                        : ", " + study.alreadyStored.size() + " already stored") + ", by " + how);
        List<String> uids = new ArrayList<>(study.stored);
        uids.addAll(study.alreadyStored);
        for (int from = 0; from < uids.size(); from += LINK_BATCH) {
            // An instance stored before keeps the entry of its first reception.
            jdbc.sql("""
                    update instance set received_audit_id = :entry
                    where series_id in (select id from series where study_id = :study)
                      and sop_instance_uid in (:uids) and received_audit_id is null""")
                    .param("entry", entry).param("study", studyId)
                    .param("uids", uids.subList(from, Math.min(uids.size(), from + LINK_BATCH)))
                    .update();
        }
    }
}
