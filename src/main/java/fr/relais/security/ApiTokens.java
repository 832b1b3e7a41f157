package fr.relais.security;

import fr.relais.audit.AuditLog;
import fr.relais.hospital.HospitalDirectory;
import fr.relais.platform.Actor;
import fr.relais.platform.ConflictException;
import fr.relais.platform.InvalidInputException;
import fr.relais.platform.NotFoundException;
import org.springframework.context.MessageSource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * API tokens for hospital systems (a RIS filing requests, fetching reports by FHIR): each acts as
 * its own service account with a hospital role, so that every hospital-scoped query scopes it
 * too and the audit trail names it. Shown once at creation, kept as SHA-256 only, revocable,
 * optionally expiring. AI engines' tokens live with the engines (ai package).
 */
@Service
public class ApiTokens {

    /** Every token starts so: a leaked one is easy to recognise (and to search for in a repository). */
    static final String PREFIX = "rlt_";
    private static final Duration LAST_USE_RESOLUTION = Duration.ofMinutes(1);

    /** A token as the administrator sees it, never with its secret. */
    public record Token(long id, String name, String prefix, long hospitalId, Role role, String createdBy,
                        Instant createdAt, Instant expiresAt, Instant revokedAt, Instant lastUsedAt) {}

    /** A token just created: the only time its secret is known. */
    public record Created(Token token, String secret) {}

    private final JdbcClient jdbc;
    private final HospitalDirectory hospitals;
    private final AuditLog audit;
    private final Clock clock;
    private final MessageSource messages;
    private final SecureRandom random = new SecureRandom();

    ApiTokens(JdbcClient jdbc, HospitalDirectory hospitals, AuditLog audit, Clock clock,
              MessageSource messages) {
        this.messages = messages;
        this.jdbc = jdbc;
        this.hospitals = hospitals;
        this.audit = audit;
        this.clock = clock;
    }

    @Transactional
    public Created create(long hospitalId, Role role, String name, Instant expiresAt, Actor actor) {
        if (role == null || !role.isHospitalRole()) {
            throw new InvalidInputException("role", "token.role.invalid", "A token acts with a hospital role", role);
        }
        if (name == null || name.isBlank() || name.strip().length() > 100) {
            throw new InvalidInputException("name", "token.name.invalid", "A token needs a name of 1 to 100 characters");
        }
        if (hospitals.findById(hospitalId).isEmpty()) {
            throw new InvalidInputException("hospitalId", "account.hospital.unknown", "No hospital " + hospitalId,
                    String.valueOf(hospitalId));
        }
        OffsetDateTime now = OffsetDateTime.now(clock);
        if (expiresAt != null && !expiresAt.isAfter(now.toInstant())) {
            throw new InvalidInputException("expiresAt", "token.expiry.past", "The expiry must be in the future");
        }
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        String secret = PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        String shown = secret.substring(0, PREFIX.length() + 6);
        // The service account: no password can match "!", and findPrincipal never loads a SERVICE account.
        long accountId = jdbc.sql("""
                        insert into app_user (username, password_hash, role, display_name, hospital_id, enabled, created_at, kind)
                        values (:username, '!', :role, :name, :hospital, true, :now, 'SERVICE') returning id""")
                .param("username", "token-" + HexFormat.of().formatHex(bytes, 0, 6))
                .param("role", role.name()).param("name", name.strip()).param("hospital", hospitalId).param("now", now)
                .query(Long.class).single();
        long id = jdbc.sql("""
                        insert into api_token (name, token_hash, prefix, account_id, hospital_id, created_by, created_at, expires_at)
                        values (:name, :hash, :prefix, :account, :hospital, :by, :now, :expires) returning id""")
                .param("name", name.strip()).param("hash", hash(secret)).param("prefix", shown).param("account", accountId)
                .param("hospital", hospitalId).param("by", actor.username()).param("now", now)
                .param("expires", expiresAt == null ? null : OffsetDateTime.ofInstant(expiresAt, clock.getZone()))
                .query(Long.class).single();
        audit.record(actor.username(), "API_TOKEN_CREATED", "api-token:" + id, actor.source(), AuditLog.Outcome.SUCCESS,
                "hospital " + hospitalId + ", rôle : " + role.inWords(messages));
        return new Created(get(id), secret);
    }

