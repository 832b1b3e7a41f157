package fr.relais.report;

import fr.relais.ai.AiResult;
import fr.relais.ai.AiResults;

import fr.relais.request.RequestView;

import java.time.Instant;
import java.util.List;

/**
 * What the editor fragment {@code reading/report :: editor(exam)} needs: the request it answers,
 * the report (or the proposal from the template), the quick phrases of the exam's region, whether
 * the viewer may still edit it, whether signing will ask for the password again, and when it was
 * opened (the default time of a call), what the AI engines said (confirmed or rejected at signature)
 * and the analyses that did not happen (an engine that could not see the images).
 */
public record ReportEditor(long examId, RequestView request, int ageYears, ReportView report, List<Phrase> phrases,
                           boolean editable, boolean reauthenticate, Instant openedAt, List<AiResult> aiResults,
                           List<AiResults.FailedAnalysis> aiFailures) {

    public boolean hasPositiveAi() {
        return aiResults.stream().anyMatch(AiResult::positive);
    }
}
