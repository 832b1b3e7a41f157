package fr.relais.delivery;

import fr.relais.audit.AuditLog;
import fr.relais.exam.ExamLifecycle;
import fr.relais.hospital.HospitalService;
import fr.relais.platform.Actor;
import fr.relais.platform.InvalidInputException;
import fr.relais.platform.NotFoundException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

import org.springframework.transaction.support.TransactionTemplate;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/** The hospitals' report destinations: declared by administrators, audited. */
@Service
public class DestinationService {

    private final JdbcClient jdbc;
    private final HospitalService hospitals;
    private final AuditLog audit;
    private final Clock clock;
    private final DeliveryOutbox outbox;
    private final DeliveryService deliveries;
    private final TransactionTemplate tx;

    DestinationService(JdbcClient jdbc, HospitalService hospitals, AuditLog audit, Clock clock, DeliveryOutbox outbox,
                       DeliveryService deliveries, TransactionTemplate tx) {
        this.outbox = outbox;
        this.deliveries = deliveries;
        this.tx = tx;
        this.jdbc = jdbc;
        this.hospitals = hospitals;
        this.audit = audit;
        this.clock = clock;
    }

    /** Every hospital's destinations, for the administrators' page: by hospital, then as added. */
    public List<Destination> all() {
        return jdbc.sql("select * from report_destination order by hospital_id, id")
                .query((rs, n) -> new Destination(rs.getLong("id"), rs.getLong("hospital_id"),
                        Destination.Kind.valueOf(rs.getString("kind")), rs.getString("label"), rs.getString("host"),
                        rs.getInt("port"), rs.getString("remote_name"), rs.getBoolean("enabled")))
                .list();
    }

    public List<Destination> of(long hospitalId) {
        hospitals.get(hospitalId);
        return jdbc.sql("select * from report_destination where hospital_id = :h order by id")
                .param("h", hospitalId)
                .query((rs, n) -> new Destination(rs.getLong("id"), rs.getLong("hospital_id"),
                        Destination.Kind.valueOf(rs.getString("kind")), rs.getString("label"), rs.getString("host"),
                        rs.getInt("port"), rs.getString("remote_name"), rs.getBoolean("enabled")))
                .list();
    }

    public Destination add(long hospitalId, DestinationRequest request, Actor actor) {
        hospitals.get(hospitalId);
        long id = jdbc.sql("""
                insert into report_destination (hospital_id, kind, label, host, port, remote_name, enabled, created_at)
                values (:h, :kind, :label, :host, :port, :remote, :enabled, :now) returning id""")
                .param("h", hospitalId).param("kind", request.kind().name()).param("label", request.label().trim())
                .param("host", request.host()).param("port", request.port()).param("remote", request.remoteName().trim())
                .param("enabled", request.enabled() == null || request.enabled())
                .param("now", ExamLifecycle.utc(clock.instant()))
                .query(Long.class).single();
        audit.record(actor.username(), "DESTINATION_ADDED", "hospital:" + hospitalId, actor.source(),
                AuditLog.Outcome.SUCCESS, "destination " + id + ": " + (request.kind() == Destination.Kind.DICOM_STORE ? "PACS " : "RIS ")
                        + request.host() + ":" + request.port() + " " + request.remoteName().trim());
        return get(hospitalId, id);
    }

    /**
     * A destination's address and names corrected: what it still owes goes to the new address. Its
     * kind stays (a RIS does not become a PACS; such a change is a new destination).
     */
    public Destination update(long hospitalId, long id, DestinationRequest request, Actor actor) {
        tx.executeWithoutResult(status -> {
            Destination before = get(hospitalId, id);
            lock(hospitalId, id);
            if (request.kind() != null && request.kind() != before.kind()) {
                throw new InvalidInputException("kind", "destination.kind.fixed",
                        "Le type d’une destination ne change pas : ajoutez-en une nouvelle.");
            }
            jdbc.sql("update report_destination set label = :label, host = :host, port = :port, remote_name = :remote where id = :id")
                    .param("id", id).param("label", request.label().trim()).param("host", request.host())
                    .param("port", request.port()).param("remote", request.remoteName().trim()).update();
            audit.record(actor.username(), "DESTINATION_UPDATED", "hospital:" + hospitalId, actor.source(),
                    AuditLog.Outcome.SUCCESS, "destination " + id + ": " + before.host() + ":" + before.port() + " "
                            + before.remoteName() + " -> " + request.host() + ":" + request.port() + " " + request.remoteName().trim());
        });
        return get(hospitalId, id);
    }

