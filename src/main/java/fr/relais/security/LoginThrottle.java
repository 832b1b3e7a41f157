package fr.relais.security;

import fr.relais.audit.AuditLog;
import fr.relais.platform.Actor;
import fr.relais.platform.NotFoundException;
import fr.relais.security.ThrottlePolicy.History;
import fr.relais.security.ThrottlePolicy.Verdict;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;

/**
 * Failed logins (passwords and second-factor codes, on the page and over the API) kept per account
 * as typed and per source, and the {@link ThrottlePolicy} applied to them before any password is
 * looked at. Counted in the database, so every instance sees the same counts.
 */
@Component
public class LoginThrottle {

    enum Kind { PASSWORD, SECOND_FACTOR }

    /** Whether an app_user row is locked, for the query that loads an account at login ({@link #bind}). */
    static final String LOCKED = "(locked_until is not null and locked_until > :lockedAt)";

    /** What administrators see of an account being guessed at, over the last {@link ThrottlePolicy#lockoutWindow}. */
    public record Target(String username, Long accountId, int failures, int sources, Instant lastFailure,
                         List<String> blockedSources, Instant lockedUntil, String lockedReason) {}

    private final JdbcClient jdbc;
    private final Clock clock;
    private final AuditLog audit;
    private final ThrottlePolicy policy;

