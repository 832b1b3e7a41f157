package fr.relais.request;

import fr.relais.exam.ExamState;
import fr.relais.platform.Actor;
import fr.relais.platform.PageActions;
import fr.relais.security.AccountPrincipal;
import jakarta.servlet.http.HttpServletRequest;
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

import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/** The coordinator's list of studies that matched no request (attach or reject each) and of identities to check. */
@Controller
@RequestMapping("/coordination/unmatched")
@PreAuthorize("hasAnyRole('COORDINATOR', 'ADMIN')")
class UnmatchedPageController {

    private final UnmatchedStudies unmatched;
    private final RequestService requests;
    private final MessageSource messages;

    UnmatchedPageController(UnmatchedStudies unmatched, RequestService requests, MessageSource messages) {
        this.unmatched = unmatched;
        this.requests = requests;
        this.messages = messages;
    }

    @GetMapping
    String list(@AuthenticationPrincipal AccountPrincipal user, Actor actor, Model model) {
        List<UnmatchedStudy> studies = unmatched.list(user, actor.source());
        // Open requests still without images, by hospital: the candidates to attach to, shown with
        // the identity they name so that the coordinator compares it with the study's.
        Map<Long, List<RequestView>> awaiting = requests.list(user,
                        EnumSet.of(ExamState.REQUESTED, ExamState.INFO_NEEDED, ExamState.PROTOCOLED), actor.source())
                .stream()
                .filter(r -> r.studyId() == null)
                .collect(Collectors.groupingBy(RequestView::hospitalId));
        model.addAttribute("studies", studies);
        model.addAttribute("awaiting", awaiting);
        model.addAttribute("mismatches", unmatched.mismatches(user, actor.source()));
        return "coordination/unmatched";
    }

    @PostMapping("/{examId}/attach")
    String attach(@PathVariable long examId, @RequestParam long requestId, @AuthenticationPrincipal AccountPrincipal user,
                  HttpServletRequest http, Locale locale, RedirectAttributes redirect) {
        PageActions.attempt(redirect, messages, locale, "unmatched.attached", () -> redirect.addFlashAttribute("noticeArg",
                unmatched.attach(examId, requestId, user, http.getRemoteAddr()).accessionNumber()));
        return "redirect:/coordination/unmatched";
    }

    @PostMapping("/mismatches/{examId}/confirm")
    String confirmIdentity(@PathVariable long examId, @AuthenticationPrincipal AccountPrincipal user,
                           HttpServletRequest http, Locale locale, RedirectAttributes redirect) {
        PageActions.attempt(redirect, messages, locale, "mismatch.confirmed", () -> redirect.addFlashAttribute("noticeArg",
                unmatched.confirmIdentity(examId, user, http.getRemoteAddr()).accessionNumber()));
        return "redirect:/coordination/unmatched";
    }

    @PostMapping("/mismatches/{examId}/detach")
    String detach(@PathVariable long examId, @AuthenticationPrincipal AccountPrincipal user,
                  HttpServletRequest http, Locale locale, RedirectAttributes redirect) {
        redirect.addFlashAttribute("noticeArg", examId);
        PageActions.attempt(redirect, messages, locale, "mismatch.detached",
                () -> unmatched.detach(examId, user, http.getRemoteAddr()));
        return "redirect:/coordination/unmatched";
    }

    @PostMapping("/{examId}/reject")
    String reject(@PathVariable long examId, @RequestParam(required = false) String reason,
                  @AuthenticationPrincipal AccountPrincipal user, HttpServletRequest http, Locale locale,
                  RedirectAttributes redirect) {
        redirect.addFlashAttribute("noticeArg", examId);
        PageActions.attempt(redirect, messages, locale, "unmatched.rejected",
                () -> unmatched.reject(examId, reason, user, http.getRemoteAddr()));
        return "redirect:/coordination/unmatched";
    }
}
