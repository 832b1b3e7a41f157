package fr.relais.report;

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
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

import java.time.Clock;
import java.util.Locale;

/**
 * The coordinators' list of critical findings still to phone: each task stays until the call is
 * documented (who, number, time, read back), which closes it.
 */
@Controller
@RequestMapping("/coordination/callbacks")
@PreAuthorize("hasAnyRole('COORDINATOR','ADMIN')")
class CallbackPageController {

    private final ReportService reports;
    private final CriticalResults critical;
    private final MessageSource messages;
    private final Clock clock;
    private final Zones zones;

    CallbackPageController(ReportService reports, CriticalResults critical, MessageSource messages, Clock clock,
                           Zones zones) {
        this.reports = reports;
        this.critical = critical;
        this.messages = messages;
        this.clock = clock;
        this.zones = zones;
    }

    @GetMapping
    String page(@AuthenticationPrincipal AccountPrincipal me, Actor actor, Model model) {
        model.addAttribute("tasks", reports.openCallbackTasks(me, actor.source()));
        model.addAttribute("unacknowledged", critical.unacknowledged());
        model.addAttribute("now", clock.instant());
        return "coordination/callbacks";
    }

    @PostMapping("/{taskId}/done")
    String done(@PathVariable long taskId, @RequestParam(required = false) String calledName,
                @RequestParam(required = false) String calledPhone, @RequestParam(required = false) String calledAt,
                @RequestParam(required = false) Boolean readBackConfirmed,
                @AuthenticationPrincipal AccountPrincipal me, Actor actor, Locale locale, RedirectAttributes redirect) {
        CallbackDetails call = new CallbackDetails(calledName, calledPhone,
                ReportPageController.callTime(calledAt, clock, zones.center()),
                readBackConfirmed);
        PageActions.attempt(redirect, messages, locale, "callbacks.done",
                () -> reports.completeCallbackTask(taskId, call, me, actor.source()));
        return "redirect:/coordination/callbacks";
    }
}
