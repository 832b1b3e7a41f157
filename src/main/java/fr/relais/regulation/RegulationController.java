package fr.relais.regulation;

import fr.relais.platform.Actor;
import fr.relais.platform.PageActions;
import fr.relais.request.RequestService;
import fr.relais.request.RequestView;
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

import java.util.Locale;

/**
 * The regulating radiologist's pages: the justification queue (live, P1 first) and one request
 * with its three answers: accept with a protocol, ask the hospital for information, refuse.
 */
@Controller
@RequestMapping("/regulation")
@PreAuthorize("hasRole('RADIOLOGIST')")
class RegulationController {

    private static final int MAX_PROTOCOL = 4000;
    private static final int MAX_MESSAGE = 2000;

    private final RequestService requests;
    private final MessageSource messages;

    RegulationController(RequestService requests, MessageSource messages) {
        this.requests = requests;
        this.messages = messages;
    }

    @GetMapping
    String queue(@AuthenticationPrincipal AccountPrincipal me, Actor actor, Model model) {
        model.addAttribute("requests", requests.justificationQueue(me, actor.source()));
        return "regulation/queue";
    }

    @GetMapping("/{id}")
    String request(@PathVariable long id, @AuthenticationPrincipal AccountPrincipal me, Actor actor, Model model) {
        RequestView request = requests.read(id, me, actor.source());
        model.addAttribute("request", request);
        model.addAttribute("messages", requests.messages(id, me));
        model.addAttribute("protocols", requests.protocols(request.examTypeCode()));
        return "regulation/request";
    }

    @PostMapping("/{id}/accept")
    String accept(@PathVariable long id, @RequestParam(name = "protocol", required = false) String protocol,
                  @AuthenticationPrincipal AccountPrincipal me, Actor actor, Locale locale, RedirectAttributes redirect) {
        return decide(id, protocol, MAX_PROTOCOL, "regulation.protocol", "regulation.accepted", locale, redirect,
                text -> requests.accept(id, text, me, actor.source()));
    }

    @PostMapping("/{id}/ask")
    String ask(@PathVariable long id, @RequestParam(name = "message", required = false) String message,
               @AuthenticationPrincipal AccountPrincipal me, Actor actor, Locale locale, RedirectAttributes redirect) {
        return decide(id, message, MAX_MESSAGE, "regulation.message", "regulation.asked", locale, redirect,
                text -> requests.askForInformation(id, text, me, actor.source()));
    }

    @PostMapping("/{id}/refuse")
    String refuse(@PathVariable long id, @RequestParam(name = "reason", required = false) String reason,
                  @AuthenticationPrincipal AccountPrincipal me, Actor actor, Locale locale, RedirectAttributes redirect) {
        return decide(id, reason, MAX_MESSAGE, "regulation.reason", "regulation.refused", locale, redirect,
                text -> requests.refuse(id, text, me, actor.source()));
    }

    /** Back to the queue when done; back to the request, with the refusal, when not. */
    private String decide(long id, String text, int max, String field, String notice, Locale locale,
                          RedirectAttributes redirect, java.util.function.Consumer<String> action) {
        String refusal = PageActions.textRefusal(text, max, field);
        if (refusal != null) {
            PageActions.fail(redirect, messages, locale, refusal, max);
            return "redirect:/regulation/" + id;
        }
        if (PageActions.attempt(redirect, messages, locale, notice, () -> action.accept(text.strip()))) {
            redirect.addFlashAttribute("noticeArg", id);
            return "redirect:/regulation";
        }
        return "redirect:/regulation/" + id;
    }
}
