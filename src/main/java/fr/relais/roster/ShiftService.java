package fr.relais.roster;

import fr.relais.audit.AuditLog;
import fr.relais.platform.Actor;
import fr.relais.platform.ConflictException;
import fr.relais.platform.ForbiddenException;
import fr.relais.platform.InvalidInputException;
import fr.relais.platform.NotFoundException;
import fr.relais.security.Account;
import fr.relais.security.AccountService;
import fr.relais.security.Role;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import java.time.Clock;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The planning of the night shifts (table planned_shift): radiologists put their names down for a
 * seat of a center on a night, and withdraw them before the night starts; administrators plan
 * anyone, over-booking included, and see the gaps and over-bookings of the month.
 */
@Service
public class ShiftService {

    private static final String SELECT = """
            select s.id, s.center_id, c.name as center_name, s.night_date as night, s.seat, s.user_id, u.username,
                   u.display_name, s.starts_at, s.ends_at
            from planned_shift s join reading_center c on c.id = s.center_id join app_user u on u.id = s.user_id""";

    private record CenterRow(long id, String name, int seats, String timeZone, LocalTime nightStarts,
                             LocalTime nightEnds) {
        NightHours hours() {
            return new NightHours(timeZone, nightStarts, nightEnds);
        }
    }

    private final JdbcClient jdbc;
    private final AccountService accounts;
    private final AuditLog audit;
    private final Clock clock;

    public ShiftService(JdbcClient jdbc, AccountService accounts, AuditLog audit, Clock clock) {
        this.jdbc = jdbc;
        this.accounts = accounts;
        this.audit = audit;
        this.clock = clock;
    }

    /**
     * Every center's nights of the month with who is down, and the month's problems: gaps of the
     * nights not over yet, over-bookings, a radiologist down twice a night.
     */
    public ShiftCalendar month(YearMonth month) {
        List<PlannedShift> planned = jdbc.sql(SELECT + """
                 where s.withdrawn_at is null and s.night_date between :first and :last
                order by s.night_date, c.name, s.seat, s.id""")
                .param("first", month.atDay(1)).param("last", month.atEndOfMonth()).query(PlannedShift.class).list();
        Map<Long, Map<LocalDate, List<PlannedShift>>> byCenter = new HashMap<>();
        for (PlannedShift p : planned) {
            byCenter.computeIfAbsent(p.centerId(), k -> new HashMap<>())
                    .computeIfAbsent(p.night(), k -> new ArrayList<>()).add(p);
        }
        List<ShiftCalendar.CenterMonth> centers = new ArrayList<>();
        List<ShiftCalendar.Problem> problems = new ArrayList<>();
        for (CenterRow c : centers()) {
            List<ShiftCalendar.Night> nights = new ArrayList<>();
            for (LocalDate night = month.atDay(1); !night.isAfter(month.atEndOfMonth()); night = night.plusDays(1)) {
                List<PlannedShift> down = byCenter.getOrDefault(c.id(), Map.of()).getOrDefault(night, List.of());
                int gaps = Math.max(0, c.seats() - down.size());
                boolean overbooked = down.size() > c.seats();
                nights.add(new ShiftCalendar.Night(night, List.copyOf(down), gaps, overbooked));
                // A night over is history: its empty seats are no longer a problem to fix.
                if (gaps > 0 && c.hours().end(night).toInstant().isAfter(clock.instant())) {
                    problems.add(new ShiftCalendar.Problem(ShiftCalendar.Problem.Kind.GAP, night, c.id(), c.name(),
                            null, null, gaps));
                }
                if (overbooked) {
                    problems.add(new ShiftCalendar.Problem(ShiftCalendar.Problem.Kind.OVERBOOKED, night, c.id(),
                            c.name(), null, null, down.size() - c.seats()));
                }
            }
            centers.add(new ShiftCalendar.CenterMonth(c.id(), c.name(), c.seats(), c.hours(), nights));
        }
        Map<LocalDate, Map<Long, List<PlannedShift>>> byNightAndUser = planned.stream().collect(Collectors.groupingBy(
                PlannedShift::night, LinkedHashMap::new, Collectors.groupingBy(PlannedShift::userId)));
        byNightAndUser.forEach((night, users) -> users.values().stream().filter(l -> l.size() > 1).forEach(l ->
                problems.add(new ShiftCalendar.Problem(ShiftCalendar.Problem.Kind.TWICE, night, null,
                        l.stream().map(PlannedShift::centerName).distinct().collect(Collectors.joining(", ")),
                        l.get(0).userId(), l.get(0).displayName(), l.size()))));
        problems.sort(java.util.Comparator.comparing(ShiftCalendar.Problem::night)
                .thenComparing(p -> p.kind().ordinal()));
        return new ShiftCalendar(month, centers, problems);
    }

