package fr.relais.roster;

import fr.relais.audit.AuditLog;
import fr.relais.platform.Actor;
import fr.relais.platform.ConflictException;
import fr.relais.platform.InvalidInputException;
import fr.relais.platform.Zones;
import fr.relais.security.Account;
import fr.relais.security.AccountService;
import fr.relais.security.Role;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Radiologists on the seats of the reading centers (table seat_presence). A presence is open while
 * it is not checked out and its shift has not ended: a forgotten check-out frees the seat at the
 * end of the shift by itself.
 */
@Service
public class PresenceService {

    public static final LocalTime SHIFT_END = LocalTime.of(8, 0);
    /** A radiologist arriving this long before the planned night starts checks in to it. */
    public static final Duration EARLY_CHECK_IN = Duration.ofHours(2);
    /** No shift is longer than a day: a longer one is a typing mistake. */
    public static final Duration LONGEST_SHIFT = Duration.ofHours(24);

    private static final String SELECT = """
            select p.id, p.user_id, u.username, u.display_name, p.center_id, c.name as center_name,
                   p.checked_in_at, p.shift_ends_at, p.checked_out_at, p.planned_shift_id
            from seat_presence p join app_user u on u.id = p.user_id join reading_center c on c.id = p.center_id""";
    private static final String OPEN = " p.checked_out_at is null and p.shift_ends_at > :now";

    private record LockedCenter(long id, String name, int seats) {}

    private final JdbcClient jdbc;
    private final AccountService accounts;
    private final ReadingCenterService centers;
    private final AuditLog audit;
    private final Clock clock;
    private final Zones zones;

    public PresenceService(JdbcClient jdbc, AccountService accounts, ReadingCenterService centers, AuditLog audit,
                           Clock clock, Zones zones) {
        this.jdbc = jdbc;
        this.accounts = accounts;
        this.centers = centers;
        this.audit = audit;
        this.clock = clock;
        this.zones = zones;
    }

    /**
     * The end of the night shift under way (or about to start): 08:00 on the centers' clock, today
     * before 08:00, else tomorrow.
     */
    public static Instant defaultShiftEnd(Instant now, ZoneId zone) {
        ZonedDateTime local = now.atZone(zone);
        ZonedDateTime end = local.toLocalDate().atTime(SHIFT_END).atZone(zone);
        return local.toLocalTime().isBefore(SHIFT_END) ? end.toInstant() : end.plusDays(1).toInstant();
    }

    public Instant defaultShiftEnd() {
        return defaultShiftEnd(clock.instant(), zones.center());
    }

    /**
     * Puts the radiologist on a seat of the center until shiftEndsAt (null: the end of the planned shift
     * this check-in fulfils, else the end of the night shift).
     * The center's row is locked for the transaction, so that two check-ins never take its last seat twice.
     */
    @Transactional
    public Presence checkIn(long userId, long centerId, Instant shiftEndsAt, Actor actor) {
        Account account = accounts.get(userId);
        if (account.role() != Role.RADIOLOGIST) {
            throw new ConflictException(null, "presence.notRadiologist",
                    "Only radiologists take a reading seat", account.username());
        }
        Instant now = clock.instant();
        // Unless told otherwise, the seat is held until the planned shift it fulfils ends, on its
        // center's clock, else until the end of the night shift.
        Optional<PlannedRef> planned = plannedShift(userId, centerId, now);
        Instant end = shiftEndsAt != null ? shiftEndsAt
                : planned.map(p -> p.endsAt().toInstant()).orElseGet(() -> defaultShiftEnd(now, zones.center()));
        if (!end.isAfter(now)) {
            throw new InvalidInputException("shiftEndsAt", "presence.shiftEnd.past", "The shift end has passed");
        }
        if (end.isAfter(now.plus(LONGEST_SHIFT))) {
            throw new InvalidInputException("shiftEndsAt", "presence.shiftEnd.tooFar",
                    "A shift lasts at most 24 hours", LONGEST_SHIFT.toHours());
        }
        LockedCenter center = jdbc.sql("select id, name, seats from reading_center where id = :id for update")
                .param("id", centerId).query(LockedCenter.class).optional()
                .orElseThrow(() -> new InvalidInputException("centerId", "presence.center.unknown",
                        "No reading center " + centerId, String.valueOf(centerId)));
        closeEndedShifts(userId, now);
        Optional<Presence> open = current(userId);
        if (open.isPresent()) {
            throw alreadyPresent(open.get());
        }
        long taken = jdbc.sql("select count(*) from seat_presence p where p.center_id = :center and" + OPEN)
                .param("center", centerId).param("now", at(now)).query(Long.class).single();
        if (taken >= center.seats()) {
            audit.record(actor.username(), "PRESENCE_CHECK_IN", "center:" + centerId, actor.source(),
                    AuditLog.Outcome.REJECTED, "full, " + center.seats() + " seats");
            throw new ConflictException("centerId", "presence.center.full",
                    "Reading center " + center.name() + " is full", center.name(), center.seats());
        }
        long id;
        try {
            id = jdbc.sql("""
                    insert into seat_presence (user_id, center_id, checked_in_at, shift_ends_at, planned_shift_id)
                    values (:user, :center, :now, :end, :planned) returning id""")
                    .param("user", userId).param("center", centerId).param("now", at(now)).param("end", at(end))
                    .param("planned", planned.map(PlannedRef::id).orElse(null))
                    .query(Long.class).single();
        } catch (DuplicateKeyException raced) {
            // The same radiologist checked in elsewhere at the same moment.
            throw current(userId).map(PresenceService::alreadyPresent).orElseThrow(() -> raced);
        }
        audit.record(actor.username(), "PRESENCE_CHECK_IN", "center:" + centerId, actor.source(),
                AuditLog.Outcome.SUCCESS, "presence " + id + " until " + end
                        + planned.map(p -> ", shift " + p.id()).orElse(", no planned shift"));
        return get(id);
    }

