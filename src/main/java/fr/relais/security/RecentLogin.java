package fr.relais.security;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpSession;
import org.springframework.http.HttpHeaders;
import org.springframework.stereotype.Component;

import java.time.Clock;
import java.time.Instant;

/**
 * When the person behind a request last proved who they are, for acts that need a recent proof
 * (signing a report). A page session remembers the time of its login, renewed when the password
 * is typed again; an HTTP Basic call carries the password itself and is as recent as can be.
 */
@Component
public class RecentLogin {

    static final String SESSION_ATTRIBUTE = RecentLogin.class.getName() + ".AUTHENTICATED_AT";

    private final Clock clock;

    RecentLogin(Clock clock) {
        this.clock = clock;
    }

    /** The time of the last proof, or null when nothing says (the caller then asks for the password). */
    public Instant authenticatedAt(HttpServletRequest request) {
        HttpSession session = request.getSession(false);
        // The session's own time wins: a Basic header added to a logged-in session proves nothing,
        // Spring Security does not check its password while the session is authenticated.
        if (session != null && session.getAttribute(SESSION_ATTRIBUTE) instanceof Instant at) {
            return at;
        }
        String authorization = request.getHeader(HttpHeaders.AUTHORIZATION);
        if (authorization != null && authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            return clock.instant();
        }
        return null;
    }

    /** The password was just checked again: the session counts as freshly authenticated. */
    public void renew(HttpServletRequest request) {
        HttpSession session = request.getSession(false);
        if (session != null) {
            session.setAttribute(SESSION_ATTRIBUTE, clock.instant());
        }
    }

    /** Called at each form login, after the session id has changed. */
    void recordLogin(HttpServletRequest request) {
        request.getSession(true).setAttribute(SESSION_ATTRIBUTE, clock.instant());
    }
}
