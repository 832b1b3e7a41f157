package fr.relais.roster;

import fr.relais.platform.Actor;
import fr.relais.security.AccountPrincipal;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import java.time.OffsetDateTime;
import java.util.List;

/** Radiologists check in to a seat and out; coordinators see the seats taken. */
@RestController
@RequestMapping("/api/presence")
class PresenceApiController {

    /** shiftEndsAt is optional: the end of the current night shift (08:00 on the centers' clock) by default. */
    record CheckIn(@NotNull(message = "{presence.center.required}") Long centerId, OffsetDateTime shiftEndsAt) {}

    private final PresenceService presence;

    PresenceApiController(PresenceService presence) {
        this.presence = presence;
    }

    @GetMapping
    @PreAuthorize("hasAnyRole('ADMIN','COORDINATOR')")
    List<CenterOccupancy> occupancy() {
        return presence.occupancy();
    }

    /** The caller's open presence; 204 when not on a seat. */
    @GetMapping("/me")
    @PreAuthorize("hasRole('RADIOLOGIST')")
    ResponseEntity<Presence> mine(@AuthenticationPrincipal AccountPrincipal me) {
        return presence.current(me.id()).map(ResponseEntity::ok).orElseGet(() -> ResponseEntity.noContent().build());
    }

    @PostMapping("/check-in")
    @PreAuthorize("hasRole('RADIOLOGIST')")
    ResponseEntity<Presence> checkIn(@Valid @RequestBody CheckIn request, @AuthenticationPrincipal AccountPrincipal me,
                                     Actor actor) {
        Presence created = presence.checkIn(me.id(), request.centerId(),
                request.shiftEndsAt() == null ? null : request.shiftEndsAt().toInstant(), actor);
        return ResponseEntity.status(HttpStatus.CREATED).body(created);
    }

    @PostMapping("/check-out")
    @PreAuthorize("hasRole('RADIOLOGIST')")
    Presence checkOut(@AuthenticationPrincipal AccountPrincipal me, Actor actor) {
        return presence.checkOut(me.id(), actor);
    }
}
