package fr.relais.audit;

import fr.relais.platform.Actor;
import fr.relais.platform.InvalidInputException;
import fr.relais.platform.Zones;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpHeaders;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The audit trail for administrators: search (actor, action, object, period), a CSV export, and
 * the verification of the chain that `./relais audit verify` calls. Reading the trail is itself
 * audited.
 */
@RestController
@PreAuthorize("hasRole('ADMIN')")
class AuditApiController {

    record AuditEntry(long id, Long sequence, OffsetDateTime at, String actor, String role, Long hospitalId,
                      String action, String object, String source, String outcome, String detail) {}

    /**
     * What an administrator searches the trail by; every field optional. from and to: a day (the
     * page's date pickers, on the reading centers' clock; to includes its day) or an ISO 8601 time
     * with an offset.
     */
    record Filter(String actor, String action, String object, String hospital, String outcome, String from, String to) {}

    static final int MAX = 10_000;

    private final JdbcClient jdbc;
    private final AuditChain chain;
    private final AuditLog audit;
    private final Zones zones;

    AuditApiController(JdbcClient jdbc, AuditChain chain, AuditLog audit, Zones zones) {
        this.jdbc = jdbc;
        this.chain = chain;
        this.audit = audit;
        this.zones = zones;
    }

    /** Seals what is waiting, then checks the whole chain. */
    @PostMapping("/api/audit/verify")
    AuditChain.Verdict verify(Actor actor) {
        return verified(chain, audit, actor);
    }

    /** Seals, verifies, and records who asked and what was found. */
    static AuditChain.Verdict verified(AuditChain chain, AuditLog audit, Actor actor) {
        chain.seal();
        AuditChain.Verdict verdict = chain.verify();
        audit.record(actor.username(), "AUDIT_VERIFIED", null, actor.source(),
                verdict.intact() ? AuditLog.Outcome.SUCCESS : AuditLog.Outcome.FAILED,
                verdict.intact() ? verdict.sealed() + " entries" : "broken at " + verdict.brokenAtSequence());
        return verdict;
    }

    @GetMapping("/api/audit")
    List<AuditEntry> search(@RequestParam(required = false) String actor, @RequestParam(required = false) String action,
                            @RequestParam(required = false) String object, @RequestParam(required = false) String hospital,
                            @RequestParam(required = false) String outcome, @RequestParam(required = false) String from,
                            @RequestParam(required = false) String to, @RequestParam(defaultValue = "200") int limit,
                            Actor reader) {
        List<AuditEntry> found = query(jdbc, new Filter(actor, action, object, hospital, outcome, from, to), limit,
                zones.center());
        audit.record(reader.username(), "AUDIT_SEARCHED", null, reader.source(), AuditLog.Outcome.SUCCESS,
                found.size() + " entries");
        return found;
    }

    @GetMapping("/api/audit/export.csv")
    void export(@RequestParam(required = false) String actor, @RequestParam(required = false) String action,
                @RequestParam(required = false) String object, @RequestParam(required = false) String hospital,
                @RequestParam(required = false) String outcome, @RequestParam(required = false) String from,
                @RequestParam(required = false) String to, Actor reader, HttpServletResponse response) throws IOException {
        // Checked before anything is sent: a malformed filter is a problem detail, not a broken file.
        Where where = where(new Filter(actor, action, object, hospital, outcome, from, to), zones.center());
        response.setContentType("text/csv;charset=UTF-8");
        response.setHeader(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"audit.csv\"");
        // Every matching entry, however many: written page by page (newest first), never held at once.
        Writer csv = new BufferedWriter(new OutputStreamWriter(response.getOutputStream(), StandardCharsets.UTF_8));
        csv.write("id,sequence,at,actor,role,hospital_id,action,object,source,outcome,detail\n");
        long written = 0;
        Long before = null;
        while (true) {
            List<AuditEntry> page = query(jdbc, where, EXPORT_PAGE, before);
            for (AuditEntry e : page) {
                csv.write(e.id() + "," + (e.sequence() == null ? "" : e.sequence()) + "," + e.at() + "," + cell(e.actor())
                        + "," + cell(e.role()) + "," + (e.hospitalId() == null ? "" : e.hospitalId()) + ","
                        + cell(e.action()) + "," + cell(e.object()) + "," + cell(e.source()) + "," + cell(e.outcome())
                        + "," + cell(e.detail()) + "\n");
            }
            written += page.size();
            if (page.size() < EXPORT_PAGE) {
                break;
            }
            before = page.get(page.size() - 1).id();
        }
        csv.flush();
        audit.record(reader.username(), "AUDIT_EXPORTED", null, reader.source(), AuditLog.Outcome.SUCCESS,
                written + " entries");
    }

    private static final int EXPORT_PAGE = 5_000;

