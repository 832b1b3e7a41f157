package fr.relais.report;

import java.time.Instant;
import java.util.List;

/**
 * A report as the editor, the API and the hospital see it. Before the first save, the proposal
 * built from the template has no id and version 0. callbackTask is OPEN, DONE or null.
 */
public record ReportView(Long reportId, long examId, String accessionNumber, ReportState state, int version,
                         String indication, String technique, String findings, String conclusion,
                         boolean critical, CriticalCategory criticalCategory, String authorName, Instant updatedAt,
                         Instant signedAt, String signedByName, Instant firstImageAt, Long turnaroundSeconds,
                         String callbackTask, List<Addendum> addenda, List<Callback> callbacks) {

    public boolean signed() {
        return state == ReportState.SIGNED;
    }
}
