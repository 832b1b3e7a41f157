package fr.relais.roster;

import fr.relais.platform.Actor;
import fr.relais.platform.InvalidInputException;
import fr.relais.platform.YearMonths;
import fr.relais.platform.Zones;
import fr.relais.security.AccountPrincipal;
import fr.relais.security.Role;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.util.UriComponentsBuilder;

import java.time.Clock;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.format.DateTimeParseException;
import java.util.List;

/**
 * The night-shift planning: the month's calendar, radiologists putting their names down and
 * withdrawing them, administrators planning anyone and setting the centers' night hours.
 */
@RestController
class ShiftApiController {

    /** {@code userId} only for an administrator planning someone else; a radiologist plans themself. */
    record ShiftOrder(Long centerId, String night, Long userId) {}

    record HoursChange(String timeZone, String starts, String ends) {}

    private final ShiftService shifts;
    private final Clock clock;
    private final Zones zones;

    ShiftApiController(ShiftService shifts, Clock clock, Zones zones) {
        this.shifts = shifts;
        this.clock = clock;
        this.zones = zones;
    }

    @GetMapping("/api/shifts")
    @PreAuthorize("hasAnyRole('ADMIN','COORDINATOR','RADIOLOGIST')")
    ShiftCalendar month(@RequestParam(name = "month", required = false) String month) {
        return shifts.month(YearMonths.parseOr("month", month, YearMonth.now(clock.withZone(zones.center()))));
    }

    @GetMapping("/api/shifts/mine")
    @PreAuthorize("hasRole('RADIOLOGIST')")
    List<PlannedShift> mine(@AuthenticationPrincipal AccountPrincipal me) {
        return shifts.upcoming(me.id());
    }

    @PostMapping("/api/shifts")
    @PreAuthorize("hasAnyRole('ADMIN','RADIOLOGIST')")
    ResponseEntity<PlannedShift> plan(@RequestBody ShiftOrder order, @AuthenticationPrincipal AccountPrincipal me,
                                      Actor actor, UriComponentsBuilder uri) {
        if (order == null || order.centerId() == null) {
            throw new InvalidInputException("centerId", "presence.center.required", "choose a reading center");
        }
        LocalDate night = night(order.night());
        PlannedShift planned = me.role() == Role.ADMIN
                ? shifts.assign(order.userId() == null ? me.id() : order.userId(), order.centerId(), night, actor)
                : shifts.signUp(me.id(), order.centerId(), night, actor);
        return ResponseEntity.created(uri.path("/api/shifts/{id}").build(planned.id())).body(planned);
    }

    @GetMapping("/api/shifts/{id}")
    @PreAuthorize("hasAnyRole('ADMIN','COORDINATOR','RADIOLOGIST')")
    PlannedShift get(@PathVariable long id) {
        return shifts.get(id);
    }

    @DeleteMapping("/api/shifts/{id}")
    @PreAuthorize("hasAnyRole('ADMIN','RADIOLOGIST')")
    ResponseEntity<Void> withdraw(@PathVariable long id, @AuthenticationPrincipal AccountPrincipal me, Actor actor) {
        shifts.withdraw(id, me.id(), me.role() == Role.ADMIN, actor);
        return ResponseEntity.noContent().build();
    }

    @GetMapping("/api/centers/{id}/night-hours")
    @PreAuthorize("hasAnyRole('ADMIN','COORDINATOR')")
    NightHours hours(@PathVariable long id) {
        return shifts.hours(id);
    }

    /** Body {@code {"timeZone": "Indian/Reunion", "starts": "20:00", "ends": "08:00"}}. */
    @PutMapping("/api/centers/{id}/night-hours")
    @PreAuthorize("hasRole('ADMIN')")
    NightHours setHours(@PathVariable long id, @RequestBody HoursChange change, Actor actor) {
        if (change == null) {
            throw new InvalidInputException(null, "shift.hours.invalid", "give the time zone and the hours");
        }
        return shifts.setHours(id, change.timeZone(), change.starts(), change.ends(), actor);
    }

    static LocalDate night(String value) {
        try {
            return LocalDate.parse(value == null ? "" : value.strip());
        } catch (DateTimeParseException e) {
            throw new InvalidInputException("night", "shift.night.invalid",
                    "give the night as the date it starts, YYYY-MM-DD (not " + value + ")", String.valueOf(value));
        }
    }
}
