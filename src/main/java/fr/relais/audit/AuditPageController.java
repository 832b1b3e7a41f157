package fr.relais.audit;

import fr.relais.hospital.Hospital;
import fr.relais.hospital.HospitalService;
import fr.relais.platform.Actor;
import fr.relais.platform.ProblemException;
import fr.relais.platform.Zones;
import fr.relais.security.Account;
import fr.relais.security.AccountService;
import org.springframework.context.MessageSource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

import java.text.Collator;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The audit trail's page for administrators: search, export with the same filter, verify the chain.
 * Its filters speak the operator's language: days from date pickers (on the reading centers' clock),
 * hospitals and users chosen by name, actions and outcomes in words (message keys
 * {@code audit.action.<ACTION>}, {@code audit.outcome.<OUTCOME>}).
 */
@Controller
@PreAuthorize("hasRole('ADMIN')")
class AuditPageController {

    private static final int PAGE = 200;

    /** An action as the page offers it: its code (the filter's value) and its words. */
    record ActionChoice(String code, String words) {}

    private final JdbcClient jdbc;
    private final AuditChain chain;
    private final AuditLog audit;
    private final MessageSource messages;
    private final HospitalService hospitals;
    private final AccountService accounts;
    private final Zones zones;

    AuditPageController(JdbcClient jdbc, AuditChain chain, AuditLog audit, MessageSource messages,
                        HospitalService hospitals, AccountService accounts, Zones zones) {
        this.jdbc = jdbc;
        this.chain = chain;
        this.audit = audit;
        this.messages = messages;
        this.hospitals = hospitals;
        this.accounts = accounts;
        this.zones = zones;
    }

    @GetMapping("/admin/audit")
    String page(@ModelAttribute("filter") AuditApiController.Filter filter, Actor reader, Locale locale, Model model) {
        try {
            List<AuditApiController.AuditEntry> found = AuditApiController.query(jdbc, filter, PAGE, zones.center());
            audit.record(reader.username(), "AUDIT_SEARCHED", null, reader.source(), AuditLog.Outcome.SUCCESS,
                    found.size() + " entries");
            model.addAttribute("entries", found);
            model.addAttribute("limit", PAGE);
        } catch (ProblemException refused) {
            model.addAttribute("entries", List.of());
            model.addAttribute("failure", messages.getMessage(refused, locale));
        }
        Collator order = Collator.getInstance(locale);
        List<Hospital> all = new ArrayList<>(hospitals.list());
        all.sort(Comparator.comparing(Hospital::name, order));
        model.addAttribute("hospitals", all);
        model.addAttribute("hospitalNames", all.stream().collect(Collectors.toMap(Hospital::id, Hospital::name)));
        List<Account> users = new ArrayList<>(accounts.list());
        users.sort(Comparator.comparing(Account::displayName, order));
        model.addAttribute("users", users);
        model.addAttribute("userNames", users.stream()
                .collect(Collectors.toMap(Account::username, Account::displayName, (a, b) -> a)));
        model.addAttribute("actions", actions(filter.action(), locale, order));
        model.addAttribute("zone", zones.center().getId());
        return "admin/audit";
    }

    /** The actions the trail holds (and the one searched for), in words, in alphabetical order of their words. */
    private List<ActionChoice> actions(String searched, Locale locale, Collator order) {
        List<String> codes = new ArrayList<>(AuditApiController.actionsRecorded(jdbc));
        if (searched != null && !searched.isBlank() && !codes.contains(searched.trim())) {
            codes.add(searched.trim());
        }
        return codes.stream().map(code -> new ActionChoice(code, words(code, locale)))
                .sorted(Comparator.comparing(ActionChoice::words, order)).toList();
    }

    /** An action's words; one with none yet (a test's own action) is shown as recorded, not hidden. */
    private String words(String action, Locale locale) {
        return messages.getMessage("audit.action." + action, null, action, locale);
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
