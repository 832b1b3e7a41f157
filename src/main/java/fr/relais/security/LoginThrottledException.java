package fr.relais.security;

import org.springframework.security.authentication.AccountStatusException;

/** A login attempt refused before its password or code was looked at ({@link ThrottlePolicy}). */
final class LoginThrottledException extends AccountStatusException {

    private final ThrottlePolicy.Refusal refusal;
    private final long retryAfterSeconds;

    LoginThrottledException(ThrottlePolicy.Refusal refusal, long retryAfterSeconds) {
        super("login refused before checking: " + refusal + ", retry after " + retryAfterSeconds + " s");
        this.refusal = refusal;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    ThrottlePolicy.Refusal refusal() {
        return refusal;
    }

    long retryAfterSeconds() {
        return retryAfterSeconds;
    }

    /** Where the login form sends the person back: a wait of a few seconds, or a door shut for now. */
    String loginPage() {
        return refusal == ThrottlePolicy.Refusal.DELAYED ? "/login?wait=" + retryAfterSeconds : "/login?blocked";
    }
}
