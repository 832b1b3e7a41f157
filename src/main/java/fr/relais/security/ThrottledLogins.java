package fr.relais.security;

import fr.relais.audit.RefusedAttempts;
import fr.relais.security.ThrottlePolicy.Verdict;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.authentication.dao.DaoAuthenticationProvider;
import org.springframework.security.core.Authentication;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.web.authentication.WebAuthenticationDetails;
import org.springframework.stereotype.Component;

import java.time.Clock;

/**
 * Every password login (form and HTTP Basic) passes here: the {@link LoginThrottle} is asked before
 * the password is looked at, so that a source being slowed down or shut out learns nothing, and
 * costs no BCrypt. A refusal is counted in the audit trail ({@link RefusedAttempts}) and in the
 * metrics ({@code relais_login_refused_total} by reason).
 */
@Component
class ThrottledLogins implements AuthenticationProvider {

    private final LoginThrottle throttle;
    private final SecondFactor secondFactor;
    private final AccountService accounts;
    private final RefusedAttempts refusals;
    private final MeterRegistry metrics;
    private final Clock clock;
    private final DaoAuthenticationProvider passwords;

    ThrottledLogins(LoginThrottle throttle, SecondFactor secondFactor, AccountService accounts, RefusedAttempts refusals,
                    MeterRegistry metrics, Clock clock, AccountUserDetailsService users, PasswordEncoder passwordEncoder) {
        this.throttle = throttle;
        this.secondFactor = secondFactor;
        this.accounts = accounts;
        this.refusals = refusals;
        this.metrics = metrics;
        this.clock = clock;
        this.passwords = new DaoAuthenticationProvider(passwordEncoder);
        passwords.setUserDetailsService(users);
    }

    static String sourceOf(Authentication authentication) {
        return authentication.getDetails() instanceof WebAuthenticationDetails details ? details.getRemoteAddress() : null;
    }

    @Override
    public Authentication authenticate(Authentication authentication) {
        String source = sourceOf(authentication);
        String name = LoginThrottle.normalize(authentication.getName());
        Verdict verdict = throttle.check(name, source);
        if (!verdict.allowed()) {
            long seconds = verdict.secondsLeft(clock.instant());
            metrics.counter("relais.login.refused", "reason", verdict.refusal().name().toLowerCase()).increment();
            refusals.refused(accounts.exists(name) ? name : "unknown-account", "LOGIN_THROTTLED", source,
                    verdict.refusal() + ", " + seconds + " s left");
            throw new LoginThrottledException(verdict.refusal(), seconds);
        }
        Authentication done = passwords.authenticate(authentication);
        if (done.getPrincipal() instanceof AccountPrincipal who && !secondFactor.requiredFor(who.role())) {
            // The password was the whole login: this source starts again from nothing for the account.
            throttle.succeeded(who.username(), source, verdict);
        }
        return done;
    }

    @Override
    public boolean supports(Class<?> authentication) {
        return UsernamePasswordAuthenticationToken.class.isAssignableFrom(authentication);
    }
}
