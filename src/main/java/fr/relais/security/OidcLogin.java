package fr.relais.security;

import fr.relais.audit.AuditLog;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.core.oidc.user.OidcUser;
import org.springframework.security.web.authentication.AuthenticationSuccessHandler;
import org.springframework.security.web.authentication.logout.SecurityContextLogoutHandler;
import org.springframework.stereotype.Component;

import java.util.Locale;
import java.util.Optional;

/**
 * Login through an OpenID Connect provider (a national health identity such as Pro Santé Connect),
 * when one is configured (spring.security.oauth2.client.registration.*): the provider says who the
 * person is, a Relais account says what they may do. The account is the one whose username is the
 * claim relais.security.oidc.username-claim (preferred_username by default; for Pro Santé Connect,
 * e.g. the RPPS number in SubjectNameID); nobody without an enabled account gets in. The provider's
 * login counts as the second factor only when the operator says it is a strong one
 * (relais.security.oidc.counts-as-second-factor=true: a CPS card or e-CPS); otherwise, the default,
 * the code page follows for the roles that need a second factor.
 */
@Component
class OidcLogin {

    private final AccountService accounts;
    private final SecondFactor secondFactor;
    private final RecentLogin recentLogin;
    private final AuditLog audit;
    private final String usernameClaim;
    private final boolean countsAsSecondFactor;

    OidcLogin(AccountService accounts, SecondFactor secondFactor, RecentLogin recentLogin, AuditLog audit,
              @Value("${relais.security.oidc.username-claim:preferred_username}") String usernameClaim,
              @Value("${relais.security.oidc.counts-as-second-factor:false}") boolean countsAsSecondFactor) {
        this.accounts = accounts;
        this.secondFactor = secondFactor;
        this.recentLogin = recentLogin;
        this.audit = audit;
        this.usernameClaim = usernameClaim;
        this.countsAsSecondFactor = countsAsSecondFactor;
    }

    /** The enabled, unlocked account the provider's person is, if any. */
    Optional<AccountPrincipal> account(OidcUser person) {
        Object claim = person.getClaims().get(usernameClaim);
        if (!(claim instanceof String name) || name.isBlank() || name.length() > 64) {
            return Optional.empty();
        }
        return accounts.findPrincipal(name.strip().toLowerCase(Locale.ROOT))
                .filter(AccountPrincipal::isEnabled).filter(AccountPrincipal::isAccountNonLocked);
    }

    /** After the provider: the account's session (or its pending second factor), else back to the login page. */
    AuthenticationSuccessHandler successHandler(AuthenticationSuccessHandler toPage) {
        return (request, response, authentication) -> {
            Optional<AccountPrincipal> account = authentication.getPrincipal() instanceof OidcUser person
                    ? account(person) : Optional.empty();
            if (account.isEmpty()) {
                audit.record(authentication.getName(), "LOGIN", null, request.getRemoteAddr(), AuditLog.Outcome.REJECTED,
                        "OpenID Connect: no enabled account for claim " + usernameClaim);
                new SecurityContextLogoutHandler().logout(request, response, authentication);
                response.sendRedirect(request.getContextPath() + "/login?error");
                return;
            }
            AccountPrincipal who = account.get();
            boolean pending = secondFactor.requiredFor(who.role()) && !countsAsSecondFactor;
            SessionLogins.establish(pending ? new PendingSecondFactor(who)
                    : SessionLogins.bothFactors(who), request, response);
            if (pending) {
                response.sendRedirect(request.getContextPath() + SecondFactorController.PATH);
                return;
            }
            recentLogin.recordLogin(request);
            audit.record(who.username(), "LOGIN", null, request.getRemoteAddr(), AuditLog.Outcome.SUCCESS, "OpenID Connect");
            toPage.onAuthenticationSuccess(request, response, SecurityContextHolder.getContext().getAuthentication());
        };
    }

}
