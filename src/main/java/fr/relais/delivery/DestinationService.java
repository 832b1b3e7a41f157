package fr.relais.delivery;

import fr.relais.audit.AuditLog;
import fr.relais.exam.ExamLifecycle;
import fr.relais.hospital.HospitalService;
import fr.relais.platform.Actor;
import fr.relais.platform.NotFoundException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

import java.time.Clock;
import java.util.List;

/** The hospitals' report destinations: declared by administrators, audited. */
@Service
public class DestinationService {

    private final JdbcClient jdbc;
    private final HospitalService hospitals;
    private final AuditLog audit;
    private final Clock clock;

    DestinationService(JdbcClient jdbc, HospitalService hospitals, AuditLog audit, Clock clock) {
        this.jdbc = jdbc;
        this.hospitals = hospitals;
        this.audit = audit;
        this.clock = clock;
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
                AuditLog.Outcome.SUCCESS, request.kind() + " " + request.host() + ":" + request.port());
        return get(hospitalId, id);
    }

    /** A destination with deliveries is disabled rather than removed: their history stays. */
    public void remove(long hospitalId, long id, Actor actor) {
        get(hospitalId, id);
        boolean used = jdbc.sql("select exists (select 1 from report_delivery where destination_id = :id)")
                .param("id", id).query(Boolean.class).single();
        if (used) {
            jdbc.sql("update report_destination set enabled = false where id = :id").param("id", id).update();
        } else {
            jdbc.sql("delete from report_destination where id = :id").param("id", id).update();
        }
        audit.record(actor.username(), used ? "DESTINATION_DISABLED" : "DESTINATION_REMOVED", "hospital:" + hospitalId,
                actor.source(), AuditLog.Outcome.SUCCESS, "destination " + id);
    }

    private Destination get(long hospitalId, long id) {
        return of(hospitalId).stream().filter(d -> d.id() == id).findFirst()
                .orElseThrow(() -> new NotFoundException("destination.notFound", "Destination introuvable."));
    }
}
