package fr.relais.ai;

import fr.relais.platform.Actor;
import fr.relais.platform.ProblemException;
import org.springframework.context.MessageSource;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.multipart.MultipartFile;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

/**
 * {@code /admin/ai}: the engines (create an HTTP or DICOM engine, disable one) and their
 * thresholds per finding, typed as given or derived from a labelled validation set (CSV) for a
 * target sensitivity: the derived threshold is shown with its sensitivity and specificity first,
 * and saved only when the admin confirms.
 */
@Controller
@RequestMapping("/admin/ai")
@PreAuthorize("hasRole('ADMIN')")
class AiAdminController {

    private static final String PAGE = "admin/ai";
    /** A validation set is a few thousand lines at most. */
    private static final long MAX_CSV_BYTES = 1024 * 1024;

    /** An engine as the page lists it. */
    record EngineRow(AiEngines.Engine engine, List<String> examTypes, String address) {}

    private final AiEngines engines;
    private final AiEngineAdmin admin;
    private final AiThresholds thresholds;
    private final MessageSource messages;

    AiAdminController(AiEngines engines, AiEngineAdmin admin, AiThresholds thresholds, MessageSource messages) {
        this.engines = engines;
        this.admin = admin;
        this.thresholds = thresholds;
        this.messages = messages;
    }

    @GetMapping
    String page(Model model) {
        model.addAttribute("engines", engines.all().stream().map(e -> new EngineRow(e, engines.examTypes(e.id()),
                e.kind() == AiEngines.Kind.DICOM ? address(e.id()) : null)).toList());
        model.addAttribute("thresholds", thresholds.all());
        return PAGE;
    }

    /** Where a DICOM engine listens; a row with a missing or broken config is shown as such, not a failed page. */
    private String address(long engineId) {
        try {
            AiEngines.DicomConfig c = engines.dicomConfig(engineId);
            return c.aeTitle() + " @ " + c.host() + ":" + c.port() + (c.timeoutSeconds() == null ? "" : " (" + c.timeoutSeconds() + " s)");
        } catch (IllegalStateException broken) {
            return "⚠ " + broken.getMessage();
        }
    }

    @PostMapping("/engines")
    String create(@ModelAttribute AiEngineAdmin.NewEngine form, Actor actor, Locale locale, RedirectAttributes redirect) {
        try {
            AiEngineAdmin.Created created = admin.create(form, actor);
            redirect.addFlashAttribute("notice", "ai.admin.engineCreated");
            redirect.addFlashAttribute("noticeArg", created.engine().code());
            redirect.addFlashAttribute("token", created.token());
        } catch (ProblemException refused) {
            redirect.addFlashAttribute("failure", messages.getMessage(refused, locale));
        }
        return "redirect:/admin/ai";
    }

    @PostMapping("/engines/{code}/disable")
    String disable(@PathVariable String code, Actor actor, Locale locale, RedirectAttributes redirect) {
        try {
            admin.disable(code, actor);
            redirect.addFlashAttribute("notice", "ai.admin.engineDisabled");
            redirect.addFlashAttribute("noticeArg", code);
        } catch (ProblemException refused) {
            redirect.addFlashAttribute("failure", messages.getMessage(refused, locale));
        }
        return "redirect:/admin/ai";
    }

    /** A threshold typed by the admin, taken as given. */
    @PostMapping("/thresholds")
    String given(@RequestParam String engine, @RequestParam String finding, @RequestParam(required = false) String threshold,
                 Actor actor, Locale locale, RedirectAttributes redirect) {
        try {
            saved(redirect, thresholds.save(thresholds.given(engine, finding, number(threshold)), actor));
        } catch (ProblemException refused) {
            redirect.addFlashAttribute("failure", messages.getMessage(refused, locale));
        }
        return "redirect:/admin/ai";
    }

    /**
     * A labelled validation set and a target: the threshold derived is shown with its performance;
     * with {@code save}, the same set (sent back by the confirmation form) is derived again and saved.
     */
    @PostMapping("/thresholds/derive")
    String derive(@RequestParam String engine, @RequestParam String finding,
                  @RequestParam(required = false) String targetSensitivity,
                  @RequestParam(required = false) MultipartFile validation, @RequestParam(required = false) String csv,
                  @RequestParam(defaultValue = "false") boolean save, Actor actor, Locale locale, Model model,
                  RedirectAttributes redirect) throws IOException {
        String text = csv;
        if (validation != null && !validation.isEmpty()) {
            if (validation.getSize() > MAX_CSV_BYTES) {
                model.addAttribute("failure", messages.getMessage("ai.admin.csvTooLarge", null, locale));
                return page(model);
            }
            text = new String(validation.getBytes(), StandardCharsets.UTF_8);
        }
        try {
            AiThresholds.ThresholdSet set = thresholds.derive(engine, finding, number(targetSensitivity),
                    AiThresholds.parseCsv(text));
            if (save) {
                saved(redirect, thresholds.save(set, actor));
                return "redirect:/admin/ai";
            }
            model.addAttribute("preview", set);
            model.addAttribute("previewCsv", text);
        } catch (ProblemException refused) {
            model.addAttribute("failure", messages.getMessage(refused, locale));
        }
        return page(model);
    }

    private static void saved(RedirectAttributes redirect, AiThresholds.ThresholdSet set) {
        redirect.addFlashAttribute("notice", "ai.admin.thresholdSaved");
        redirect.addFlashAttribute("noticeArg", set.engine() + " " + set.finding() + " = " + set.threshold());
    }

    /** A number as typed in French or English (0,95 or 0.95); null when it is none, for the service to say so. */
    private static Double number(String typed) {
        if (typed == null || typed.isBlank()) {
            return null;
        }
        try {
            return Double.valueOf(typed.trim().replace(',', '.'));
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }
}
