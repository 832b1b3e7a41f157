package fr.relais.security;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Repeated wrong passwords lock the account: after relais.security.lockout-failures (5) within
 * relais.security.lockout-duration (15 minutes) of each other, nobody logs in as it, even with the
 * right password, until that long after the last failure. A success clears the count. Counted in
 * the database, so every instance sees the same count.
 */
@Component
class LoginLockout {

    private final JdbcClient jdbc;
    private final Clock clock;
    private final int maxFailures;
    private final Duration duration;
    /** Accounts this instance saw fail: only they need their count cleared on success. */
    private final Set<String> failing = ConcurrentHashMap.newKeySet();

    LoginLockout(JdbcClient jdbc, Clock clock, @Value("${relais.security.lockout-failures:5}") int maxFailures,
                 @Value("${relais.security.lockout-duration:15m}") Duration duration) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.maxFailures = maxFailures;
        this.duration = duration;
    }

    /** Whether an app_user row is locked, for the query that loads an account at login ({@link #bind}). */
    static final String LOCKED = "(failed_logins >= :lockoutMax and last_failure_at > :lockoutSince)";

    JdbcClient.StatementSpec bind(JdbcClient.StatementSpec statement) {
        return statement.param("lockoutMax", maxFailures).param("lockoutSince", OffsetDateTime.now(clock).minus(duration));
    }

    /** A wrong password: counts, starting again when the last failure is older than the lockout. */
    void failed(String username) {
        OffsetDateTime now = OffsetDateTime.now(clock);
        int updated = jdbc.sql("""
                        update app_user set failed_logins = case when last_failure_at > :since then failed_logins + 1 else 1 end,
                                            last_failure_at = :now
                        where username = :u""")
                .param("u", username).param("since", now.minus(duration)).param("now", now).update();
        if (updated > 0) {
            failing.add(username);
        }
    }

    void succeeded(String username) {
        if (failing.remove(username)) {
            jdbc.sql("update app_user set failed_logins = 0, last_failure_at = null where username = :u")
                    .param("u", username).update();
        }
    }
}
