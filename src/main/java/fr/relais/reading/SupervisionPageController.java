package fr.relais.reading;

import fr.relais.platform.Actor;
import fr.relais.platform.PageActions;
import fr.relais.roster.OnDuty;
import fr.relais.roster.PresenceService;
import fr.relais.roster.Roster;
import fr.relais.security.AccountPrincipal;
import fr.relais.worklist.WorklistRow;
import fr.relais.worklist.WorklistService;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The coordinator's view of the common worklist: every waiting and claimed exam with its clocks,
 * who reads what, seats taken per center, reassign and "remettre dans la file"; the same filters as
 * the radiologist's list (by hospital, exam type, class), which also narrow the breach count. Live.
 */
@Controller
@RequestMapping("/coordination/worklist")
@PreAuthorize("hasAnyRole('COORDINATOR','ADMIN')")
class SupervisionPageController {

    private final WorklistService worklist;
    private final Roster roster;
    private final PresenceService presence;
    private final MessageSource messages;
    private final Clock clock;
    private final WorklistView view;

    SupervisionPageController(WorklistService worklist, Roster roster, PresenceService presence,
                              MessageSource messages, Clock clock, WorklistView view) {
        this.worklist = worklist;
        this.view = view;
        this.roster = roster;
        this.presence = presence;
        this.messages = messages;
        this.clock = clock;
    }

    @GetMapping
    String page(Model model, Locale locale, @RequestParam(name = "hospital", required = false) String hospital,
                @RequestParam(name = "examType", required = false) String examType,
                @RequestParam(name = "class", required = false) String priorityClass) {
        List<WorklistRow> rows = view.filtered(model, locale, hospital, examType, priorityClass,
                worklist.choicesForAll(), worklist::everything);
        List<OnDuty> onDuty = roster.onDuty(clock.instant());
        // For each exam, the radiologists on duty who may read it, its holder aside.
        Map<Long, List<OnDuty>> eligible = new LinkedHashMap<>();
        for (WorklistRow row : rows) {
            eligible.put(row.examId(), onDuty.stream()
                    .filter(r -> r.hospitalIds().contains(row.hospitalId()))
                    .filter(r -> !Objects.equals(row.claimedBy(), r.userId()))
                    .toList());
        }
        model.addAttribute("rows", rows);
        model.addAttribute("findings", view.findings(locale, rows));
        model.addAttribute("eligible", eligible);
        model.addAttribute("centers", presence.occupancy());
        model.addAttribute("breaches", rows.stream()
                .filter(r -> r.deadline() != null && r.deadline().isBefore(clock.instant())).count());
        return "reading/supervision";
    }

    @PostMapping("/{id}/reassign")
    String reassign(@PathVariable long id, @RequestParam(name = "toUserId", required = false) Long toUserId,
                    @AuthenticationPrincipal AccountPrincipal me, Actor actor, Locale locale,
                    RedirectAttributes redirect) {
        if (toUserId == null) {
            PageActions.fail(redirect, messages, locale, "supervision.chooseRadiologist");
            return "redirect:/coordination/worklist";
        }
        if (PageActions.attempt(redirect, messages, locale, "supervision.reassigned",
                () -> worklist.reassign(id, toUserId, me, actor.source()))) {
            redirect.addFlashAttribute("noticeArg", worklist.accessionOf(id));
        }
        return "redirect:/coordination/worklist";
    }

    @PostMapping("/{id}/release")
    String release(@PathVariable long id, @AuthenticationPrincipal AccountPrincipal me, Actor actor, Locale locale,
                   RedirectAttributes redirect) {
        if (PageActions.attempt(redirect, messages, locale, "supervision.released",
                () -> worklist.release(id, me, actor.source()))) {
            redirect.addFlashAttribute("noticeArg", worklist.accessionOf(id));
        }
        return "redirect:/coordination/worklist";
    }
}
