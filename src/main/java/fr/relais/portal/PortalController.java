package fr.relais.portal;

import fr.relais.catalog.ExamTypeService;
import fr.relais.delivery.DeliveryService;
import fr.relais.exam.ExamState;
import fr.relais.exam.ExamStateMachine;
import fr.relais.intake.IntakeService;
import fr.relais.platform.Actor;
import fr.relais.platform.Forms;
import fr.relais.platform.PageActions;
import fr.relais.report.CriticalResults;
import fr.relais.report.ReportService;
import fr.relais.report.ReportText;
import fr.relais.report.ReportView;
import fr.relais.request.RequestService;
import fr.relais.request.RequestView;
import fr.relais.security.AccountPrincipal;
import jakarta.validation.Valid;
import org.springframework.context.MessageSource;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.validation.BindingResult;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.multipart.MultipartFile;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

import java.time.Clock;
import java.time.Duration;
import java.io.IOException;
import java.util.EnumSet;
import java.util.Locale;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The hospital portal: the emergency physician files requests, follows them live, answers the
 * regulating radiologist, records consent and cancels; the technologist sees what was accepted.
 * Every read goes through {@link RequestService}, which scopes it to the viewer's hospital.
 */
@Controller
@RequestMapping("/portal")
@PreAuthorize("hasAnyRole('HOSPITAL_PHYSICIAN','HOSPITAL_TECHNOLOGIST')")
class PortalController {

    static final long MAX_CONSENT_DOCUMENT_BYTES = 10L * 1024 * 1024;
    private static final Set<String> CONSENT_DOCUMENT_TYPES = Set.of("application/pdf", "image/jpeg", "image/png");
    private static final int MAX_MESSAGE = 2000;
    private static final String FORM = "portal/request-form";

    /** What the technologist prepares or has sent: accepted and later, until the images are gone. */
    private static final Set<ExamState> ACCEPTED = EnumSet.of(ExamState.PROTOCOLED, ExamState.ACQUIRING,
            ExamState.QUARANTINED, ExamState.READY, ExamState.IN_READING, ExamState.REPORTED, ExamState.DELIVERED);

    private final RequestService requests;
    private final ReportService reports;
    private final ReportText reportText;
    private final ExamTypeService examTypes;
    private final MessageSource messages;
    private final DeliveryService deliveries;
    private final CriticalResults critical;
    private final IntakeService intake;
    private final Clock clock;

    /** How long the hospital's pages say that Relais asked to send again later. */
    static final Duration RETRY_LATER_SHOWN = Duration.ofHours(1);

    PortalController(RequestService requests, ReportService reports, ReportText reportText, ExamTypeService examTypes,
                     MessageSource messages, DeliveryService deliveries, CriticalResults critical, IntakeService intake,
                     Clock clock) {
        this.deliveries = deliveries;
        this.critical = critical;
        this.intake = intake;
        this.clock = clock;
        this.requests = requests;
        this.reports = reports;
        this.reportText = reportText;
        this.examTypes = examTypes;
        this.messages = messages;
    }

    @GetMapping("/requests")
    String list(@AuthenticationPrincipal AccountPrincipal me, Actor actor, Model model) {
        model.addAttribute("requests", requests.list(me, Set.of(), actor.source()));
        // Rows whose report this user has not opened yet, and whose critical result nobody acknowledged.
        List<CriticalResults.Notice> notices = critical.notices(me);
        model.addAttribute("toAcknowledge", notices.stream().filter(CriticalResults.Notice::toAcknowledge)
                .map(CriticalResults.Notice::examId).collect(Collectors.toSet()));
        model.addAttribute("newReports", notices.stream().map(CriticalResults.Notice::examId).collect(Collectors.toSet()));
        retryLater(me, model);
        return "portal/requests";
    }

    /**
     * What every portal page shows on top, followed live: critical results to acknowledge, then
     * reports signed in the last day this user has not opened.
     */
    @GetMapping("/notices")
    String notices(@AuthenticationPrincipal AccountPrincipal me, Model model) {
        model.addAttribute("notices", critical.notices(me));
        return "portal/notices :: notices";
    }

    /** A named person of the requesting service has read the critical result: recorded once, audited. */
    @PostMapping("/requests/{id}/critical-acknowledgement")
    String acknowledge(@PathVariable long id, @AuthenticationPrincipal AccountPrincipal me, Actor actor,
                       RedirectAttributes redirect) {
        critical.acknowledge(id, me, actor);
        redirect.addFlashAttribute("notice", "critical.acknowledged");
        return "redirect:/portal/requests/" + id;
    }

    /** The hospital's status line: when Relais last asked its scanners to send again later, within the hour. */
    private void retryLater(AccountPrincipal me, Model model) {
        if (me.hospitalId() != null) {
            intake.askedToRetryLaterSince(me.hospitalId(), clock.instant().minus(RETRY_LATER_SHOWN))
                    .ifPresent(at -> model.addAttribute("retryLaterAt", at));
        }
    }

    @GetMapping("/requests/new")
    @PreAuthorize("hasRole('HOSPITAL_PHYSICIAN')")
    String newForm(@AuthenticationPrincipal AccountPrincipal me, Model model) {
        model.addAttribute("form", RequestForm.blank(me.displayName()));
        return form(model);
    }

    @PostMapping("/requests")
    @PreAuthorize("hasRole('HOSPITAL_PHYSICIAN')")
    String file(@Valid @ModelAttribute("form") RequestForm form, BindingResult result,
                @AuthenticationPrincipal AccountPrincipal me, Actor actor, Model model, RedirectAttributes redirect) {
        AtomicReference<RequestView> filed = new AtomicReference<>();
        if (!Forms.submit("form", form, result, model, RequestForm.class,
                f -> filed.set(requests.file(f.toNewRequest(), me, actor.source())))) {
            return form(model);
        }
        redirect.addFlashAttribute("filed", true);
        return "redirect:/portal/requests/" + filed.get().id();
    }

