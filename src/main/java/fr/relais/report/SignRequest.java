package fr.relais.report;

/**
 * Signing the draft read at {@code version}. {@code password} is needed when the login is older than
 * relais.report.reauthenticate-after. A critical report needs {@code callback} (the call made), a call
 * recorded before, or {@code openCallbackTask} (coordinators will make it).
 */
public record SignRequest(Integer version, String password, CallbackDetails callback, Boolean openCallbackTask) {

    @Override
    public String toString() {
        // Never print the password.
        return "SignRequest[version=" + version + ", callback=" + (callback != null) + ", openCallbackTask="
                + openCallbackTask + "]";
    }
}
