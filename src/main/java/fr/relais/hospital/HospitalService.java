package fr.relais.hospital;

import fr.relais.audit.AuditLog;
import fr.relais.platform.Actor;
import fr.relais.platform.ConflictException;
import fr.relais.platform.NotFoundException;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The client hospitals and their calling AE titles (tables hospital, hospital_ae_title). */
@Service
public class HospitalService {

    private record Row(long id, String name, String finess, String timeZone, int retentionDays, OffsetDateTime createdAt) {}

    private record TitleRow(long hospitalId, String aeTitle) {}

    private record Holder(String aeTitle, long hospitalId, String hospitalName) {}

    private static final String SELECT_ROW = "select id, name, finess, time_zone, retention_days, created_at from hospital";

    private final JdbcClient jdbc;
    private final AuditLog audit;
    private final Clock clock;

    public HospitalService(JdbcClient jdbc, AuditLog audit, Clock clock) {
        this.jdbc = jdbc;
        this.audit = audit;
        this.clock = clock;
    }

    public List<Hospital> list() {
        List<Row> rows = jdbc.sql(SELECT_ROW + " order by name").query(Row.class).list();
        Map<Long, List<String>> titles = new LinkedHashMap<>();
        for (TitleRow t : jdbc.sql("select hospital_id, ae_title from hospital_ae_title order by ae_title")
                .query(TitleRow.class).list()) {
            titles.computeIfAbsent(t.hospitalId(), k -> new ArrayList<>()).add(t.aeTitle());
        }
        return rows.stream().map(r -> toHospital(r, titles.getOrDefault(r.id(), List.of()))).toList();
    }

    public Hospital get(long id) {
        return find(id).orElseThrow(() -> new NotFoundException("hospital.notFound", "No hospital " + id, String.valueOf(id)));
    }

    public Optional<Hospital> find(long id) {
        return jdbc.sql(SELECT_ROW + " where id = :id").param("id", id).query(Row.class).optional()
                .map(r -> toHospital(r, titlesOf(id)));
    }

    public Optional<Hospital> findByName(String name) {
        return jdbc.sql(SELECT_ROW + " where name = :name").param("name", name).query(Row.class).optional()
                .map(r -> toHospital(r, titlesOf(r.id())));
    }

    @Transactional
    public Hospital create(HospitalRequest request, Actor actor) {
        checkUnique(request, null);
        long id;
        try {
            id = jdbc.sql("""
                    insert into hospital (name, finess, time_zone, retention_days, created_at)
                    values (:name, :finess, :timeZone, :retentionDays, :at) returning id""")
                    .param("name", request.name())
                    .param("finess", request.finess())
                    .param("timeZone", request.timeZone())
                    .param("retentionDays", request.retentionDays())
                    .param("at", OffsetDateTime.now(clock))
                    .query(Long.class).single();
            insertTitles(id, request.aeTitles());
        } catch (DuplicateKeyException raced) {
            throw conflictFrom(raced, request);
        }
        audit.record(actor.username(), "HOSPITAL_CREATED", "hospital:" + id, actor.source(), AuditLog.Outcome.SUCCESS,
                "AE titles " + String.join(", ", request.aeTitles()));
        return get(id);
    }

    @Transactional
    public Hospital update(long id, HospitalRequest request, Actor actor) {
        get(id);
        checkUnique(request, id);
        try {
            jdbc.sql("""
                    update hospital set name = :name, finess = :finess, time_zone = :timeZone,
                                        retention_days = :retentionDays
                    where id = :id""")
                    .param("name", request.name())
                    .param("finess", request.finess())
                    .param("timeZone", request.timeZone())
                    .param("retentionDays", request.retentionDays())
                    .param("id", id)
                    .update();
            jdbc.sql("delete from hospital_ae_title where hospital_id = :id").param("id", id).update();
            insertTitles(id, request.aeTitles());
        } catch (DuplicateKeyException raced) {
            throw conflictFrom(raced, request);
        }
        audit.record(actor.username(), "HOSPITAL_UPDATED", "hospital:" + id, actor.source(), AuditLog.Outcome.SUCCESS,
                "AE titles " + String.join(", ", request.aeTitles()));
        return get(id);
    }

    /** Refused while studies, exams or accounts refer to the hospital: their history must stay whole. */
    @Transactional
    public void delete(long id, Actor actor) {
        Hospital hospital = get(id);
        try {
            jdbc.sql("delete from hospital where id = :id").param("id", id).update();
        } catch (DataIntegrityViolationException referenced) {
            throw new ConflictException(null, "hospital.delete.referenced",
                    "Hospital " + hospital.name() + " still has studies, exams or accounts", hospital.name());
        }
        audit.record(actor.username(), "HOSPITAL_DELETED", "hospital:" + id, actor.source(), AuditLog.Outcome.SUCCESS, null);
    }

    private void checkUnique(HospitalRequest request, Long self) {
        for (Holder holder : holdersOf(request.aeTitles())) {
            if (self == null || holder.hospitalId() != self) {
                throw new ConflictException("aeTitles", "hospital.aeTitle.taken",
                        "AE title " + holder.aeTitle() + " already belongs to " + holder.hospitalName(),
                        holder.aeTitle(), holder.hospitalName());
            }
        }
        jdbc.sql("select id, name from hospital where name = :name").param("name", request.name())
                .query((rs, n) -> rs.getLong("id")).optional()
                .filter(other -> !other.equals(self))
                .ifPresent(other -> {
                    throw new ConflictException("name", "hospital.name.taken",
                            "A hospital is already named " + request.name(), request.name());
                });
        jdbc.sql("select id, name from hospital where finess = :finess").param("finess", request.finess())
                .query((rs, n) -> new Holder(request.finess(), rs.getLong("id"), rs.getString("name"))).optional()
                .filter(other -> self == null || other.hospitalId() != self)
                .ifPresent(other -> {
                    throw new ConflictException("finess", "hospital.finess.taken",
                            "FINESS " + request.finess() + " is already " + other.hospitalName(),
                            request.finess(), other.hospitalName());
                });
    }

    private List<Holder> holdersOf(List<String> titles) {
        if (titles.isEmpty()) {
            return List.of();
        }
        return jdbc.sql("""
                select a.ae_title, h.id as hospital_id, h.name as hospital_name
                from hospital_ae_title a join hospital h on h.id = a.hospital_id
                where a.ae_title in (:titles) order by a.ae_title""")
                .param("titles", titles)
                .query(Holder.class).list();
    }

    /**
     * Another administrator saved the same value between our check and our insert. The failed
     * statement has aborted the transaction, so we cannot look up who holds it.
     */
    private static ConflictException conflictFrom(DuplicateKeyException raced, HospitalRequest request) {
        return new ConflictException(null, "hospital.duplicate",
                "Another hospital took this name, FINESS or AE title meanwhile", request.name());
    }

    private void insertTitles(long hospitalId, List<String> titles) {
        for (String title : titles) {
            jdbc.sql("insert into hospital_ae_title (ae_title, hospital_id) values (:title, :id)")
                    .param("title", title).param("id", hospitalId).update();
        }
    }

    private List<String> titlesOf(long id) {
        return jdbc.sql("select ae_title from hospital_ae_title where hospital_id = :id order by ae_title")
                .param("id", id).query(String.class).list();
    }

    private static Hospital toHospital(Row r, List<String> titles) {
        return new Hospital(r.id(), r.name(), r.finess(), r.timeZone(), r.retentionDays(), List.copyOf(titles), r.createdAt());
    }
}
