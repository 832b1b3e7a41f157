package fr.relais.ops;

import fr.relais.worklist.StaffingRule;
import fr.relais.worklist.StaffingRule.Held;
import fr.relais.worklist.StaffingRule.OnDutyRadiologist;
import fr.relais.worklist.StaffingRule.Queued;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The common worklist and the seats taken now, given to {@link StaffingRule}: the READY exams with
 * their deadlines, the radiologists on a seat with the exams they hold, each with the catalogue's
 * reading minutes of its type.
 */
@Service
class StaffingService {

    /** An exam without a type in the catalogue (none should be READY) counts as a usual CT. */
    static final int UNKNOWN_TYPE_MINUTES = 15;

    private static final String READING_MINUTES = """
            coalesce((select t.reading_minutes from exam_request q join exam_type t on t.code = q.exam_type_code
                      where q.exam_id = e.id), %d)""".formatted(UNKNOWN_TYPE_MINUTES);

    private final JdbcClient jdbc;

    StaffingService(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    StaffingRule.Assessment assess(Instant now) {
        OffsetDateTime at = now.atOffset(ZoneOffset.UTC);
        List<Queued> queue = jdbc.sql("select e.deadline_at, " + READING_MINUTES
                        + " from exam e where e.state = 'READY' and e.deadline_at is not null")
                .query((rs, i) -> new Queued(rs.getObject(1, OffsetDateTime.class).toInstant(), rs.getInt(2)))
                .list();
        Map<Long, List<Held>> onDuty = new LinkedHashMap<>();
        jdbc.sql("""
                select p.user_id from seat_presence p
                where p.checked_out_at is null and p.shift_ends_at > :now""")
                .param("now", at).query(Long.class).list()
                .forEach(user -> onDuty.put(user, new ArrayList<>()));
        jdbc.sql("select e.claimed_by, e.claimed_at, " + READING_MINUTES
                        + " from exam e where e.state = 'IN_READING' and e.claimed_by is not null and e.claimed_at is not null")
                .query((rs, i) -> Map.entry(rs.getLong(1),
                        new Held(rs.getObject(2, OffsetDateTime.class).toInstant(), rs.getInt(3))))
                .list().forEach(h -> {
                    List<Held> holding = onDuty.get(h.getKey());
                    if (holding != null) {
                        holding.add(h.getValue());
                    }
                });
        List<OnDutyRadiologist> radiologists = onDuty.values().stream().map(OnDutyRadiologist::new).toList();
        return StaffingRule.assess(queue, radiologists, now);
    }
}
