package fr.relais.security;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import java.util.Locale;

/**
 * What the administrator gives to create an account. Hospital roles need a hospitalId, other roles
 * must not have one ({@link AccountService} checks it against the hospitals).
 */
public record NewAccount(
        @NotBlank(message = "{account.username.required}")
        @Pattern(regexp = "^[a-z0-9._-]{2,64}$", message = "{account.username.invalid}")
        String username,
        @NotBlank(message = "{account.displayName.required}")
        @Size(max = 200, message = "{account.displayName.tooLong}")
        String displayName,
        @NotNull(message = "{account.role.required}")
        Role role,
        Long hospitalId,
        // BCrypt reads at most 72 bytes: a longer password would be silently cut.
        @NotNull(message = "{account.password.tooShort}")
        @Size(min = 12, max = 72, message = "{account.password.length}")
        String password) {

    public NewAccount {
        username = username == null ? null : username.strip().toLowerCase(Locale.ROOT);
        displayName = displayName == null ? null : displayName.strip();
    }

    @Override
    public String toString() {
        return "NewAccount[" + username + ", " + role + ", hospital " + hospitalId + "]";
    }
}