    /** Ends the radiologist's open presence; 409 when there is none. */
    @Transactional
    public Presence checkOut(long userId, Actor actor) {
        Instant now = clock.instant();
        closeEndedShifts(userId, now);
        Presence open = current(userId).orElseThrow(() -> new ConflictException(null, "presence.notCheckedIn",
                "Not checked in"));
        jdbc.sql("update seat_presence set checked_out_at = :now where id = :id")
                .param("now", at(now)).param("id", open.id()).update();
        audit.record(actor.username(), "PRESENCE_CHECK_OUT", "center:" + open.centerId(), actor.source(),
                AuditLog.Outcome.SUCCESS, "presence " + open.id());
        return get(open.id());
    }

    /** The radiologist's open presence, if any. */
    public Optional<Presence> current(long userId) {
        return jdbc.sql(SELECT + " where p.user_id = :user and" + OPEN)
                .param("user", userId).param("now", at(clock.instant())).query(Presence.class).optional();
    }

    public boolean isCheckedIn(long userId, Instant now) {
        return jdbc.sql("select exists (select 1 from seat_presence p where p.user_id = :user and" + OPEN + ")")
                .param("user", userId).param("now", at(now)).query(Boolean.class).single();
    }

    /** Every open presence now, by center then arrival. */
    public List<Presence> openPresences() {
        return openPresences(clock.instant());
    }

    public List<Presence> openPresences(Instant now) {
        return jdbc.sql(SELECT + " where" + OPEN + " order by c.name, p.checked_in_at, p.id")
                .param("now", at(now)).query(Presence.class).list();
    }

    /** Every center with its seats taken now, by name. */
    public List<CenterOccupancy> occupancy() {
        Map<Long, List<Presence>> byCenter = new LinkedHashMap<>();
        for (Presence p : openPresences()) {
            byCenter.computeIfAbsent(p.centerId(), k -> new ArrayList<>()).add(p);
        }
        return centers.list().stream()
                .map(c -> new CenterOccupancy(c.id(), c.name(), c.seats(), List.copyOf(byCenter.getOrDefault(c.id(), List.of()))))
                .toList();
    }

    private Presence get(long id) {
        return jdbc.sql(SELECT + " where p.id = :id").param("id", id).query(Presence.class).single();
    }

    private record PlannedRef(long id, OffsetDateTime endsAt) {}

    /**
     * The planned shift a check-in now fulfils: the radiologist's at this center whose night is under
     * way or starts within {@link #EARLY_CHECK_IN} (back from a break, a second check-in links to the
     * same shift).
     */
    private Optional<PlannedRef> plannedShift(long userId, long centerId, Instant now) {
        return jdbc.sql("""
                select s.id, s.ends_at from planned_shift s
                where s.user_id = :user and s.center_id = :center and s.withdrawn_at is null
                  and s.starts_at <= :early and s.ends_at > :now
                order by s.starts_at limit 1""")
                .param("user", userId).param("center", centerId).param("now", at(now))
                .param("early", at(now.plus(EARLY_CHECK_IN))).query(PlannedRef.class).optional();
    }

    /** A shift that ended without a check-out is closed at its end, which frees the one-open-presence index. */
    private void closeEndedShifts(long userId, Instant now) {
        jdbc.sql("""
                update seat_presence set checked_out_at = shift_ends_at
                where user_id = :user and checked_out_at is null and shift_ends_at <= :now""")
                .param("user", userId).param("now", at(now)).update();
    }

    private static ConflictException alreadyPresent(Presence open) {
        return new ConflictException(null, "presence.already",
                "Already checked in at " + open.centerName(), open.centerName());
    }

    private static OffsetDateTime at(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }
}
