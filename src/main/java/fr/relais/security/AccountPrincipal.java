package fr.relais.security;

import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.userdetails.UserDetails;

import java.util.Collection;
import java.util.List;

/**
 * The logged-in account, as every feature sees it. hospitalId is set for hospital roles only;
 * locked is true while {@link LoginLockout} holds the account.
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

    /** Locked by repeated wrong passwords ({@link LoginLockout}): refused before its password is looked at. */
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
