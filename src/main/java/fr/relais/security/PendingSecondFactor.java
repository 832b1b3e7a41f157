package fr.relais.security;

import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.authentication.InsufficientAuthenticationException;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

import java.util.List;

/**
 * A password accepted, the second factor not given yet: authenticated, but with none of the
 * account's roles, only {@link #AUTHORITY}, which opens the second-factor page and nothing else.
 */
final class PendingSecondFactor extends AbstractAuthenticationToken {

    static final String AUTHORITY = "SECOND_FACTOR_PENDING";

    private final AccountPrincipal principal;

    PendingSecondFactor(AccountPrincipal principal) {
        super(List.of(new SimpleGrantedAuthority(AUTHORITY)));
        this.principal = principal;
        setAuthenticated(true);
    }

    static boolean is(Authentication authentication) {
        return authentication instanceof PendingSecondFactor;
    }

    static AccountPrincipal principal(Authentication authentication) {
        if (authentication instanceof PendingSecondFactor pending) {
            return pending.principal;
        }
        throw new InsufficientAuthenticationException("no password step pending");
    }

    @Override
    public Object getCredentials() {
        return null;
    }

    @Override
    public Object getPrincipal() {
        return principal;
    }
}
