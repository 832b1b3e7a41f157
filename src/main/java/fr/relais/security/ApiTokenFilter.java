package fr.relais.security;

import fr.relais.audit.AuditLog;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpHeaders;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

import java.io.IOException;
import java.util.Optional;

/**
 * "Authorization: Bearer rlt_…": the request acts as the token's service account, for this request
 * only (no session). A token that is unknown, revoked or expired is refused at once (401), audited.
 */
class ApiTokenFilter extends OncePerRequestFilter {

    private static final String BEARER = "Bearer ";

    private final ApiTokens tokens;
    private final ApiSecurityProblems problems;
    private final AuditLog audit;

    ApiTokenFilter(ApiTokens tokens, ApiSecurityProblems problems, AuditLog audit) {
        this.tokens = tokens;
        this.problems = problems;
        this.audit = audit;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String header = request.getHeader(HttpHeaders.AUTHORIZATION);
        if (header == null || !header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            chain.doFilter(request, response);
            return;
        }
        Optional<AccountPrincipal> account = tokens.authenticate(header.substring(BEARER.length()).strip());
        if (account.isEmpty()) {
            audit.record("api-token", "LOGIN", null, request.getRemoteAddr(), AuditLog.Outcome.REJECTED, "bad token");
            problems.badToken(request, response);
            return;
        }
        AccountPrincipal who = account.get();
        SecurityContext context = SecurityContextHolder.createEmptyContext();
        context.setAuthentication(UsernamePasswordAuthenticationToken.authenticated(who, null, who.getAuthorities()));
        SecurityContextHolder.setContext(context);
        chain.doFilter(request, response);
    }
}