    LoginThrottle(JdbcClient jdbc, Clock clock, AuditLog audit,
                  @Value("${relais.security.throttle.free-failures:3}") int freeFailures,
                  @Value("${relais.security.throttle.first-delay:1s}") Duration firstDelay,
                  @Value("${relais.security.throttle.max-delay:1m}") Duration maxDelay,
                  @Value("${relais.security.throttle.source-lock-failures:10}") int sourceLockFailures,
                  @Value("${relais.security.throttle.spray-failures:30}") int sprayFailures,
                  @Value("${relais.security.throttle.window:15m}") Duration window,
                  @Value("${relais.security.lockout.failures:20}") int lockoutFailures,
                  @Value("${relais.security.lockout.sources:3}") int lockoutSources,
                  @Value("${relais.security.lockout.window:1h}") Duration lockoutWindow,
                  @Value("${relais.security.lockout.duration:1h}") Duration lockoutDuration) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.audit = audit;
        this.policy = new ThrottlePolicy(freeFailures, firstDelay, maxDelay, sourceLockFailures, sprayFailures, window,
                lockoutFailures, lockoutSources, lockoutWindow, lockoutDuration);
    }

    JdbcClient.StatementSpec bind(JdbcClient.StatementSpec statement) {
        return statement.param("lockedAt", OffsetDateTime.now(clock));
    }

    /** The name as every count keys it: any spelling of one name is one name. */
    static String normalize(String username) {
        String name = username == null ? "" : username.strip().toLowerCase(Locale.ROOT);
        return name.length() > 64 ? name.substring(0, 64) : name;
    }

    /**
     * The source an attempt is counted under: the address, or for IPv6 its /64 network (one host
     * has a whole /64 to pick addresses from).
     */
    static String source(String remoteAddress) {
        if (remoteAddress == null || remoteAddress.isBlank()) {
            return "unknown";
        }
        try {
            byte[] address = InetAddress.getByName(remoteAddress.strip()).getAddress();
            if (address.length == 16) {
                for (int i = 8; i < 16; i++) {
                    address[i] = 0;
                }
                return InetAddress.getByAddress(address).getHostAddress() + "/64";
            }
            return InetAddress.getByAddress(address).getHostAddress();
        } catch (UnknownHostException e) {
            // Only literal addresses reach here (the servlet container's); keep what was given.
            return remoteAddress.length() > 64 ? remoteAddress.substring(0, 64) : remoteAddress;
        }
    }

    /** Whether an attempt for this name from this address may be checked now. */
    Verdict check(String username, String remoteAddress) {
        Instant now = clock.instant();
        History history = jdbc.sql("""
                        select count(*) filter (where username = :u and source = :s) as account_from_source,
                               max(at) filter (where username = :u and source = :s) as last_from_source,
                               count(*) filter (where source = :s) as from_source,
                               max(at) filter (where source = :s) as last_of_source,
                               (select locked_until from app_user where username = :u) as locked_until
                        from login_failure where (username = :u or source = :s) and at > :since""")
                .param("u", normalize(username)).param("s", source(remoteAddress))
                .param("since", OffsetDateTime.ofInstant(now.minus(policy.window()), ZoneOffset.UTC))
                .query(History.class).optional().orElse(History.NONE);
        return policy.decide(history, now);
    }

    /** A wrong password or code: counted, and the account locked when it proves guessing from several sources. */
    @Transactional
    void failed(String username, String remoteAddress, Kind kind) {
        String name = normalize(username);
        String source = source(remoteAddress);
        OffsetDateTime now = OffsetDateTime.now(clock);
        jdbc.sql("insert into login_failure (username, source, kind, at) values (:u, :s, :kind, :at)")
                .param("u", name).param("s", source).param("kind", kind.name()).param("at", now).update();
        record Spread(int failures, int sources) {}
        Spread spread = jdbc.sql("""
                        select count(*) as failures, count(distinct source) as sources
                        from login_failure where username = :u and at > :since""")
                .param("u", name).param("since", now.minus(policy.lockoutWindow())).query(Spread.class).single();
        if (!policy.provesGuessing(spread.failures(), spread.sources())) {
            return;
        }
        String reason = spread.failures() + " failed logins from " + spread.sources() + " sources within "
                + policy.lockoutWindow().toMinutes() + " min";
        jdbc.sql("""
                        update app_user set locked_until = :until, locked_reason = :reason
                        where username = :u and kind = 'PERSON' and (locked_until is null or locked_until <= :now)
                        returning id""")
                .param("until", now.plus(policy.lockoutDuration())).param("reason", reason).param("u", name)
                .param("now", now).query(Long.class).optional()
                .ifPresent(id -> audit.record(Actor.SYSTEM.username(), "ACCOUNT_LOCKED", "user:" + id, source,
                        AuditLog.Outcome.SUCCESS, reason));
    }

    /**
     * Both factors given, after the check that allowed them: this source's failures for this account
     * are forgotten (not other sources'). Nothing to write when the check found none.
     */
    void succeeded(String username, String remoteAddress, Verdict checked) {
        if (checked.failuresHere() > 0) {
            jdbc.sql("delete from login_failure where username = :u and source = :s")
                    .param("u", normalize(username)).param("s", source(remoteAddress)).update();
        }
    }

    /** Accounts (and names that are none) failed at within the lockout window, most failures first. */
    public List<Target> targets() {
        OffsetDateTime now = OffsetDateTime.now(clock);
        record Row(String username, Long accountId, int failures, int sources, Instant lastFailure,
                   Instant lockedUntil, String lockedReason) {}
        List<Row> rows = jdbc.sql("""
                        select f.username, u.id as account_id, count(*) as failures,
                               count(distinct f.source) as sources, max(f.at) as last_failure,
                               case when u.locked_until > :now then u.locked_until end as locked_until,
                               case when u.locked_until > :now then u.locked_reason end as locked_reason
                        from login_failure f left join app_user u on u.username = f.username and u.kind = 'PERSON'
                        where f.at > :since
                        group by f.username, u.id, u.locked_until, u.locked_reason
                        order by count(*) desc, max(f.at) desc limit 100""")
                .param("now", now).param("since", now.minus(policy.lockoutWindow())).query(Row.class).list();
        return rows.stream().map(r -> new Target(r.username(), r.accountId(), r.failures(), r.sources(), r.lastFailure(),
                blockedSources(r.username()), r.lockedUntil(), r.lockedReason())).toList();
    }

    /**
     * The sources shut out of this name now, by its own failures or by spraying: within the window,
     * so each is shut out until a window after its last failure ({@link ThrottlePolicy#decide}).
     */
    private List<String> blockedSources(String username) {
        return jdbc.sql("""
                        select f.source from login_failure f where f.username = :u and f.at > :since
                        group by f.source
                        having count(*) >= :sourceLock
                            or (select count(*) from login_failure g where g.source = f.source and g.at > :since) >= :spray
                        order by f.source""")
                .param("u", username).param("since", OffsetDateTime.now(clock).minus(policy.window()))
                .param("sourceLock", policy.sourceLockFailures()).param("spray", policy.sprayFailures())
                .query(String.class).list();
    }

    /** An administrator lifts a lock early: the account's failures are forgotten too. */
    @Transactional
    public void unlock(long accountId, Actor actor) {
        String username = jdbc.sql("update app_user set locked_until = null, locked_reason = null where id = :id and kind = 'PERSON' returning username")
                .param("id", accountId).query(String.class).optional()
                .orElseThrow(() -> new NotFoundException("account.notFound", "No account " + accountId, String.valueOf(accountId)));
        jdbc.sql("delete from login_failure where username = :u").param("u", username).update();
        audit.record(actor.username(), "ACCOUNT_UNLOCKED", "user:" + accountId, actor.source(), AuditLog.Outcome.SUCCESS, null);
    }

    /** Failures older than every window count for nothing. */
    @Scheduled(fixedDelayString = "${relais.security.throttle.prune-millis:600000}")
    void prune() {
        Duration longest = policy.window().compareTo(policy.lockoutWindow()) > 0 ? policy.window() : policy.lockoutWindow();
        jdbc.sql("delete from login_failure where at < :before").param("before", OffsetDateTime.now(clock).minus(longest)).update();
    }

    ThrottlePolicy policy() {
        return policy;
    }
}
