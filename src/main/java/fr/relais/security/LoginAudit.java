package fr.relais.security;

import fr.relais.audit.AuditLog;
import org.springframework.context.event.EventListener;
import org.springframework.security.authentication.event.AuthenticationFailureBadCredentialsEvent;
import org.springframework.security.authentication.event.AuthenticationSuccessEvent;
import org.springframework.security.authentication.event.AbstractAuthenticationFailureEvent;
import org.springframework.security.authentication.event.InteractiveAuthenticationSuccessEvent;
import org.springframework.security.core.Authentication;
import org.springframework.security.web.authentication.WebAuthenticationDetails;
import org.springframework.stereotype.Component;

/**
 * Records logins through the form and every failed authentication. Successful HTTP Basic calls
 * are not recorded: each API request authenticates, and they would drown the trail.
 */
@Component
class LoginAudit {

    private final AuditLog audit;
    private final LoginLockout lockout;

    LoginAudit(AuditLog audit, LoginLockout lockout) {
        this.audit = audit;
        this.lockout = lockout;
    }

    @EventListener
    void onSuccess(AuthenticationSuccessEvent event) {
        lockout.succeeded(event.getAuthentication().getName());
    }

    @EventListener
    void onLogin(InteractiveAuthenticationSuccessEvent event) {
        Authentication who = event.getAuthentication();
        audit.record(who.getName(), "LOGIN", null, source(who), AuditLog.Outcome.SUCCESS, null);
    }

    @EventListener
    void onFailure(AbstractAuthenticationFailureEvent event) {
        Authentication who = event.getAuthentication();
        String name = who.getName() == null ? "" : who.getName();
        // What was typed as a username is not trusted input: keep it short.
        String actor = name.length() > 64 ? name.substring(0, 64) : name;
        audit.record(actor, "LOGIN", null, source(who), AuditLog.Outcome.REJECTED,
                event.getException().getClass().getSimpleName());
        if (event instanceof AuthenticationFailureBadCredentialsEvent) {
            lockout.failed(name.strip().toLowerCase(java.util.Locale.ROOT));
        }
    }

    private static String source(Authentication who) {
        return who.getDetails() instanceof WebAuthenticationDetails details ? details.getRemoteAddress() : null;
    }
}
