package fr.relais.report;

import fr.relais.ai.AiResult;

import java.time.Instant;
import java.util.List;

/**
 * A report as the editor, the API and the hospital see it. Before the first save, the proposal
 * built from the template has no id and version 0. callbackTask is OPEN, DONE or null. aiResults
 * are the engines' answers for the exam, for the radiologists, coordinators and admins who review
 * them at signature (a dictation system or an integration as well as the editor); empty for the
 * hospital's users.
 */
public record ReportView(Long reportId, long examId, String accessionNumber, ReportState state, int version,
                         String indication, String technique, String findings, String conclusion,
                         boolean critical, CriticalCategory criticalCategory, String authorName, Instant updatedAt,
                         Instant signedAt, String signedByName, Instant firstImageAt, Long turnaroundSeconds,
                         String callbackTask, List<Addendum> addenda, List<Callback> callbacks,
                         List<AiResult> aiResults) {

    ReportView withAiResults(List<AiResult> results) {
        return new ReportView(reportId, examId, accessionNumber, state, version, indication, technique, findings,
                conclusion, critical, criticalCategory, authorName, updatedAt, signedAt, signedByName, firstImageAt,
                turnaroundSeconds, callbackTask, addenda, callbacks, List.copyOf(results));
    }

    public boolean signed() {
        return state == ReportState.SIGNED;
    }
}
