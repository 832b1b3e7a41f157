package fr.relais.audit;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

import java.time.Clock;
import java.time.OffsetDateTime;

/**
 * The one audit call. Entries carry internal ids, never patient data, the role of their actor as it
 * is when the entry is written, and the hospital the entry concerns: the exam's, the study's or the
 * hospital itself when the object is one (so that a hospital's data can be followed whoever read
 * it), else the actor's.
 * The table is append-only and the entries are hash-chained by {@link AuditChain}.
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

    /** Writes one entry; returns its id (for a row that must name the entry it was recorded in). */
    public long record(String actor, String action, String object, String source, Outcome outcome, String detail) {
        return jdbc.sql("""
                insert into audit_event (at, actor, action, object, source, outcome, detail, role, hospital_id)
                values (:at, :actor, :action, :object, :source, :outcome, :detail,
                        (select role from app_user where username = :actor),
                        coalesce((select hospital_id from exam where id = :exam), (select hospital_id from study where id = :study),
                                 (select id from hospital where id = :hospital),
                                 (select hospital_id from app_user where username = :actor)))
                returning id""")
                .param("at", OffsetDateTime.now(clock))
                .param("actor", actor)
                .param("action", action)
                .param("object", object)
                .param("source", source)
                .param("outcome", outcome.name())
                .param("detail", detail)
                .param("exam", idOf(object, "exam:"))
                .param("study", idOf(object, "study:"))
                .param("hospital", idOf(object, "hospital:"))
                .query(Long.class)
                .single();
    }

    /** The id of an object named "kind:id", when it is of that kind. */
    private static Long idOf(String object, String kind) {
        if (object == null || !object.startsWith(kind) || !object.substring(kind.length()).matches("[0-9]{1,18}")) {
            return null;
        }
        return Long.parseLong(object.substring(kind.length()));
    }
}