    /**
     * A destination with deliveries is disabled rather than removed: their history stays.
     * Returns whether it was removed (false: disabled).
     */
    public boolean remove(long hospitalId, long id, Actor actor) {
        return Boolean.TRUE.equals(tx.execute(status -> {
            lock(hospitalId, id);
            boolean used = jdbc.sql("select exists (select 1 from report_delivery where destination_id = :id)")
                    .param("id", id).query(Boolean.class).single();
            if (used) {
                close(hospitalId, id, actor);
                return false;
            }
            jdbc.sql("delete from report_destination where id = :id").param("id", id).update();
            audit.record(actor.username(), "DESTINATION_REMOVED", "hospital:" + hospitalId, actor.source(),
                    AuditLog.Outcome.SUCCESS, "destination " + id);
            return true;
        }));
    }

    /**
     * The destination receives nothing more: in one transaction it is disabled and every delivery
     * it still owes ends CANCELLED, saying who and when (a send in flight keeps only its answer).
     */
    public void disable(long hospitalId, long id, Actor actor) {
        tx.executeWithoutResult(status -> {
            if (lock(hospitalId, id)) {
                close(hospitalId, id, actor);
            }
        });
    }

    /** Enabled again: it gets what is signed from now on; what was cancelled stays so until a coordinator sends it again. */
    public void enable(long hospitalId, long id, Actor actor) {
        tx.executeWithoutResult(status -> {
            if (!lock(hospitalId, id)) {
                jdbc.sql("""
                        update report_destination set enabled = true, enabled_since = :now, disabled_at = null, disabled_by = null
                        where id = :id""").param("id", id).param("now", ExamLifecycle.utc(clock.instant())).update();
                audit.record(actor.username(), "DESTINATION_ENABLED", "hospital:" + hospitalId, actor.source(),
                        AuditLog.Outcome.SUCCESS, "destination " + id);
            }
        });
    }

    /** Locks the destination's row against senders enqueueing to it; returns whether it is enabled. */
    private boolean lock(long hospitalId, long id) {
        return jdbc.sql("select enabled from report_destination where id = :id and hospital_id = :h for update")
                .param("id", id).param("h", hospitalId).query(Boolean.class).optional()
                .orElseThrow(() -> new NotFoundException("destination.notFound", "Destination introuvable."));
    }

    private void close(long hospitalId, long id, Actor actor) {
        Instant now = clock.instant();
        jdbc.sql("update report_destination set enabled = false, disabled_at = :now, disabled_by = :by where id = :id")
                .param("id", id).param("now", ExamLifecycle.utc(now)).param("by", actor.username()).update();
        String reason = "destination disabled by " + actor.username() + " at " + now.truncatedTo(ChronoUnit.SECONDS);
        List<DeliveryOutbox.Cancelled> cancelled = outbox.cancelFor(id, actor.username(), reason, now);
        audit.record(actor.username(), "DESTINATION_DISABLED", "hospital:" + hospitalId, actor.source(),
                AuditLog.Outcome.SUCCESS, "destination " + id + ", " + cancelled.size() + " deliveries cancelled");
        deliveries.cancelled(cancelled, actor.username(), actor.source(), reason);
    }

    /** Whether the destination answers (a C-ECHO, an HL7 network management message): nothing is filed there. */
    public DeliveryService.ConnectionTest test(long hospitalId, long id, Actor actor) {
        return deliveries.test(get(hospitalId, id), actor.username(), actor.source());
    }

    public Destination get(long hospitalId, long id) {
        return of(hospitalId).stream().filter(d -> d.id() == id).findFirst()
                .orElseThrow(() -> new NotFoundException("destination.notFound", "Destination introuvable."));
    }
}
