package fr.relais.security;

import fr.relais.audit.AuditLog;
import fr.relais.audit.RefusedAttempts;
import org.springframework.context.event.EventListener;
import org.springframework.security.authentication.event.AbstractAuthenticationFailureEvent;
import org.springframework.security.authentication.event.AuthenticationFailureBadCredentialsEvent;
import org.springframework.security.authentication.event.InteractiveAuthenticationSuccessEvent;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Component;

/**
 * Records logins through the form and every failed authentication: one entry each when it names a
 * real account, counted per source and minute ({@link RefusedAttempts}) when the name is no
 * account's. Wrong passwords count towards the {@link LoginThrottle} either way. Successful HTTP
 * Basic calls are not recorded: each API request authenticates, and they would drown the trail.
 */
@Component
class LoginAudit {

    private final AuditLog audit;
    private final RefusedAttempts refusals;
    private final AccountService accounts;
    private final LoginThrottle throttle;

    LoginAudit(AuditLog audit, RefusedAttempts refusals, AccountService accounts, LoginThrottle throttle) {
        this.audit = audit;
        this.refusals = refusals;
        this.accounts = accounts;
        this.throttle = throttle;
    }

    @EventListener
    void onLogin(InteractiveAuthenticationSuccessEvent event) {
        Authentication who = event.getAuthentication();
        audit.record(who.getName(), "LOGIN", null, ThrottledLogins.sourceOf(who), AuditLog.Outcome.SUCCESS, null);
    }

    @EventListener
    void onFailure(AbstractAuthenticationFailureEvent event) {
        if (event.getException() instanceof LoginThrottledException) {
            return; // counted where it was refused
        }
        Authentication who = event.getAuthentication();
        // What was typed as a username is not trusted input: normalised and kept short.
        String name = LoginThrottle.normalize(who.getName());
        String source = ThrottledLogins.sourceOf(who);
        String why = event.getException().getClass().getSimpleName();
        if (accounts.exists(name)) {
            audit.record(name, "LOGIN", null, source, AuditLog.Outcome.REJECTED, why);
        } else {
            refusals.refused("unknown-account", "LOGIN", source, why + " for \"" + name + "\"");
        }
        if (event instanceof AuthenticationFailureBadCredentialsEvent) {
            throttle.failed(name, source, LoginThrottle.Kind.PASSWORD);
        }
    }
}
