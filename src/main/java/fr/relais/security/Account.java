package fr.relais.security;

import java.time.OffsetDateTime;

/** An account as the administration sees it: never with its password. */
public record Account(long id, String username, String displayName, Role role, Long hospitalId,
                      String hospitalName, boolean enabled, OffsetDateTime createdAt) {}
