package fr.relais.security;

import fr.relais.audit.AuditLog;
import fr.relais.audit.RefusedAttempts;
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
 * only (no session). A token that is unknown, revoked or expired is refused at once (401), audited (unknown ones
 * counted per source and minute).
 */
class ApiTokenFilter extends OncePerRequestFilter {

    private static final String BEARER = "Bearer ";

    private final ApiTokens tokens;
    private final ApiSecurityProblems problems;
    private final RefusedAttempts refusals;
    private final AuditLog audit;

    ApiTokenFilter(ApiTokens tokens, ApiSecurityProblems problems, RefusedAttempts refusals, AuditLog audit) {
        this.tokens = tokens;
        this.problems = problems;
        this.refusals = refusals;
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
        String secret = header.substring(BEARER.length()).strip();
        Optional<AccountPrincipal> account = tokens.authenticate(secret);
        if (account.isEmpty()) {
            // A token we issued, now revoked or expired, names its hospital system: recorded on its
            // own. Anything else anyone can send by the thousand: counted.
            Optional<ApiTokens.Unusable> known = tokens.unusable(secret);
            if (known.isPresent()) {
                audit.record(known.get().account(), "LOGIN", "api-token:" + known.get().tokenId(), request.getRemoteAddr(),
                        AuditLog.Outcome.REJECTED, known.get().why());
            } else {
                refusals.refused("api-token", "LOGIN", request.getRemoteAddr(), "bad token");
            }
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
