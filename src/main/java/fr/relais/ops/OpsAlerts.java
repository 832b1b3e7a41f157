package fr.relais.ops;

import com.fasterxml.jackson.databind.ObjectMapper;
import fr.relais.delivery.DeliveryService;
import fr.relais.ops.OpsAlert.Kind;
import fr.relais.platform.Moments;
import fr.relais.worklist.StaffingRule;
import fr.relais.worklist.WorklistService;
import org.springframework.context.MessageSource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Trouble coming, checked every {@code relais.ops.alert-check-millis}: the queue will breach (the
 * staffing rule), a hospital that usually sends has gone silent, deliveries are in alarm. A
 * condition is raised once and stays one alert (a row of ops_alert, unique while open) until it
 * clears, so a lasting condition sends one webhook, not one per check. Raising or clearing one tells
 * the coordinators' live pages.
 */
@Service
class OpsAlerts {

    private static final String SELECT = """
            select a.id, a.kind, a.hospital_id, h.name, a.figure, a.since, a.raised_at
            from ops_alert a left join hospital h on h.id = a.hospital_id""";

    private final JdbcClient jdbc;
    private final StaffingService staffing;
    private final DeliveryService deliveries;
    private final WorklistService worklist;
    private final OpsSettings settings;
    private final MessageSource messages;
    private final Moments moments;
    private final TransactionTemplate tx;
    private final Clock clock;
    private final AlertWebhook webhook;

    OpsAlerts(JdbcClient jdbc, StaffingService staffing, DeliveryService deliveries, WorklistService worklist,
              OpsSettings settings, MessageSource messages, Moments moments, TransactionTemplate tx, Clock clock,
              ObjectMapper json) {
        this.jdbc = jdbc;
        this.staffing = staffing;
        this.deliveries = deliveries;
        this.worklist = worklist;
        this.settings = settings;
        this.messages = messages;
        this.moments = moments;
        this.tx = tx;
        this.clock = clock;
        this.webhook = settings.alertWebhook() == null ? null
                : new AlertWebhook(settings.alertWebhook(), settings.alertWebhookTimeout(), json);
    }

    @Scheduled(fixedDelayString = "${relais.ops.alert-check-millis:30000}",
            initialDelayString = "${relais.ops.alert-first-check-millis:30000}")
    void scheduled() {
        check();
    }

    /** One check of every condition, then the webhook for the alerts not yet sent; how many were raised. */
    int check() {
        Instant now = clock.instant();
        int raised = 0;
        boolean changed = false;

        StaffingRule.Assessment a = staffing.assess(now);
        if (a.understaffed()) {
            raised += raise(Kind.UNDERSTAFFED, null, (long) a.toCall(), null, now);
        }
        changed |= clear(Kind.UNDERSTAFFED, a.understaffed() ? List.of(0L) : List.of(), now);

        Map<Long, Instant> silent = new LinkedHashMap<>();
        jdbc.sql("""
                select s.hospital_id, max(s.last_received_at) from study s
                where s.first_received_at >= :from
                group by s.hospital_id
                having count(*) >= :usual and max(s.last_received_at) < :silentSince""")
                .param("from", utc(now.minus(settings.intakeLookback())))
                .param("usual", settings.intakeUsualStudies())
                .param("silentSince", utc(now.minus(settings.intakeSilence())))
                .query((rs, i) -> Map.entry(rs.getLong(1), rs.getObject(2, OffsetDateTime.class).toInstant()))
                .list().forEach(e -> silent.put(e.getKey(), e.getValue()));
        for (Map.Entry<Long, Instant> s : silent.entrySet()) {
            raised += raise(Kind.INTAKE_STOPPED, s.getKey(), null, s.getValue(), now);
        }
        changed |= clear(Kind.INTAKE_STOPPED, List.copyOf(silent.keySet()), now);

        int alarms = deliveries.alarms();
        if (alarms > 0) {
            raised += raise(Kind.DELIVERY_FAILING, null, (long) alarms, null, now);
        }
        changed |= clear(Kind.DELIVERY_FAILING, alarms > 0 ? List.of(0L) : List.of(), now);

        if (raised > 0 || changed) {
            worklist.notifyCoordinators("alert");
        }
        if (webhook != null) {
            sendPending();
        }
        return raised;
    }

