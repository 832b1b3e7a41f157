package fr.relais.audit;

import fr.relais.platform.Actor;
import fr.relais.platform.ProblemException;
import org.springframework.context.MessageSource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

import java.util.List;
import java.util.Locale;

/** The audit trail's page for administrators: search, export with the same filter, verify the chain. */
@Controller
@PreAuthorize("hasRole('ADMIN')")
class AuditPageController {

    private static final int PAGE = 200;

    private final JdbcClient jdbc;
    private final AuditChain chain;
    private final AuditLog audit;
    private final MessageSource messages;

    AuditPageController(JdbcClient jdbc, AuditChain chain, AuditLog audit, MessageSource messages) {
        this.jdbc = jdbc;
        this.chain = chain;
        this.audit = audit;
        this.messages = messages;
    }

    @GetMapping("/admin/audit")
    String page(@ModelAttribute("filter") AuditApiController.Filter filter, Actor reader, Locale locale, Model model) {
        try {
            List<AuditApiController.AuditEntry> found = AuditApiController.query(jdbc, filter, PAGE);
            audit.record(reader.username(), "AUDIT_SEARCHED", null, reader.source(), AuditLog.Outcome.SUCCESS,
                    found.size() + " entries");
            model.addAttribute("entries", found);
            model.addAttribute("limit", PAGE);
        } catch (ProblemException refused) {
            model.addAttribute("entries", List.of());
            model.addAttribute("failure", messages.getMessage(refused, locale));
        }
        return "admin/audit";
    }

    @PostMapping("/admin/audit/verify")
    String verify(Actor actor, Locale locale, RedirectAttributes redirect) {
        AuditChain.Verdict verdict = AuditApiController.verified(chain, audit, actor);
        if (verdict.intact()) {
            redirect.addFlashAttribute("notice", "audit.verify.intact");
            redirect.addFlashAttribute("noticeArg", verdict.sealed());
        } else {
            redirect.addFlashAttribute("failure", messages.getMessage("audit.verify.broken",
                    new Object[] {verdict.brokenAtSequence(), verdict.reason()}, locale));
        }
        return "redirect:/admin/audit";
    }
}
