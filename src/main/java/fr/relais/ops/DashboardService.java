package fr.relais.ops;

import fr.relais.ops.Dashboard.Breach;
import fr.relais.ops.Dashboard.Breakdown;
import fr.relais.ops.Dashboard.HourCount;
import fr.relais.ops.Dashboard.QueueLine;
import fr.relais.ops.Dashboard.RadiologistLoad;
import fr.relais.ops.Dashboard.Turnaround;
import fr.relais.platform.InvalidInputException;
import fr.relais.platform.Zones;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Tonight's figures, read from the transition clock: the queue (exam), the reports signed
 * (report, its turnaround from the first image), deadlines (exam, claim_event), seats (seat_presence).
 */
@Service
class DashboardService {

    static final List<String> CLASSES = List.of("VITAL", "AI_POSITIVE", "URGENT", "DEFERRABLE");
    private static final DateTimeFormatter HOUR = DateTimeFormatter.ofPattern("HH'h'");

    private final JdbcClient jdbc;
    private final OpsSettings settings;
    private final Clock clock;
    private final Zones zones;
    private final StaffingService staffing;
    private final OpsAlerts alerts;

    DashboardService(JdbcClient jdbc, OpsSettings settings, Clock clock, Zones zones, StaffingService staffing,
                     OpsAlerts alerts) {
        this.jdbc = jdbc;
        this.staffing = staffing;
        this.alerts = alerts;
        this.settings = settings;
        this.clock = clock;
        this.zones = zones;
    }

    private record Signed(long seconds, String priorityClass, String urgency, String examType, String hospital) {}

    Dashboard tonight() {
        Instant now = clock.instant();
        return between(settings.tonightSince(now, zones.center()), now);
    }

    /**
     * Tonight's figures, or, with {@code hours} (1 to 48), those of the last hours: a night seen
     * just after 20:00, a review the next morning.
     */
    Dashboard tonightOrLast(String hours) {
        if (hours == null) {
            return tonight();
        }
        int last = hours.matches("[0-9]{1,2}") ? Integer.parseInt(hours) : 0;
        if (last < 1 || last > 48) {
            throw new InvalidInputException("hours", "ops.dashboard.hours", "hours is a whole number from 1 to 48");
        }
        Instant now = clock.instant();
        return between(now.minus(Duration.ofHours(last)), now);
    }

    private Dashboard between(Instant since, Instant now) {
        OffsetDateTime nowParam = now.atOffset(ZoneOffset.UTC);
        OffsetDateTime sinceParam = since.atOffset(ZoneOffset.UTC);

        Map<String, QueueLine> queue = new LinkedHashMap<>();
        CLASSES.forEach(c -> queue.put(c, new QueueLine(c, 0, 0, 0, 0)));
        jdbc.sql("""
                select e.priority_class, count(*) as waiting,
                       extract(epoch from max(:now - e.ready_at)) / 60 as oldest,
                       extract(epoch from avg(:now - e.ready_at)) / 60 as mean,
                       count(*) filter (where e.deadline_at < :now) as late
                from exam e
                where e.state = 'READY' and e.priority_class is not null
                group by e.priority_class""")
                .param("now", nowParam)
                .query((rs, i) -> new QueueLine(rs.getString(1), rs.getLong(2), Math.max(0, rs.getDouble(3)),
                        Math.max(0, rs.getDouble(4)), rs.getLong(5)))
                .list().forEach(l -> queue.put(l.priorityClass(), l));
        long inReading = jdbc.sql("select count(*) from exam where state = 'IN_READING'").query(Long.class).single();

        List<Signed> signed = jdbc.sql("""
                select r.turnaround_seconds, e.priority_class, q.urgency, coalesce(q.exam_type_code, '?'), h.name
                from report r
                join exam e on e.id = r.exam_id
                join hospital h on h.id = e.hospital_id
                left join exam_request q on q.exam_id = e.id
                where r.state = 'SIGNED' and r.signed_at >= :since and r.signed_at <= :now
                  and r.turnaround_seconds is not null""")
                .param("since", sinceParam).param("now", nowParam)
                .query((rs, i) -> new Signed(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        rs.getString(5)))
                .list();

        List<Breach> breaches = jdbc.sql("""
                select e.priority_class,
                       count(*) filter (where coalesce(o.opened, :now) > e.deadline_at) as before_opened,
                       count(*) filter (where coalesce(r.signed_at, :now) > e.deadline_at) as before_signed
                from exam e
                left join lateral (select min(c.at) as opened from claim_event c
                                   where c.exam_id = e.id and c.action in ('CLAIMED', 'ASSIGNED')) o on true
                left join report r on r.exam_id = e.id and r.state = 'SIGNED'
                where e.deadline_at >= :since and e.deadline_at < :now and e.state <> 'CANCELLED'
                  and e.priority_class is not null
                group by e.priority_class""")
                .param("since", sinceParam).param("now", nowParam)
                .query((rs, i) -> new Breach(rs.getString(1), rs.getLong(2), rs.getLong(3)))
                .list();

        List<RadiologistLoad> radiologists = jdbc.sql("""
                select u.id, u.display_name, c.name, p.checked_in_at,
                       (select count(*) from exam e where e.claimed_by = u.id and e.state = 'IN_READING'),
                       (select count(*) from report r where r.signed_by = u.id and r.state = 'SIGNED'
                                                        and r.signed_at >= :since)
                from seat_presence p
                join app_user u on u.id = p.user_id
                join reading_center c on c.id = p.center_id
                where p.checked_out_at is null and p.shift_ends_at > :now
                order by c.name, u.display_name""")
                .param("since", sinceParam).param("now", nowParam)
                .query((rs, i) -> new RadiologistLoad(rs.getLong(1), rs.getString(2), rs.getString(3),
                        rs.getObject(4, OffsetDateTime.class).toInstant(), rs.getLong(5), rs.getLong(6)))
                .list();

        Map<String, List<Double>> opening = new TreeMap<>(java.util.Comparator.comparingInt(CLASSES::indexOf));
        jdbc.sql("""
                select e.priority_class, extract(epoch from (o.opened - e.ready_at)) / 60
                from exam e
                join lateral (select min(c.at) as opened from claim_event c
                              where c.exam_id = e.id and c.action in ('CLAIMED', 'ASSIGNED')) o on o.opened is not null
                where e.ready_at >= :since and e.ready_at <= :now and e.priority_class is not null""")
                .param("since", sinceParam).param("now", nowParam)
                .query((rs, i) -> Map.entry(rs.getString(1), Math.max(0, rs.getDouble(2))))
                .list().forEach(e -> opening.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(e.getValue()));
        List<Dashboard.OpenDelay> timeToOpen = opening.entrySet().stream()
                .map(e -> new Dashboard.OpenDelay(e.getKey(), e.getValue().size(),
                        orNull(Percentiles.mean(e.getValue().stream().mapToDouble(Double::doubleValue).toArray())),
                        orNull(Percentiles.of(e.getValue(), 0.9))))
                .toList();

        return new Dashboard(since, now, List.copyOf(queue.values()), inReading,
                turnaround(signed), byClass(signed), breakdown(signed, Signed::urgency),
                breakdown(signed, Signed::hospital), breakdown(signed, Signed::examType), timeToOpen, breaches, radiologists,
                perHour(since, now, sinceParam, nowParam), staffing.assess(now), alerts.open());
    }

