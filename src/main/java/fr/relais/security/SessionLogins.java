package fr.relais.security;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.context.HttpSessionSecurityContextRepository;
import org.springframework.security.web.context.SecurityContextRepository;

import java.util.ArrayList;
import java.util.List;

/** What a page session holds after each login step: the pending second factor, then the account. */
final class SessionLogins {

    private static final SecurityContextRepository SESSIONS = new HttpSessionSecurityContextRepository();

    /** Carried by a login that gave the second factor (or a provider's login that counts as one). */
    static final String BOTH_FACTORS = "SECOND_FACTOR_GIVEN";

    private SessionLogins() {}

    /** A login with every factor: the account's roles and the mark that no password stood in for a code. */
    static Authentication bothFactors(AccountPrincipal who) {
        List<GrantedAuthority> authorities = new ArrayList<>(who.getAuthorities());
        authorities.add(new SimpleGrantedAuthority(BOTH_FACTORS));
        return UsernamePasswordAuthenticationToken.authenticated(who, null, authorities);
    }

    static boolean gaveBothFactors(Authentication authentication) {
        return authentication.getAuthorities().stream().anyMatch(a -> BOTH_FACTORS.equals(a.getAuthority()));
    }

    /** This request and the session behind it now authenticate as given. */
    static void establish(Authentication authentication, HttpServletRequest request, HttpServletResponse response) {
        SecurityContext context = SecurityContextHolder.createEmptyContext();
        context.setAuthentication(authentication);
        SecurityContextHolder.setContext(context);
        SESSIONS.saveContext(context, request, response);
    }
}
