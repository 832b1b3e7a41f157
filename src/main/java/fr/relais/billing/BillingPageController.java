package fr.relais.billing;

import fr.relais.hospital.HospitalService;
import fr.relais.platform.Actor;
import fr.relais.platform.InvalidInputException;
import fr.relais.platform.PageActions;
import fr.relais.platform.ProblemException;
import fr.relais.platform.YearMonths;
import fr.relais.platform.Zones;
import fr.relais.security.AccountPrincipal;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;
import org.springframework.context.MessageSource;
import org.springframework.format.annotation.DateTimeFormat;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

import java.time.Clock;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** The billing team's page (acts, statements, subscriptions, invoices) and the radiologist's own statement. */
@Controller
class BillingPageController {

    private final CcamCoding coding;
    private final Statements statements;
    private final Invoices invoices;
    private final HospitalService hospitals;
    private final MessageSource messages;
    private final Validator validator;
    private final Clock clock;
    private final Zones zones;

    BillingPageController(CcamCoding coding, Statements statements, Invoices invoices, HospitalService hospitals,
                          MessageSource messages, Validator validator, Clock clock, Zones zones) {
        this.coding = coding;
        this.statements = statements;
        this.invoices = invoices;
        this.hospitals = hospitals;
        this.messages = messages;
        this.validator = validator;
        this.clock = clock;
        this.zones = zones;
    }

    /** The month asked for, else the last one (the month the billing team closes). */
    private YearMonth month(String month, YearMonth otherwise, Locale locale, RedirectAttributes redirect) {
        try {
            return YearMonths.parseOr("month", month, otherwise);
        } catch (ProblemException wrong) {
            redirect.addFlashAttribute("failure", messages.getMessage(wrong, locale));
            return null;
        }
    }

    private YearMonth thisMonth() {
        return YearMonth.now(clock.withZone(zones.center()));
    }

    @GetMapping("/billing")
    @PreAuthorize("hasAnyRole('BILLING','ADMIN')")
    String page(@RequestParam(name = "month", required = false) String month, Model model, Locale locale,
                RedirectAttributes redirect) {
        YearMonth shown = month(month, thisMonth().minusMonths(1), locale, redirect);
        if (shown == null) {
            return "redirect:/billing";
        }
        List<CcamAct> acts = coding.month(shown);
        model.addAttribute("month", shown);
        model.addAttribute("previous", shown.minusMonths(1));
        model.addAttribute("next", shown.plusMonths(1));
        model.addAttribute("actCount", acts.size());
        model.addAttribute("withU", acts.stream().filter(a -> "U".equals(a.modifier())).count());
        model.addAttribute("withF", acts.stream().filter(a -> "F".equals(a.modifier())).count());
        model.addAttribute("withoutRpps", acts.stream().filter(a -> a.rpps() == null).count());
        model.addAttribute("radiologists", statements.radiologistsWithActs(shown));
        model.addAttribute("subscriptions", invoices.subscriptions());
        model.addAttribute("invoices", invoices.list());
        model.addAttribute("hospitals", hospitals.list());
        model.addAttribute("frequencies", Subscription.Frequency.values());
        model.addAttribute("today", zones.today(clock));
        return "billing/index";
    }

    @PostMapping("/billing/subscriptions")
    @PreAuthorize("hasAnyRole('BILLING','ADMIN')")
    String subscribe(@RequestParam(name = "hospitalId") long hospitalId,
                     @RequestParam(name = "annualAmount", required = false) String annualAmount,
                     @RequestParam(name = "startsOn", required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE) LocalDate startsOn,
                     @RequestParam(name = "frequency", required = false) Subscription.Frequency frequency,
                     @RequestParam(name = "perExamFee", required = false) String perExamFee,
                     Actor actor, Locale locale, RedirectAttributes redirect) {
        PageActions.attempt(redirect, messages, locale, "billing.subscription.saved", () -> {
            SubscriptionRequest request = new SubscriptionRequest(Money.cents("annualAmountCents", annualAmount),
                    startsOn, frequency, Money.cents("perExamFeeCents", perExamFee));
            Set<ConstraintViolation<SubscriptionRequest>> wrong = validator.validate(request);
            if (!wrong.isEmpty()) {
                ConstraintViolation<SubscriptionRequest> first = wrong.iterator().next();
                throw new InvalidInputException(first.getPropertyPath().toString(),
                        first.getMessageTemplate().replaceAll("[{}]", ""), first.getMessage());
            }
            redirect.addFlashAttribute("noticeArg", invoices.setSubscription(hospitalId, request, actor).hospitalName());
        });
        return "redirect:/billing";
    }

    @PostMapping("/billing/invoices")
    @PreAuthorize("hasAnyRole('BILLING','ADMIN')")
    String issue(@RequestParam(name = "hospitalId") long hospitalId, @RequestParam(name = "month", required = false) String month,
                 Actor actor, Locale locale, RedirectAttributes redirect) {
        try {
            Invoices.Issued issued = invoices.issue(hospitalId, YearMonths.parse("month", month), actor);
            redirect.addFlashAttribute("notice", issued.created() ? "billing.invoice.issued" : "billing.invoice.already");
            redirect.addFlashAttribute("noticeArg", issued.invoice().number());
        } catch (ProblemException refused) {
            redirect.addFlashAttribute("failure", messages.getMessage(refused, locale));
        }
        return "redirect:/billing";
    }

    @GetMapping("/billing/statement")
    @PreAuthorize("hasRole('RADIOLOGIST')")
    String statement(@RequestParam(name = "month", required = false) String month,
                     @AuthenticationPrincipal AccountPrincipal me, Model model, Locale locale,
                     RedirectAttributes redirect) {
        YearMonth shown = month(month, thisMonth(), locale, redirect);
        if (shown == null) {
            return "redirect:/billing/statement";
        }
        model.addAttribute("statement", statements.statement(me.id(), shown));
        model.addAttribute("previous", shown.minusMonths(1));
        model.addAttribute("next", shown.plusMonths(1));
        return "billing/statement";
    }
}