    /** The radiologist's own shifts still to come, by start. */
    public List<PlannedShift> upcoming(long userId) {
        return jdbc.sql(SELECT + " where s.withdrawn_at is null and s.user_id = :u and s.ends_at > :now order by s.starts_at")
                .param("u", userId).param("now", at(clock.instant())).query(PlannedShift.class).list();
    }

    public PlannedShift get(long id) {
        return jdbc.sql(SELECT + " where s.id = :id and s.withdrawn_at is null").param("id", id)
                .query(PlannedShift.class).optional()
                .orElseThrow(() -> new NotFoundException("shift.unknown", "no planned shift " + id, id));
    }

    /**
     * The radiologist puts their own name down for the center's night: on a free seat, once a
     * night, before the night starts. The center's row is locked so that two radiologists never
     * take its last seat together.
     */
    @Transactional
    public PlannedShift signUp(long userId, long centerId, LocalDate night, Actor actor) {
        return plan(userId, centerId, night, false, actor);
    }

    /** An administrator plans a radiologist: over-booking allowed, and shown as such in the calendar. */
    @Transactional
    public PlannedShift assign(long userId, long centerId, LocalDate night, Actor actor) {
        return plan(userId, centerId, night, true, actor);
    }

    private PlannedShift plan(long userId, long centerId, LocalDate night, boolean mayOverbook, Actor actor) {
        if (night == null) {
            throw new InvalidInputException("night", "shift.night.required", "give the night's date");
        }
        Account account = accounts.get(userId);
        if (account.role() != Role.RADIOLOGIST) {
            throw new ConflictException("userId", "presence.notRadiologist", "Only radiologists take a reading seat",
                    account.username());
        }
        CenterRow center = jdbc.sql("""
                select id, name, seats, time_zone, night_starts, night_ends from reading_center where id = :id for update""")
                .param("id", centerId).query(CenterRow.class).optional()
                .orElseThrow(() -> new InvalidInputException("centerId", "presence.center.unknown",
                        "No reading center " + centerId, String.valueOf(centerId)));
        Instant starts = center.hours().start(night).toInstant();
        Instant ends = center.hours().end(night).toInstant();
        if (!starts.isAfter(clock.instant())) {
            throw new ConflictException("night", "shift.started", "the night of " + night + " has started", night);
        }
        List<Integer> taken = jdbc.sql("""
                select seat from planned_shift where center_id = :c and night_date = :n and withdrawn_at is null""")
                .param("c", centerId).param("n", night).query(Integer.class).list();
        if (!mayOverbook) {
            List<String> elsewhere = jdbc.sql("""
                    select c.name from planned_shift s join reading_center c on c.id = s.center_id
                    where s.user_id = :u and s.night_date = :n and s.withdrawn_at is null""")
                    .param("u", userId).param("n", night).query(String.class).list();
            if (!elsewhere.isEmpty()) {
                throw new ConflictException("night", "shift.twice", "already down for the night of " + night
                        + " at " + elsewhere.get(0), night, elsewhere.get(0));
            }
            if (taken.size() >= center.seats()) {
                throw new ConflictException("night", "shift.full", center.name() + " is full on the night of " + night,
                        center.name(), night, center.seats());
            }
        }
        TreeSet<Integer> used = new TreeSet<>(taken);
        int seat = 1;
        while (used.contains(seat)) {
            seat++;
        }
        long id = jdbc.sql("""
                insert into planned_shift (center_id, night_date, seat, user_id, starts_at, ends_at, planned_at, planned_by)
                values (:c, :n, :seat, :u, :starts, :ends, :now, :by) returning id""")
                .param("c", centerId).param("n", night).param("seat", seat).param("u", userId)
                .param("starts", at(starts)).param("ends", at(ends)).param("now", at(clock.instant()))
                .param("by", actor.username()).query(Long.class).single();
        audit.record(actor.username(), "SHIFT_PLANNED", "center:" + centerId, actor.source(), AuditLog.Outcome.SUCCESS,
                "shift " + id + " user:" + userId + " night " + night + " seat " + seat
                        + (taken.size() >= center.seats() ? " over-booked" : ""));
        return get(id);
    }

