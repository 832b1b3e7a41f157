package fr.relais.reading;

import fr.relais.platform.Actor;
import fr.relais.platform.PageActions;
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
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The radiologist's worklist page: the common queue in deadline order ("Suivant" or "Prendre",
 * both leading to the viewer of the exam taken), the exams I hold ("Ouvrir", "Rendre", "Je suis
 * toujours là"), filters by hospital, exam type and class, live through /live/worklist.
 */
@Controller
@RequestMapping("/worklist")
@PreAuthorize("hasRole('RADIOLOGIST')")
class WorklistPageController {

    private final WorklistService worklist;
    private final Roster roster;
    private final MessageSource messages;
    private final Clock clock;
    private final WorklistView view;

    WorklistPageController(WorklistService worklist, Roster roster, MessageSource messages, Clock clock,
                           WorklistView view) {
        this.worklist = worklist;
        this.view = view;
        this.roster = roster;
        this.messages = messages;
        this.clock = clock;
    }

    /**
     * The filters (?hospital, ?examType, ?class) narrow the common queue only: my own exams are
     * always all shown, and "Suivant" still takes the most urgent exam of the whole queue.
     */
    @GetMapping
    String page(@AuthenticationPrincipal AccountPrincipal me, Model model, Locale locale,
                @RequestParam(name = "hospital", required = false) String hospital,
                @RequestParam(name = "examType", required = false) String examType,
                @RequestParam(name = "class", required = false) String priorityClass) {
        boolean checkedIn = roster.isCheckedIn(me.id(), clock.instant());
        model.addAttribute("checkedIn", checkedIn);
        List<WorklistRow> rows = view.filtered(model, locale, hospital, examType, priorityClass,
                worklist.choicesFor(me), filter -> checkedIn ? worklist.queue(me, filter) : List.of());
        List<WorklistRow> mine = worklist.claimsOf(me.id());
        model.addAttribute("rows", rows);
        model.addAttribute("mine", mine);
        model.addAttribute("findings", view.findings(locale, rows, mine));
        return "reading/worklist";
    }

    @PostMapping("/next")
    String next(@AuthenticationPrincipal AccountPrincipal me, Actor actor, Locale locale, RedirectAttributes redirect) {
        AtomicReference<Optional<WorklistRow>> taken = new AtomicReference<>(Optional.empty());
        if (PageActions.attempt(redirect, messages, locale, "worklist.page.claimed",
                () -> taken.set(worklist.claimNext(me, actor.source())))) {
            if (taken.get().isPresent()) {
                WorklistRow row = taken.get().get();
                redirect.addFlashAttribute("noticeArg", row.accessionNumber());
                return viewerOf(row.examId());
            }
            redirect.addFlashAttribute("notice", "worklist.page.nothingToClaim");
        }
        return "redirect:/worklist";
    }

    @PostMapping("/{id}/claim")
    String claim(@PathVariable long id, @AuthenticationPrincipal AccountPrincipal me, Actor actor, Locale locale,
                 RedirectAttributes redirect) {
        if (PageActions.attempt(redirect, messages, locale, "worklist.page.claimed",
                () -> worklist.claim(id, me, actor.source()))) {
            redirect.addFlashAttribute("noticeArg", worklist.accessionOf(id));
            return viewerOf(id);
        }
        return "redirect:/worklist";
    }

    /** A claimed exam is read at once: the radiologist lands on its viewer. */
    private static String viewerOf(long examId) {
        return "redirect:/reading/exams/" + examId + "/viewer";
    }

    @PostMapping("/{id}/release")
    String release(@PathVariable long id, @AuthenticationPrincipal AccountPrincipal me, Actor actor, Locale locale,
                   RedirectAttributes redirect) {
        if (PageActions.attempt(redirect, messages, locale, "worklist.page.released",
                () -> worklist.release(id, me, actor.source()))) {
            redirect.addFlashAttribute("noticeArg", worklist.accessionOf(id));
        }
        return "redirect:/worklist";
    }

    /** "Je suis toujours là": the idle clock of my claim starts again. */
    @PostMapping("/{id}/activity")
    String activity(@PathVariable long id, @AuthenticationPrincipal AccountPrincipal me, Locale locale,
                    RedirectAttributes redirect) {
        if (PageActions.attempt(redirect, messages, locale, "worklist.page.kept", () -> worklist.touch(id, me))) {
            redirect.addFlashAttribute("noticeArg", worklist.accessionOf(id));
        }
        return "redirect:/worklist";
    }
}
