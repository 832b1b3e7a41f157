package fr.relais.report;

import fr.relais.ai.AiReview;

import java.util.List;

/**
 * Signing the draft read at {@code version}. {@code password} is needed when the login is older than
 * relais.report.reauthenticate-after. A critical report needs {@code callback} (the call made), a call
 * recorded before, or {@code openCallbackTask} (coordinators will make it). Each positive AI finding
 * of the exam is confirmed or rejected in {@code aiReviews}; {@code missedFindings} names findings
 * the AI did not flag (ICH, PE, FRACTURE...).
 */
public record SignRequest(Integer version, String password, CallbackDetails callback, Boolean openCallbackTask,
                          List<AiReview> aiReviews, List<String> missedFindings) {

    public SignRequest(Integer version, String password, CallbackDetails callback, Boolean openCallbackTask) {
        this(version, password, callback, openCallbackTask, List.of(), List.of());
    }

    @Override
    public String toString() {
        // Never print the password.
        return "SignRequest[version=" + version + ", callback=" + (callback != null) + ", openCallbackTask="
                + openCallbackTask + ", aiReviews=" + aiReviews + ", missedFindings=" + missedFindings + "]";
    }
}
