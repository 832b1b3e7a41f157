package fr.relais.security;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.context.HttpSessionSecurityContextRepository;
import org.springframework.security.web.context.SecurityContextRepository;

/** What a page session holds after each login step: the pending second factor, then the account. */
final class SessionLogins {

    private static final SecurityContextRepository SESSIONS = new HttpSessionSecurityContextRepository();

    private SessionLogins() {}

    /** This request and the session behind it now authenticate as given. */
    static void establish(Authentication authentication, HttpServletRequest request, HttpServletResponse response) {
        SecurityContext context = SecurityContextHolder.createEmptyContext();
        context.setAuthentication(authentication);
        SecurityContextHolder.setContext(context);
        SESSIONS.saveContext(context, request, response);
    }
}
