package fr.relais.roster;

import fr.relais.platform.Actor;
import fr.relais.platform.PageActions;
import fr.relais.platform.ProblemException;
import fr.relais.platform.YearMonths;
import fr.relais.platform.Zones;
import fr.relais.security.AccountPrincipal;
import fr.relais.security.Role;
import org.springframework.context.MessageSource;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

import java.time.Clock;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/** The month calendar of night shifts: radiologists put their names down, administrators plan and see the gaps. */
@Controller
@PreAuthorize("hasAnyRole('ADMIN','COORDINATOR','RADIOLOGIST')")
class ShiftPageController {

    private final ShiftService shifts;
    private final CredentialService credentials;
    private final MessageSource messages;
    private final Clock clock;
    private final Zones zones;

    ShiftPageController(ShiftService shifts, CredentialService credentials, MessageSource messages, Clock clock,
                        Zones zones) {
        this.shifts = shifts;
        this.credentials = credentials;
        this.messages = messages;
        this.clock = clock;
        this.zones = zones;
    }

    @GetMapping("/shifts")
    String page(@RequestParam(name = "month", required = false) String month,
                @AuthenticationPrincipal AccountPrincipal me, Model model, Locale locale, RedirectAttributes redirect) {
        YearMonth current = YearMonth.now(clock.withZone(zones.center()));
        YearMonth shown;
        try {
            shown = YearMonths.parseOr("month", month, current);
        } catch (ProblemException wrong) {
            PageActions.fail(redirect, messages, locale, wrong.code(), (Object[]) wrong.getArguments());
            return "redirect:/shifts";
        }
        ShiftCalendar calendar = shifts.month(shown);
        Set<LocalDate> myNights = calendar.centers().stream().flatMap(c -> c.nights().stream())
                .filter(n -> n.planned().stream().anyMatch(p -> p.userId() == me.id()))
                .map(ShiftCalendar.Night::date).collect(Collectors.toSet());
        model.addAttribute("calendar", calendar);
        model.addAttribute("previous", shown.minusMonths(1));
        model.addAttribute("next", shown.plusMonths(1));
        model.addAttribute("me", me.id());
        model.addAttribute("myNights", myNights);
        model.addAttribute("today", zones.today(clock));
        model.addAttribute("administrator", me.role() == Role.ADMIN);
        model.addAttribute("radiologist", me.role() == Role.RADIOLOGIST);
        if (me.role() == Role.ADMIN) {
            model.addAttribute("radiologists", credentials.list());
        }
        return "roster/shifts";
    }

    @PostMapping("/shifts/plan")
    String plan(@RequestParam(name = "centerId") long centerId, @RequestParam(name = "night") String night,
                @RequestParam(name = "userId", required = false) Long userId,
                @AuthenticationPrincipal AccountPrincipal me, Actor actor, Locale locale, RedirectAttributes redirect) {
        PageActions.attempt(redirect, messages, locale, "shift.planned", () -> {
            LocalDate date = ShiftApiController.night(night);
            PlannedShift planned = me.role() == Role.ADMIN && userId != null
                    ? shifts.assign(userId, centerId, date, actor)
                    : shifts.signUp(me.id(), centerId, date, actor);
            redirect.addFlashAttribute("noticeArg", planned.centerName());
        });
        return "redirect:/shifts?month=" + monthOf(night);
    }

    @PostMapping("/shifts/{id}/withdraw")
    String withdraw(@PathVariable long id, @RequestParam(name = "month", required = false) String month,
                    @AuthenticationPrincipal AccountPrincipal me, Actor actor, Locale locale,
                    RedirectAttributes redirect) {
        PageActions.attempt(redirect, messages, locale, "shift.withdrawn",
                () -> shifts.withdraw(id, me.id(), me.role() == Role.ADMIN, actor));
        return "redirect:/shifts" + (month == null || !month.matches("\\d{4}-\\d{2}") ? "" : "?month=" + month);
    }

    private static String monthOf(String night) {
        return night != null && night.matches("\\d{4}-\\d{2}-\\d{2}") ? night.substring(0, 7) : "";
    }
}