    static List<AuditEntry> query(JdbcClient jdbc, Filter f, int limit, ZoneId zone) {
        if (limit < 1 || limit > MAX) {
            throw new InvalidInputException("limit", "audit.limit.invalid", "limit va de 1 à {0}.", MAX);
        }
        return query(jdbc, where(f, zone), limit, null);
    }

    /** The actions the trail holds, each once: a loose scan of the action index, not of the trail. */
    static List<String> actionsRecorded(JdbcClient jdbc) {
        return jdbc.sql("""
                with recursive a (action) as (
                    (select action from audit_event order by action limit 1)
                    union all
                    select (select e.action from audit_event e where e.action > a.action order by e.action limit 1)
                    from a where a.action is not null)
                select action from a where action is not null""")
                .query(String.class).list();
    }

    /** A filter as SQL conditions and their parameters. */
    private record Where(String sql, Map<String, Object> params) {}

    /** The filter, checked (a malformed field is a problem detail), as SQL. */
    private static Where where(Filter f, ZoneId zone) {
        Map<String, Object> params = new LinkedHashMap<>();
        StringBuilder sql = new StringBuilder("select * from audit_event where true");
        filter(sql, params, "actor", f.actor());
        filter(sql, params, "action", f.action());
        filter(sql, params, "object", f.object());
        if (f.hospital() != null && !f.hospital().isBlank()) {
            if (!f.hospital().trim().matches("[0-9]{1,18}")) {
                throw new InvalidInputException("hospital", "audit.hospital.invalid", "Établissement inconnu : choisissez-le dans la liste.");
            }
            sql.append(" and hospital_id = :hospital");
            params.put("hospital", Long.parseLong(f.hospital().trim()));
        }
        if (f.outcome() != null && !f.outcome().isBlank()) {
            if (Arrays.stream(AuditLog.Outcome.values()).noneMatch(o -> o.name().equals(f.outcome().trim()))) {
                throw new InvalidInputException("outcome", "audit.outcome.invalid", "Résultat inconnu : choisissez-le dans la liste.");
            }
            filter(sql, params, "outcome", f.outcome());
        }
        if (f.from() != null && !f.from().isBlank()) {
            sql.append(" and at >= :from");
            params.put("from", time("from", f.from(), zone, false));
        }
        if (f.to() != null && !f.to().isBlank()) {
            sql.append(" and at < :to");
            params.put("to", time("to", f.to(), zone, true));
        }
        return new Where(sql.toString(), params);
    }

    /** The entries matching, newest first; {@code before}: only those of lower id (the next page). */
    private static List<AuditEntry> query(JdbcClient jdbc, Where where, int limit, Long before) {
        Map<String, Object> params = new LinkedHashMap<>(where.params());
        params.put("limit", limit);
        params.put("before", before == null ? Long.MAX_VALUE : before);
        return jdbc.sql(where.sql() + " and id < :before order by id desc limit :limit").params(params)
                .query((rs, n) -> new AuditEntry(rs.getLong("id"), (Long) rs.getObject("chain_seq"),
                        rs.getObject("at", OffsetDateTime.class), rs.getString("actor"), rs.getString("role"),
                        (Long) rs.getObject("hospital_id"), rs.getString("action"), rs.getString("object"),
                        rs.getString("source"), rs.getString("outcome"), rs.getString("detail")))
                .list();
    }

    private static void filter(StringBuilder sql, Map<String, Object> params, String column, String value) {
        if (value != null && !value.isBlank()) {
            if (value.length() > 200) {
                throw new InvalidInputException(column, "audit.filter.tooLong", "Filtre trop long : {0}.", column);
            }
            sql.append(" and ").append(column).append(" = :").append(column);
            params.put(column, value.trim());
        }
    }

    /** A day (its start, or for the end of a period the next day's start) in the zone, or an ISO 8601 time. */
    private static OffsetDateTime time(String field, String value, ZoneId zone, boolean end) {
        String v = value.trim();
        try {
            if (v.matches("[0-9]{4}-[0-9]{2}-[0-9]{2}")) {
                LocalDate day = LocalDate.parse(v);
                return (end ? day.plusDays(1) : day).atStartOfDay(zone).toOffsetDateTime();
            }
            return OffsetDateTime.parse(v);
        } catch (DateTimeParseException e) {
            throw new InvalidInputException(field, "audit.time.invalid." + field,
                    "Date invalide : choisissez-la dans le calendrier (aaaa-mm-jj), ou donnez une heure ISO 8601 avec son décalage.");
        }
    }

    /** A CSV cell: quoted when it holds a separator, a quote or a line break; formulas defused. */
    static String cell(String value) {
        if (value == null) {
            return "";
        }
        String v = value;
        if (!v.isEmpty() && "=+-@".indexOf(v.charAt(0)) >= 0) {
            v = "'" + v;
        }
        if (v.contains(",") || v.contains("\"") || v.contains("\n") || v.contains("\r")) {
            v = "\"" + v.replace("\"", "\"\"") + "\"";
        }
        return v;
    }
}
