package fr.relais.security;

import fr.relais.audit.AuditLog;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

import java.io.IOException;
import java.time.Clock;

/**
 * A password never stands in for the second factor of a person whose role needs one
 * ({@link SecondFactor#allowsPasswordOnlyApi}), on any route, whatever else the request carries
 * (a session cookie of a login half done, another account's session, any spelling of the name):
 * an authentication of such a person that does not carry the mark of both factors
 * ({@link SessionLogins#gaveBothFactors}) is refused unless the request gives a fresh code in
 * {@value #CODE_HEADER}, as a command-line tool run by such a person does (./relais audit verify).
 * A code is accepted once, and a wrong one counts towards the {@link LoginThrottle} and is audited
 * exactly as at the login page. Pages' scripts ride the session opened with both factors; systems
 * use API tokens. A login half done ({@link PendingSecondFactor}) passes: it opens the code page only.
 */
class SecondFactorApiGuard extends OncePerRequestFilter {

    static final String CODE_HEADER = "X-Relais-Second-Factor";
    /** A metrics scraper keeps its password: the figures hold no patient data. */
    private static final String METRICS = "/actuator/prometheus";

    private final SecondFactor secondFactor;
    private final LoginThrottle throttle;
    private final AuditLog audit;
    private final ApiSecurityProblems problems;
    private final Clock clock;

    SecondFactorApiGuard(SecondFactor secondFactor, LoginThrottle throttle, AuditLog audit, ApiSecurityProblems problems,
                         Clock clock) {
        this.secondFactor = secondFactor;
        this.throttle = throttle;
        this.audit = audit;
        this.problems = problems;
        this.clock = clock;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
        if (authentication != null && authentication.getPrincipal() instanceof AccountPrincipal who
                && !PendingSecondFactor.is(authentication) && !SessionLogins.gaveBothFactors(authentication)
                && !secondFactor.allowsPasswordOnlyApi(who.role()) && !METRICS.equals(request.getRequestURI())) {
            String code = request.getHeader(CODE_HEADER);
            String source = request.getRemoteAddr();
            if (code == null || code.isBlank()) {
                refuse(request, response);
                return;
            }
            ThrottlePolicy.Verdict verdict = throttle.check(who.username(), source);
            if (!verdict.allowed()) {
                SecurityContextHolder.clearContext();
                problems.throttled(request, response,
                        new LoginThrottledException(verdict.refusal(), verdict.secondsLeft(clock.instant())));
                return;
            }
            if (!secondFactor.verify(who.id(), code)) {
                audit.record(who.username(), "LOGIN_SECOND_FACTOR", null, source, AuditLog.Outcome.REJECTED, "code (API)");
                throttle.failed(who.username(), source, LoginThrottle.Kind.SECOND_FACTOR);
                refuse(request, response);
                return;
            }
            throttle.succeeded(who.username(), source, verdict);
        }
        chain.doFilter(request, response);
    }

    private void refuse(HttpServletRequest request, HttpServletResponse response) throws IOException {
        SecurityContextHolder.clearContext();
        problems.secondFactorNeeded(request, response);
    }
}