    public List<Token> list() {
        return jdbc.sql(SELECT + " order by t.created_at desc, t.id desc").query(Token.class).list();
    }

    public Token get(long id) {
        return jdbc.sql(SELECT + " where t.id = :id").param("id", id).query(Token.class).optional()
                .orElseThrow(() -> new NotFoundException("token.notFound", "No API token " + id, String.valueOf(id)));
    }

    @Transactional
    public Token revoke(long id, Actor actor) {
        Token token = get(id);
        if (token.revokedAt() != null) {
            throw new ConflictException("revokedAt", "token.revoked", "API token " + id + " is already revoked");
        }
        jdbc.sql("update api_token set revoked_at = :now, revoked_by = :by where id = :id")
                .param("now", OffsetDateTime.now(clock)).param("by", actor.username()).param("id", id).update();
        audit.record(actor.username(), "API_TOKEN_REVOKED", "api-token:" + id, actor.source(), AuditLog.Outcome.SUCCESS, null);
        return get(id);
    }

    /** The account a presented token acts as, when the token is known, not revoked, not expired. */
    Optional<AccountPrincipal> authenticate(String secret) {
        if (!ours(secret)) {
            return Optional.empty();
        }
        OffsetDateTime now = OffsetDateTime.now(clock);
        record Match(long tokenId, long accountId) {}
        Optional<Match> match = jdbc.sql("""
                        select t.id as token_id, t.account_id from api_token t join app_user u on u.id = t.account_id
                        where t.token_hash = :hash and t.revoked_at is null and (t.expires_at is null or t.expires_at > :now)
                          and u.enabled""")
                .param("hash", hash(secret)).param("now", now).query(Match.class).optional();
        match.ifPresent(m -> jdbc.sql("""
                        update api_token set last_used_at = :now
                        where id = :id and (last_used_at is null or last_used_at < :stale)""")
                .param("now", now).param("stale", now.minus(LAST_USE_RESOLUTION)).param("id", m.tokenId()).update());
        return match.map(m -> jdbc.sql("""
                        select id, username, password_hash, role, hospital_id, display_name, enabled, false as locked
                        from app_user where id = :id""")
                .param("id", m.accountId()).query(AccountPrincipal.class).single());
    }

    /** A token we issued that no longer opens anything: whose it was and why. */
    record Unusable(long tokenId, String account, String why) {}

    /** For the audit trail of a refused token: the token it was, if we issued it. */
    Optional<Unusable> unusable(String secret) {
        if (!ours(secret)) {
            return Optional.empty();
        }
        return jdbc.sql("""
                        select t.id as token_id, u.username as account,
                               case when t.revoked_at is not null then 'revoked token'
                                    when t.expires_at <= :now then 'expired token' else 'token of a disabled account' end as why
                        from api_token t join app_user u on u.id = t.account_id where t.token_hash = :hash""")
                .param("hash", hash(secret)).param("now", OffsetDateTime.now(clock)).query(Unusable.class).optional();
    }

    private static final String SELECT = """
            select t.id, t.name, t.prefix, t.hospital_id, u.role, t.created_by, t.created_at, t.expires_at,
                   t.revoked_at, t.last_used_at
            from api_token t join app_user u on u.id = t.account_id""";

    /** Whether a presented secret has the shape of the tokens we issue (else no query is made for it). */
    private static boolean ours(String secret) {
        return secret != null && secret.startsWith(PREFIX) && secret.length() <= 100;
    }

    /** SHA-256 is enough for 256 random bits: nothing to guess, nothing to stretch. */
    private static byte[] hash(String secret) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
