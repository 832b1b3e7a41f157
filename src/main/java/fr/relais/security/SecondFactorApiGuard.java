package fr.relais.security;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import org.springframework.http.HttpHeaders;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.context.HttpSessionSecurityContextRepository;
import org.springframework.web.filter.OncePerRequestFilter;

import java.io.IOException;

/**
 * A password alone (HTTP Basic) does not open the API to a person whose role needs a second
 * factor ({@link SecondFactor#allowsPasswordOnlyApi}): they use the pages (whose scripts ride the
 * session opened with both factors), and systems use API tokens. A command-line tool run by such
 * a person (./relais audit verify) sends a fresh code in {@value #CODE_HEADER} with the password:
 * accepted once, like at the login page.
 */
class SecondFactorApiGuard extends OncePerRequestFilter {

    static final String CODE_HEADER = "X-Relais-Second-Factor";
    /** A metrics scraper keeps its password: the figures hold no patient data. */
    private static final String METRICS = "/actuator/prometheus";

    private final SecondFactor secondFactor;
    private final ApiSecurityProblems problems;

    SecondFactorApiGuard(SecondFactor secondFactor, ApiSecurityProblems problems) {
        this.secondFactor = secondFactor;
        this.problems = problems;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
        if (authentication != null && authentication.getPrincipal() instanceof AccountPrincipal who
                && !METRICS.equals(request.getRequestURI()) && basicOnly(request) && !secondFactor.allowsPasswordOnlyApi(who.role())
                && !secondFactor.verify(who.id(), request.getHeader(CODE_HEADER))) {
            SecurityContextHolder.clearContext();
            problems.secondFactorNeeded(request, response);
            return;
        }
        chain.doFilter(request, response);
    }

    /** Authenticated by the Basic header of this request, not by a session that gave both factors. */
    private static boolean basicOnly(HttpServletRequest request) {
        String header = request.getHeader(HttpHeaders.AUTHORIZATION);
        if (header == null || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
            return false;
        }
        HttpSession session = request.getSession(false);
        return session == null
                || session.getAttribute(HttpSessionSecurityContextRepository.SPRING_SECURITY_CONTEXT_KEY) == null;
    }
}
