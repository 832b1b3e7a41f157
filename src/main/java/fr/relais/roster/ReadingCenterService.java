package fr.relais.roster;

import fr.relais.audit.AuditLog;
import fr.relais.platform.Actor;
import fr.relais.platform.ConflictException;
import fr.relais.platform.NotFoundException;
import fr.relais.platform.Zones;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;

/** The reading centers (table reading_center). */
@Service
public class ReadingCenterService {

    private static final String SELECT = "select id, name, seats, created_at from reading_center";

    private final JdbcClient jdbc;
    private final AuditLog audit;
    private final Clock clock;
    private final Zones zones;

    public ReadingCenterService(JdbcClient jdbc, AuditLog audit, Clock clock, Zones zones) {
        this.jdbc = jdbc;
        this.audit = audit;
        this.clock = clock;
        this.zones = zones;
    }

    public List<ReadingCenter> list() {
        return jdbc.sql(SELECT + " order by name").query(ReadingCenter.class).list();
    }

    public ReadingCenter get(long id) {
        return jdbc.sql(SELECT + " where id = :id").param("id", id).query(ReadingCenter.class).optional()
                .orElseThrow(() -> new NotFoundException("center.notFound", "No reading center " + id, String.valueOf(id)));
    }

    public Optional<ReadingCenter> findByName(String name) {
        return jdbc.sql(SELECT + " where name = :name").param("name", name).query(ReadingCenter.class).optional();
    }

    @Transactional
    public ReadingCenter create(ReadingCenterRequest request, Actor actor) {
        checkNameFree(request.name(), null);
        long id;
        try {
            // A new center's nights run on the centers' clock until an administrator gives it its own.
            id = jdbc.sql("""
                    insert into reading_center (name, seats, time_zone, created_at) values (:name, :seats, :zone, :at)
                    returning id""")
                    .param("name", request.name()).param("zone", zones.center().getId())
                    .param("seats", request.seats())
                    .param("at", OffsetDateTime.now(clock))
                    .query(Long.class).single();
        } catch (DuplicateKeyException raced) {
            throw nameTaken(request.name());
        }
        audit.record(actor.username(), "CENTER_CREATED", "center:" + id, actor.source(), AuditLog.Outcome.SUCCESS,
                request.seats() + " seats");
        return get(id);
    }

    @Transactional
    public ReadingCenter update(long id, ReadingCenterRequest request, Actor actor) {
        get(id);
        checkNameFree(request.name(), id);
        try {
            jdbc.sql("update reading_center set name = :name, seats = :seats where id = :id")
                    .param("name", request.name()).param("seats", request.seats()).param("id", id).update();
        } catch (DuplicateKeyException raced) {
            throw nameTaken(request.name());
        }
        audit.record(actor.username(), "CENTER_UPDATED", "center:" + id, actor.source(), AuditLog.Outcome.SUCCESS,
                request.seats() + " seats");
        return get(id);
    }

    @Transactional
    public void delete(long id, Actor actor) {
        ReadingCenter center = get(id);
        try {
            jdbc.sql("delete from reading_center where id = :id").param("id", id).update();
        } catch (DataIntegrityViolationException referenced) {
            throw new ConflictException(null, "center.delete.referenced",
                    "Reading center " + center.name() + " is still referred to", center.name());
        }
        audit.record(actor.username(), "CENTER_DELETED", "center:" + id, actor.source(), AuditLog.Outcome.SUCCESS, null);
    }

    private void checkNameFree(String name, Long self) {
        findByName(name).filter(other -> self == null || other.id() != self).ifPresent(other -> {
            throw nameTaken(name);
        });
    }

    private static ConflictException nameTaken(String name) {
        return new ConflictException("name", "center.name.taken", "A reading center is already named " + name, name);
    }
}