    private List<HourCount> perHour(Instant since, Instant now, OffsetDateTime sinceParam, OffsetDateTime nowParam) {
        Map<LocalDateTime, long[]> hours = new TreeMap<>();
        LocalDateTime first = LocalDateTime.ofInstant(since, zones.center()).withMinute(0).withSecond(0).withNano(0);
        long count = Math.min(48, Duration.between(since, now).toHours() + 1);
        for (long h = 0; h < count; h++) {
            hours.put(first.plusHours(h), new long[2]);
        }
        String zone = zones.center().getId();
        jdbc.sql("""
                select date_trunc('hour', s.first_received_at at time zone :zone) as hour, count(*)
                from exam e join study s on s.id = e.study_id
                where s.first_received_at >= :since and s.first_received_at <= :now
                group by 1""")
                .param("zone", zone).param("since", sinceParam).param("now", nowParam)
                .query((rs, i) -> Map.entry(rs.getObject(1, LocalDateTime.class), rs.getLong(2)))
                .list().forEach(e -> hours.computeIfAbsent(e.getKey(), k -> new long[2])[0] = e.getValue());
        jdbc.sql("""
                select date_trunc('hour', r.signed_at at time zone :zone) as hour, count(*)
                from report r
                where r.state = 'SIGNED' and r.signed_at >= :since and r.signed_at <= :now
                group by 1""")
                .param("zone", zone).param("since", sinceParam).param("now", nowParam)
                .query((rs, i) -> Map.entry(rs.getObject(1, LocalDateTime.class), rs.getLong(2)))
                .list().forEach(e -> hours.computeIfAbsent(e.getKey(), k -> new long[2])[1] = e.getValue());
        List<HourCount> out = new ArrayList<>();
        hours.forEach((hour, n) -> out.add(new HourCount(HOUR.format(hour), n[0], n[1])));
        return out;
    }

    static Turnaround turnaround(List<Signed> signed) {
        double[] minutes = signed.stream().mapToDouble(s -> s.seconds() / 60.0).toArray();
        return new Turnaround(minutes.length, orNull(Percentiles.mean(minutes)), orNull(Percentiles.of(minutes, 0.5)),
                orNull(Percentiles.of(minutes, 0.9)));
    }

    private static Double orNull(double minutes) {
        return Double.isNaN(minutes) ? null : minutes;
    }

    private static List<Breakdown> byClass(List<Signed> signed) {
        return breakdown(signed, Signed::priorityClass).stream()
                .sorted(java.util.Comparator.comparingInt(b -> CLASSES.indexOf(b.key()))).toList();
    }

    private static List<Breakdown> breakdown(List<Signed> signed, Function<Signed, String> key) {
        Map<String, List<Signed>> groups = new TreeMap<>();
        for (Signed s : signed) {
            groups.computeIfAbsent(String.valueOf(key.apply(s)), k -> new ArrayList<>()).add(s);
        }
        return groups.entrySet().stream().map(e -> new Breakdown(e.getKey(), turnaround(e.getValue()))).toList();
    }
}
