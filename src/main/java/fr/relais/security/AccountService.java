package fr.relais.security;

import fr.relais.audit.AuditLog;
import fr.relais.hospital.HospitalDirectory;
import fr.relais.platform.Actor;
import fr.relais.platform.ConflictException;
import fr.relais.platform.InvalidInputException;
import fr.relais.platform.NotFoundException;
import org.springframework.context.MessageSource;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.core.session.SessionInformation;
import org.springframework.security.core.session.SessionRegistry;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;

/** Accounts of the app_user table: login lookup, creation, enabling and disabling. */
@Service
public class AccountService {

    private static final String SELECT_ACCOUNT = """
            select u.id, u.username, u.display_name, u.role, u.hospital_id, h.name as hospital_name,
                   u.enabled, u.created_at
            from app_user u left join hospital h on h.id = u.hospital_id""";

    private final JdbcClient jdbc;
    private final PasswordEncoder passwordEncoder;
    private final HospitalDirectory hospitals;
    private final AuditLog audit;
    private final Clock clock;
    private final SessionRegistry sessions;
    private final LoginThrottle throttle;
    private final MessageSource messages;

    public AccountService(JdbcClient jdbc, PasswordEncoder passwordEncoder, HospitalDirectory hospitals,
                          AuditLog audit, Clock clock, SessionRegistry sessions, LoginThrottle throttle,
                          MessageSource messages) {
        this.throttle = throttle;
        this.messages = messages;
        this.jdbc = jdbc;
        this.passwordEncoder = passwordEncoder;
        this.hospitals = hospitals;
        this.audit = audit;
        this.clock = clock;
        this.sessions = sessions;
    }

    /** The principal for a login, disabled accounts included (Spring Security refuses them). */
    public Optional<AccountPrincipal> findPrincipal(String username) {
        return throttle.bind(jdbc.sql("""
                select id, username, password_hash, role, hospital_id, display_name, enabled,
                       """ + LoginThrottle.LOCKED + """
                 as locked
                from app_user where username = :username and kind = 'PERSON'""")
                .param("username", username))
                .query(AccountPrincipal.class)
                .optional();
    }

    public boolean exists(String username) {
        return jdbc.sql("select count(*) from app_user where username = :username")
                .param("username", username).query(Long.class).single() > 0;
    }

    public List<Account> list() {
        return jdbc.sql(SELECT_ACCOUNT + " where u.kind = 'PERSON' order by u.username").query(Account.class).list();
    }

    public Account get(long id) {
        return jdbc.sql(SELECT_ACCOUNT + " where u.id = :id").param("id", id)
                .query(Account.class).optional()
                .orElseThrow(() -> new NotFoundException("account.notFound", "No account " + id, String.valueOf(id)));
    }

    /** Whether the password is the account's: lets the demo banner say only what is true. */
    public boolean passwordMatches(String username, String password) {
        return findPrincipal(username).map(p -> passwordEncoder.matches(password, p.passwordHash())).orElse(false);
    }

    @Transactional
    public Account create(NewAccount account, Actor actor) {
        if (account.role().isHospitalRole()) {
            if (account.hospitalId() == null) {
                throw new InvalidInputException("hospitalId", "account.hospital.required",
                        "A hospital role needs a hospital", account.role());
            }
            if (hospitals.findById(account.hospitalId()).isEmpty()) {
                throw new InvalidInputException("hospitalId", "account.hospital.unknown",
                        "No hospital " + account.hospitalId(), String.valueOf(account.hospitalId()));
            }
        } else if (account.hospitalId() != null) {
            throw new InvalidInputException("hospitalId", "account.hospital.forbidden",
                    "Only hospital roles belong to a hospital", account.role());
        }
        if (exists(account.username())) {
            throw usernameTaken(account.username());
        }
        long id;
        try {
            id = jdbc.sql("""
                    insert into app_user (username, password_hash, role, display_name, hospital_id, enabled, created_at)
                    values (:username, :hash, :role, :displayName, :hospitalId, true, :at)
                    returning id""")
                    .param("username", account.username())
                    .param("hash", passwordEncoder.encode(account.password()))
                    .param("role", account.role().name())
                    .param("displayName", account.displayName())
                    .param("hospitalId", account.hospitalId())
                    .param("at", OffsetDateTime.now(clock))
                    .query(Long.class).single();
        } catch (DuplicateKeyException raced) {
            throw usernameTaken(account.username());
        }
        audit.record(actor.username(), "USER_CREATED", "user:" + id, actor.source(), AuditLog.Outcome.SUCCESS,
                // The trail is read on the audit page: the role in the platform's words, not its constant.
                "rôle : " + account.role().inWords(messages));
        return get(id);
    }

    @Transactional
    public Account setEnabled(long id, boolean enabled, Actor actor) {
        Account account = get(id);
        if (account.enabled() == enabled) {
            return account;
        }
        if (!enabled) {
            if (account.username().equals(actor.username())) {
                throw new ConflictException("enabled", "account.disable.self", "You cannot disable your own account");
            }
            if (account.role() == Role.ADMIN && enabledAdmins() <= 1) {
                throw new ConflictException("enabled", "account.disable.lastAdmin",
                        "The last enabled administrator cannot be disabled");
            }
        }
        jdbc.sql("update app_user set enabled = :enabled where id = :id")
                .param("enabled", enabled).param("id", id).update();
        if (!enabled) {
            endSessionsOf(account.username());
        }
        audit.record(actor.username(), enabled ? "USER_ENABLED" : "USER_DISABLED", "user:" + id, actor.source(),
                AuditLog.Outcome.SUCCESS, null);
        return get(id);
    }

    /** Forgets an account's second factor (a lost phone): it enrols again at its next login. */
    @Transactional
    public Account resetSecondFactor(long id, Actor actor) {
        Account account = get(id);
        jdbc.sql("update app_user set totp_secret_sealed = null, totp_enrolled_at = null, totp_last_step = null where id = :id")
                .param("id", id).update();
        endSessionsOf(account.username());
        audit.record(actor.username(), "SECOND_FACTOR_RESET", "user:" + id, actor.source(), AuditLog.Outcome.SUCCESS, null);
        return account;
    }

    /** A disabled account is logged out of the pages at its next request (the API checks every call anyway). */
    private void endSessionsOf(String username) {
        for (Object principal : sessions.getAllPrincipals()) {
            if (principal instanceof AccountPrincipal p && p.username().equals(username)) {
                sessions.getAllSessions(principal, false).forEach(SessionInformation::expireNow);
            }
        }
    }

    private long enabledAdmins() {
        return jdbc.sql("select count(*) from app_user where role = 'ADMIN' and enabled")
                .query(Long.class).single();
    }

    private static ConflictException usernameTaken(String username) {
        return new ConflictException("username", "account.username.taken", "Username " + username + " is taken", username);
    }
}
