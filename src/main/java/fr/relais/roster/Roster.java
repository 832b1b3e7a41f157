package fr.relais.roster;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What the worklist asks of the roster: who is on a seat now and which hospitals each may read
 * for. Small and stable on purpose; everything else of the roster stays behind it.
 */
@Component
public final class Roster {

    private record Row(long userId, String username, String displayName, long centerId, String centerName,
                       Long hospitalId) {}

    private final JdbcClient jdbc;
    private final PresenceService presence;
    private final CredentialService credentials;

    Roster(JdbcClient jdbc, PresenceService presence, CredentialService credentials) {
        this.jdbc = jdbc;
        this.presence = presence;
        this.credentials = credentials;
    }

    /** Whether the user holds an open presence (not checked out, shift not ended) at {@code now}. */
    public boolean isCheckedIn(long userId, Instant now) {
        return presence.isCheckedIn(userId, now);
    }

    /** The ids of the hospitals the user may read for; empty when none (or not a radiologist). */
    public Set<Long> authorisedHospitals(long userId) {
        return credentials.authorisedHospitals(userId);
    }

    /** Every radiologist on a seat at {@code now}, by center then arrival, with their authorised hospitals. */
    public List<OnDuty> onDuty(Instant now) {
        List<Row> rows = jdbc.sql("""
                select p.user_id, u.username, u.display_name, p.center_id, c.name as center_name, rh.hospital_id
                from seat_presence p
                join app_user u on u.id = p.user_id
                join reading_center c on c.id = p.center_id
                left join radiologist_hospital rh on rh.user_id = p.user_id
                where p.checked_out_at is null and p.shift_ends_at > :now
                order by c.name, p.checked_in_at, p.user_id""")
                .param("now", now.atOffset(ZoneOffset.UTC)).query(Row.class).list();
        Map<Long, Row> first = new LinkedHashMap<>();
        Map<Long, Set<Long>> hospitals = new LinkedHashMap<>();
        for (Row row : rows) {
            first.putIfAbsent(row.userId(), row);
            Set<Long> ids = hospitals.computeIfAbsent(row.userId(), k -> new TreeSet<>());
            if (row.hospitalId() != null) {
                ids.add(row.hospitalId());
            }
        }
        List<OnDuty> onDuty = new ArrayList<>();
        first.forEach((userId, r) -> onDuty.add(new OnDuty(userId, r.username(), r.displayName(), r.centerId(),
                r.centerName(), Set.copyOf(hospitals.get(userId)))));
        return onDuty;
    }
}
