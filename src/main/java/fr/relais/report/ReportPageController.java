package fr.relais.report;

import fr.relais.ai.AiReview;

import fr.relais.platform.Actor;
import fr.relais.platform.PageActions;
import fr.relais.platform.ProblemException;
import fr.relais.platform.Zones;
import fr.relais.security.AccountPrincipal;
import fr.relais.security.RecentLogin;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.context.MessageSource;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;

/**
 * The radiologist's report page: the editor of the exam they hold (sections prefilled from the
 * template, quick phrases, autosave by static/js/report-editor.js), the signature with the call of
 * a critical finding, and once signed the report with its addenda. The editor is the fragment
 * {@code reading/report :: editor(exam)}, which the viewer page embeds beside the images.
 */
@Controller
@RequestMapping("/reading/exams/{examId}/report")
@PreAuthorize("hasRole('RADIOLOGIST')")
class ReportPageController {


    /** The editor's form: the draft as last typed, and how the signature is made. */
    record SignForm(Integer version, String indication, String technique, String findings, String conclusion,
                    Boolean critical, CriticalCategory criticalCategory, String callbackMode, String calledName,
                    String calledPhone, String calledAt, Boolean readBackConfirmed, String password,
                    List<String> aiVerdicts, List<String> missedFindings) {

        DraftUpdate draft() {
            return new DraftUpdate(version, indication, technique, findings, conclusion, critical, criticalCategory);
        }

        @Override
        public String toString() {
            return "SignForm[version=" + version + "]";
        }
    }

    private final ReportService reports;
    private final RecentLogin recentLogin;
    private final MessageSource messages;
    private final Clock clock;
    private final Zones zones;

    ReportPageController(ReportService reports, RecentLogin recentLogin, MessageSource messages, Clock clock,
                         Zones zones) {
        this.reports = reports;
        this.recentLogin = recentLogin;
        this.messages = messages;
        this.clock = clock;
        this.zones = zones;
    }

    @GetMapping
    String page(@PathVariable long examId, @AuthenticationPrincipal AccountPrincipal me, HttpServletRequest http,
                Actor actor, Model model) {
        model.addAttribute("exam", reports.editor(examId, me, recentLogin.authenticatedAt(http), actor.source()));
        return "reading/report";
    }

    /** Saves the draft as typed, then signs it; back to the worklist when done, back to the page with the refusal when not. */
    @PostMapping("/sign")
    String sign(@PathVariable long examId, @ModelAttribute("signForm") SignForm form,
                @AuthenticationPrincipal AccountPrincipal me, HttpServletRequest http, Actor actor, Locale locale,
                Model model, RedirectAttributes redirect) {
        Instant authenticatedAt = recentLogin.authenticatedAt(http);
        boolean passwordAsked = reports.reauthenticationNeeded(authenticatedAt);
        String accession;
        try {
            ReportView saved = reports.saveDraft(examId, form.draft(), me);
            accession = saved.accessionNumber();
            boolean critical = Boolean.TRUE.equals(form.critical());
            reports.sign(examId, new SignRequest(saved.version(), form.password(), critical ? callback(form) : null,
                    critical && "TASK".equals(form.callbackMode()), aiReviews(form.aiVerdicts()),
                    form.missedFindings() == null ? List.of() : form.missedFindings()), me, authenticatedAt, actor.source());
        } catch (ProblemException refused) {
            model.addAttribute("failure", messages.getMessage(refused, locale));
            return page(examId, me, http, actor, model);
        }
        if (passwordAsked) {
            recentLogin.renew(http);
        }
        redirect.addFlashAttribute("notice", "report.page.signed");
        redirect.addFlashAttribute("noticeArg", accession);
        return "redirect:/worklist";
    }

    @PostMapping("/addenda")
    String addendum(@PathVariable long examId, @RequestParam(name = "text", required = false) String text,
                    @AuthenticationPrincipal AccountPrincipal me, Actor actor, Locale locale,
                    RedirectAttributes redirect) {
        PageActions.attempt(redirect, messages, locale, "report.page.addendumSigned",
                () -> reports.addAddendum(examId, text == null ? "" : text, me, actor.source()));
        return "redirect:/reading/exams/" + examId + "/report";
    }

    /** The editor's choices "resultId:true|false" per AI result; an unanswered one ("") is left out, and refused if positive. */
    private static List<AiReview> aiReviews(List<String> verdicts) {
        List<AiReview> out = new java.util.ArrayList<>();
        for (String v : verdicts == null ? List.<String>of() : verdicts) {
            int colon = v == null ? -1 : v.indexOf(':');
            if (colon > 0) {
                try {
                    out.add(new AiReview(Long.parseLong(v.substring(0, colon)), Boolean.parseBoolean(v.substring(colon + 1))));
                } catch (NumberFormatException ignored) {
                    // a forged value: the missing review is refused by the signature
                }
            }
        }
        return out;
    }

    /**
     * The call typed on the page: the time is today's on the centers' clock (yesterday's when that
     * would be ahead of now).
     */
    private CallbackDetails callback(SignForm form) {
        if (!"CALLED".equals(form.callbackMode())) {
            return null;
        }
        return new CallbackDetails(form.calledName(), form.calledPhone(),
                callTime(form.calledAt(), clock, zones.center()),
                form.readBackConfirmed());
    }

    /** A call typed as HH:mm on the reading center's clock: today, or yesterday when that would be ahead of now. */
    static OffsetDateTime callTime(String hhmm, Clock clock, ZoneId zone) {
        if (hhmm == null || hhmm.isBlank()) {
            return null;
        }
        try {
            LocalTime time = LocalTime.parse(hhmm.strip());
            ZonedDateTime now = clock.instant().atZone(zone);
            ZonedDateTime at = LocalDate.from(now).atTime(time).atZone(zone);
            return (at.isAfter(now.plusMinutes(5)) ? at.minusDays(1) : at).toOffsetDateTime();
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
