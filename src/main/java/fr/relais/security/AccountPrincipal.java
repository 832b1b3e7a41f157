package fr.relais.security;

import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.userdetails.UserDetails;

import java.util.Collection;
import java.util.List;

/**
 * The logged-in account, as every feature sees it. hospitalId is set for hospital roles only;
 * locked is true while proven guessing holds the account ({@link LoginThrottle}).
 */
public record AccountPrincipal(long id, String username, String passwordHash, Role role,
                               Long hospitalId, String displayName, boolean enabled, boolean locked) implements UserDetails {

    @Override
    public Collection<? extends GrantedAuthority> getAuthorities() {
        return List.of(new SimpleGrantedAuthority(role.authority()));
    }

    @Override
    public String getPassword() {
        return passwordHash;
    }

    @Override
    public String getUsername() {
        return username;
    }

    @Override
    public boolean isEnabled() {
        return enabled;
    }

    /** Locked after guessing from several sources ({@link LoginThrottle}): refused before its password is looked at. */
    @Override
    public boolean isAccountNonLocked() {
        return !locked;
    }

    @Override
    public String toString() {
        // Never print the hash.
        return "AccountPrincipal[" + id + ", " + username + ", " + role + "]";
    }
}
