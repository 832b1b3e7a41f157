package fr.relais.audit;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

import java.time.Clock;
import java.time.OffsetDateTime;

/**
 * The one audit call. Entries carry internal ids, never patient data, and the role and hospital of
 * their actor as they are when the entry is written. The table is append-only and the entries are
 * hash-chained by {@link AuditChain}.
 */
@Service
public class AuditLog {

    public enum Outcome { SUCCESS, REJECTED, FAILED }

    private final JdbcClient jdbc;
    private final Clock clock;

    public AuditLog(JdbcClient jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    public void record(String actor, String action, String object, String source, Outcome outcome, String detail) {
        jdbc.sql("""
                insert into audit_event (at, actor, action, object, source, outcome, detail, role, hospital_id)
                values (:at, :actor, :action, :object, :source, :outcome, :detail,
                        (select role from app_user where username = :actor),
                        (select hospital_id from app_user where username = :actor))""")
                .param("at", OffsetDateTime.now(clock))
                .param("actor", actor)
                .param("action", action)
                .param("object", object)
                .param("source", source)
                .param("outcome", outcome.name())
                .param("detail", detail)
                .update();
    }
}
