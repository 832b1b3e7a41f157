package fr.relais.roster;

import fr.relais.platform.Actor;
import fr.relais.platform.PageActions;
import fr.relais.platform.Zones;
import fr.relais.security.AccountPrincipal;
import org.springframework.context.MessageSource;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Optional;

/** The radiologist's own presence: take a seat in a reading center for the shift, leave it. */
@Controller
@PreAuthorize("hasRole('RADIOLOGIST')")
class PresencePageController {

    /** The value format of an HTML datetime-local input. */
    private static final DateTimeFormatter LOCAL_INPUT = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm");

    private final PresenceService presence;
    private final ShiftService shifts;
    private final MessageSource messages;
    private final Zones zones;

    PresencePageController(PresenceService presence, ShiftService shifts, MessageSource messages, Zones zones) {
        this.presence = presence;
        this.shifts = shifts;
        this.messages = messages;
        this.zones = zones;
    }

    @GetMapping("/presence")
    String page(@AuthenticationPrincipal AccountPrincipal me, Model model) {
        Optional<Presence> current = presence.current(me.id());
        model.addAttribute("current", current.orElse(null));
        model.addAttribute("centers", presence.occupancy());
        model.addAttribute("upcoming", shifts.upcoming(me.id()));
        model.addAttribute("shiftEndsAt", LOCAL_INPUT.format(presence.defaultShiftEnd().atZone(zones.center())));
        return "roster/presence";
    }

    @PostMapping("/presence/check-in")
    String checkIn(@RequestParam(name = "centerId", required = false) Long centerId,
                   @RequestParam(name = "shiftEndsAt", required = false) String shiftEndsAt,
                   @AuthenticationPrincipal AccountPrincipal me, Actor actor, Locale locale,
                   RedirectAttributes redirect) {
        if (centerId == null) {
            PageActions.fail(redirect, messages, locale, "presence.center.required");
            return "redirect:/presence";
        }
        Instant end;
        try {
            end = shiftEndsAt == null || shiftEndsAt.isBlank() ? null
                    : LocalDateTime.parse(shiftEndsAt.strip()).atZone(zones.center()).toInstant();
        } catch (DateTimeParseException wrong) {
            PageActions.fail(redirect, messages, locale, "presence.shiftEnd.invalid");
            return "redirect:/presence";
        }
        PageActions.attempt(redirect, messages, locale, "presence.checkedIn", () -> {
            Presence taken = presence.checkIn(me.id(), centerId, end, actor);
            redirect.addFlashAttribute("noticeArg", taken.centerName());
        });
        return "redirect:/presence";
    }

    @PostMapping("/presence/check-out")
    String checkOut(@AuthenticationPrincipal AccountPrincipal me, Actor actor, Locale locale,
                    RedirectAttributes redirect) {
        PageActions.attempt(redirect, messages, locale, "presence.checkedOut", () -> presence.checkOut(me.id(), actor));
        return "redirect:/presence";
    }
}