    @GetMapping("/requests/{id}")
    String detail(@PathVariable long id, @AuthenticationPrincipal AccountPrincipal me, Actor actor, Model model) {
        RequestView request = requests.read(id, me, actor.source());
        model.addAttribute("request", request);
        model.addAttribute("messages", requests.messages(id, me));
        model.addAttribute("cancellable", ExamStateMachine.allows(request.state(), ExamState.CANCELLED));
        // The signed report shows here the moment it is signed (the page follows the request live); each opening is audited.
        ReportView report = reports.signedFor(id, me, actor.source()).orElse(null);
        model.addAttribute("report", report);
        if (report != null) {
            critical.seen(id, me);
            model.addAttribute("acknowledgement", report.critical() ? critical.acknowledgement(id).orElse(null) : null);
        }
        model.addAttribute("deliveries", deliveries.ofExam(id));
        if (!model.containsAttribute("consentForm")) {
            model.addAttribute("consentForm", new ConsentForm(request.consent(), null, null));
        }
        model.addAttribute("maxDocumentMegabytes", MAX_CONSENT_DOCUMENT_BYTES / (1024 * 1024));
        return "portal/request";
    }

    /** The signed report as a text file (the PDF comes with delivery). */
    @GetMapping("/requests/{id}/report.txt")
    ResponseEntity<String> reportDocument(@PathVariable long id, @AuthenticationPrincipal AccountPrincipal me, Actor actor) {
        requests.get(id, me, actor.source());
        return reportText.download(reports.document(id, me, actor.source()));
    }

    @PostMapping("/requests/{id}/cancel")
    @PreAuthorize("hasRole('HOSPITAL_PHYSICIAN')")
    String cancel(@PathVariable long id, @RequestParam(name = "confirm", required = false) String confirm,
                  @AuthenticationPrincipal AccountPrincipal me, Actor actor, Locale locale, RedirectAttributes redirect) {
        if (!"yes".equals(confirm)) {
            PageActions.fail(redirect, messages, locale, "portal.cancel.unconfirmed");
        } else {
            PageActions.attempt(redirect, messages, locale, "portal.cancelled", () -> requests.cancel(id, me, actor.source()));
        }
        return "redirect:/portal/requests/" + id;
    }

    @PostMapping("/requests/{id}/consent")
    @PreAuthorize("hasRole('HOSPITAL_PHYSICIAN')")
    String consent(@PathVariable long id, @Valid @ModelAttribute("consentForm") ConsentForm form, BindingResult result,
                   @AuthenticationPrincipal AccountPrincipal me, Actor actor, Model model, Locale locale,
                   RedirectAttributes redirect) {
        if (!Forms.submit("consentForm", form, result, model, ConsentForm.class,
                f -> requests.recordConsent(id, f.toUpdate(), me, actor.source()))) {
            model.addAttribute("consentFailed", true);
            return detail(id, me, actor, model);
        }
        redirect.addFlashAttribute("notice", "portal.consent.recorded");
        return "redirect:/portal/requests/" + id;
    }

    @PostMapping("/requests/{id}/consent/document")
    @PreAuthorize("hasRole('HOSPITAL_PHYSICIAN')")
    String consentDocument(@PathVariable long id, @RequestParam(name = "document", required = false) MultipartFile document,
                           @AuthenticationPrincipal AccountPrincipal me, Actor actor, Locale locale,
                           RedirectAttributes redirect) throws IOException {
        String refusal = null;
        if (document == null || document.isEmpty()) {
            refusal = "portal.document.missing";
        } else if (document.getSize() > MAX_CONSENT_DOCUMENT_BYTES) {
            refusal = "portal.document.tooLarge";
        } else if (document.getContentType() == null || !CONSENT_DOCUMENT_TYPES.contains(document.getContentType())) {
            refusal = "portal.document.type";
        }
        if (refusal != null) {
            PageActions.fail(redirect, messages, locale, refusal, MAX_CONSENT_DOCUMENT_BYTES / (1024 * 1024));
        } else {
            byte[] bytes = document.getBytes();
            PageActions.attempt(redirect, messages, locale, "portal.document.saved",
                    () -> requests.attachConsentDocument(id, document.getContentType(), bytes, me, actor.source()));
        }
        return "redirect:/portal/requests/" + id;
    }

    @PostMapping("/requests/{id}/answer")
    @PreAuthorize("hasRole('HOSPITAL_PHYSICIAN')")
    String answer(@PathVariable long id, @RequestParam(name = "message", required = false) String message,
                  @AuthenticationPrincipal AccountPrincipal me, Actor actor, Locale locale, RedirectAttributes redirect) {
        String refusal = PageActions.textRefusal(message, MAX_MESSAGE, "portal.answer");
        if (refusal != null) {
            PageActions.fail(redirect, messages, locale, refusal, MAX_MESSAGE);
        } else {
            PageActions.attempt(redirect, messages, locale, "portal.answer.sent", () -> requests.answer(id, message.strip(), me, actor.source()));
        }
        return "redirect:/portal/requests/" + id;
    }

    @GetMapping("/technologist")
    String technologist(@AuthenticationPrincipal AccountPrincipal me, Actor actor, Model model) {
        model.addAttribute("requests", requests.list(me, ACCEPTED, actor.source()));
        retryLater(me, model);
        return "portal/technologist";
    }

    private String form(Model model) {
        model.addAttribute("examTypes", examTypes.list());
        return FORM;
    }
}
