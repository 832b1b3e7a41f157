package fr.relais.security;

import fr.relais.audit.AuditLog;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import org.springframework.security.core.Authentication;
import org.springframework.security.web.authentication.logout.SecurityContextLogoutHandler;
import org.springframework.security.web.savedrequest.HttpSessionRequestCache;
import org.springframework.security.web.savedrequest.SavedRequest;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * The second step of a page login for the roles that need it: the code of the authenticator app,
 * or, the first time, the enrolment (QR code, then a first code proving the phone holds the
 * secret). Until then the session holds a {@link PendingSecondFactor}, which opens nothing else.
 */
@Controller
class SecondFactorController {

    static final String PATH = "/login/second-factor";
    private static final String ENROLMENT_SECRET = SecondFactorController.class.getName() + ".SECRET";

    private final SecondFactor secondFactor;
    private final AccountService accounts;
    private final LoginThrottle throttle;
    private final RecentLogin recentLogin;
    private final AuditLog audit;
    private final java.time.Clock clock;
    private final HttpSessionRequestCache savedRequests = new HttpSessionRequestCache();

    SecondFactorController(SecondFactor secondFactor, AccountService accounts, LoginThrottle throttle,
                           RecentLogin recentLogin, AuditLog audit, java.time.Clock clock) {
        this.clock = clock;
        this.secondFactor = secondFactor;
        this.accounts = accounts;
        this.throttle = throttle;
        this.recentLogin = recentLogin;
        this.audit = audit;
    }

    @GetMapping(PATH)
    String form(Authentication authentication, HttpServletRequest request, Model model) {
        AccountPrincipal who = PendingSecondFactor.principal(authentication);
        if (!secondFactor.enrolled(who.id())) {
            HttpSession session = request.getSession();
            String secret = (String) session.getAttribute(ENROLMENT_SECRET);
            if (secret == null) {
                secret = secondFactor.newSecret();
                session.setAttribute(ENROLMENT_SECRET, secret);
            }
            model.addAttribute("enrolment", true);
            model.addAttribute("qrCode", secondFactor.qrCode(who.username(), secret));
            // Grouped by four for typing into an app by hand.
            model.addAttribute("secret", secret.replaceAll("(.{4})(?!$)", "$1 "));
        }
        return "login/second-factor";
    }

    @PostMapping(PATH)
    String verify(Authentication authentication, @RequestParam(defaultValue = "") String code,
                  HttpServletRequest request, HttpServletResponse response) {
        AccountPrincipal who = PendingSecondFactor.principal(authentication);
        String source = request.getRemoteAddr();
        // Codes are guessed like passwords: the same throttle, before the code is looked at.
        ThrottlePolicy.Verdict verdict = throttle.check(who.username(), source);
        if (verdict.shutsOut()) {
            new SecurityContextLogoutHandler().logout(request, response, authentication);
            return "redirect:/login?blocked";
        }
        if (!verdict.allowed()) {
            return "redirect:" + PATH + "?wait=" + verdict.secondsLeft(clock.instant());
        }
        String secret = (String) request.getSession().getAttribute(ENROLMENT_SECRET);
        boolean enrolling = !secondFactor.enrolled(who.id());
        boolean accepted = enrolling
                ? secret != null && secondFactor.enrol(who.id(), secret, code)
                : secondFactor.verify(who.id(), code);
        if (!accepted) {
            audit.record(who.username(), "LOGIN_SECOND_FACTOR", null, source, AuditLog.Outcome.REJECTED,
                    enrolling ? "enrolment code" : "code");
            throttle.failed(who.username(), source, LoginThrottle.Kind.SECOND_FACTOR);
            if (throttle.check(who.username(), source).shutsOut()) {
                new SecurityContextLogoutHandler().logout(request, response, authentication);
                return "redirect:/login?blocked";
            }
            return "redirect:" + PATH + "?error";
        }
        throttle.succeeded(who.username(), source, verdict);
        request.getSession().removeAttribute(ENROLMENT_SECRET);
        // A new session id for the fully authenticated session (as at the password step).
        request.changeSessionId();
        SessionLogins.establish(SessionLogins.bothFactors(who), request, response);
        recentLogin.recordLogin(request);
        audit.record(who.username(), enrolling ? "SECOND_FACTOR_ENROLLED" : "LOGIN", null, source,
                AuditLog.Outcome.SUCCESS, "second factor");
        SavedRequest saved = savedRequests.getRequest(request, response);
        savedRequests.removeRequest(request, response);
        return "redirect:" + (saved == null ? "/" : saved.getRedirectUrl());
    }
}