    /** Opens the alert unless it is open already, whose figure is then brought up to date. 1 when raised. */
    private int raise(Kind kind, Long hospitalId, Long figure, Instant since, Instant now) {
        int inserted = jdbc.sql("""
                insert into ops_alert (kind, hospital_id, figure, since, raised_at)
                values (:kind, :hospital, :figure, :since, :now)
                on conflict do nothing""")
                .param("kind", kind.name()).param("hospital", hospitalId).param("figure", figure)
                .param("since", since == null ? null : utc(since)).param("now", utc(now)).update();
        if (inserted == 0) {
            jdbc.sql("""
                    update ops_alert set figure = :figure
                    where kind = :kind and coalesce(hospital_id, 0) = :hospital and cleared_at is null""")
                    .param("figure", figure).param("kind", kind.name())
                    .param("hospital", hospitalId == null ? 0L : hospitalId).update();
        }
        return inserted;
    }

    /** Clears the open alerts of a kind whose hospital (0: none) is not among those still holding. */
    private boolean clear(Kind kind, List<Long> holding, Instant now) {
        return jdbc.sql("""
                update ops_alert set cleared_at = :now
                where kind = :kind and cleared_at is null and not (coalesce(hospital_id, 0) = any (string_to_array(:holding, ',')::bigint[]))""")
                .param("now", utc(now)).param("kind", kind.name())
                .param("holding", String.join(",", holding.stream().map(String::valueOf).toList()))
                .update() > 0;
    }

    /** The alerts open now, oldest first. */
    List<OpsAlert> open() {
        return jdbc.sql(SELECT + " where a.cleared_at is null order by a.raised_at, a.id")
                .query((rs, i) -> alert(rs)).list();
    }

    /** The alert's sentence, in French unless told otherwise: the page's words, the webhook's text. */
    String text(OpsAlert alert, Locale locale) {
        return messages.getMessage(alert.messageKey(), new Object[] {
                alert.figure(), alert.hospitalName(), moments.time(alert.since())}, locale);
    }

    /** Open alerts not yet accepted by the webhook, each locked while it is posted (several instances). */
    private void sendPending() {
        List<Long> pending = jdbc.sql("select id from ops_alert where notified_at is null and cleared_at is null order by id")
                .query(Long.class).list();
        for (long id : pending) {
            tx.executeWithoutResult(status -> {
                List<OpsAlert> locked = jdbc.sql(SELECT + " where a.id = :id and a.notified_at is null for update of a skip locked")
                        .param("id", id).query((rs, i) -> alert(rs)).list();
                for (OpsAlert alert : locked) {
                    boolean sent = webhook.post(body(alert));
                    jdbc.sql("""
                            update ops_alert set notify_attempts = notify_attempts + 1,
                                   notified_at = case when :sent then :now end
                            where id = :id""")
                            .param("sent", sent).param("now", utc(clock.instant())).param("id", id).update();
                }
            });
        }
    }

    private Map<String, Object> body(OpsAlert alert) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("alert", alert.kind().name().toLowerCase(Locale.ROOT).replace('_', '-'));
        body.put("text", text(alert, Locale.FRENCH));
        body.put("raisedAt", alert.raisedAt().toString());
        if (alert.hospitalName() != null) {
            body.put("hospital", alert.hospitalName());
        }
        if (alert.since() != null) {
            body.put("lastImagesAt", alert.since().toString());
        }
        if (alert.kind() == Kind.UNDERSTAFFED) {
            body.put("radiologistsToCall", alert.figure());
        }
        if (alert.kind() == Kind.DELIVERY_FAILING) {
            body.put("deliveriesInAlarm", alert.figure());
        }
        body.put("page", "/coordination/dashboard");
        return body;
    }

    private static OpsAlert alert(java.sql.ResultSet rs) throws java.sql.SQLException {
        OffsetDateTime since = rs.getObject(6, OffsetDateTime.class);
        return new OpsAlert(rs.getLong(1), Kind.valueOf(rs.getString(2)), (Long) rs.getObject(3), rs.getString(4),
                (Long) rs.getObject(5), since == null ? null : since.toInstant(),
                rs.getObject(7, OffsetDateTime.class).toInstant());
    }

    private static OffsetDateTime utc(Instant at) {
        return at.atOffset(ZoneOffset.UTC);
    }
}