    /**
     * Takes the name off: a radiologist their own, before the night starts; an administrator
     * anyone's, at any time.
     */
    @Transactional
    public void withdraw(long shiftId, long byUserId, boolean administrator, Actor actor) {
        PlannedShift shift = get(shiftId);
        if (!administrator) {
            if (shift.userId() != byUserId) {
                throw new ForbiddenException(null, "shift.notYours", "this shift is another radiologist's");
            }
            if (!shift.startsAt().toInstant().isAfter(clock.instant())) {
                throw new ConflictException(null, "shift.started", "the night of " + shift.night() + " has started",
                        shift.night());
            }
        }
        jdbc.sql("update planned_shift set withdrawn_at = :now where id = :id and withdrawn_at is null")
                .param("now", at(clock.instant())).param("id", shiftId).update();
        audit.record(actor.username(), "SHIFT_WITHDRAWN", "center:" + shift.centerId(), actor.source(),
                AuditLog.Outcome.SUCCESS, "shift " + shiftId + " user:" + shift.userId() + " night " + shift.night());
    }

    public NightHours hours(long centerId) {
        return centers().stream().filter(c -> c.id() == centerId).findFirst().map(CenterRow::hours)
                .orElseThrow(() -> new NotFoundException("center.notFound", "No reading center " + centerId, centerId));
    }

    /** Changes when the center's nights run; the shifts already planned keep their times. */
    @Transactional
    public NightHours setHours(long centerId, String timeZone, String starts, String ends, Actor actor) {
        hours(centerId);
        NightHours hours;
        try {
            ZoneId.of(timeZone == null ? "" : timeZone.strip());
            hours = new NightHours(timeZone.strip(), LocalTime.parse(starts.strip()), LocalTime.parse(ends.strip()));
        } catch (DateTimeException | NullPointerException e) {
            throw new InvalidInputException(null, "shift.hours.invalid",
                    "give a time zone such as Indian/Reunion and the hours as HH:mm");
        }
        if (hours.starts().equals(hours.ends())) {
            throw new InvalidInputException("ends", "shift.hours.invalid", "a shift cannot start and end at the same time");
        }
        jdbc.sql("update reading_center set time_zone = :z, night_starts = :s, night_ends = :e where id = :id")
                .param("z", hours.timeZone()).param("s", hours.starts()).param("e", hours.ends()).param("id", centerId)
                .update();
        audit.record(actor.username(), "CENTER_NIGHT_HOURS_SET", "center:" + centerId, actor.source(),
                AuditLog.Outcome.SUCCESS, hours.timeZone() + " " + hours.starts() + "-" + hours.ends());
        return hours;
    }

    private List<CenterRow> centers() {
        return jdbc.sql("select id, name, seats, time_zone, night_starts, night_ends from reading_center order by name")
                .query(CenterRow.class).list();
    }

    private static OffsetDateTime at(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }
}
