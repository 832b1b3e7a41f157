package fr.relais.roster;

import fr.relais.platform.Actor;
import fr.relais.platform.Forms;
import fr.relais.platform.ProblemException;
import jakarta.validation.Valid;
import org.springframework.context.MessageSource;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.validation.BindingResult;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

import java.util.Locale;

/** The administrator's pages for reading centers. */
@Controller
@RequestMapping("/admin/centers")
@PreAuthorize("hasRole('ADMIN')")
class CenterAdminController {

    private static final String FORM = "admin/center-form";

    private final ReadingCenterService centers;
    private final MessageSource messages;

    CenterAdminController(ReadingCenterService centers, MessageSource messages) {
        this.centers = centers;
        this.messages = messages;
    }

    @GetMapping
    String list(Model model) {
        model.addAttribute("centers", centers.list());
        return "admin/centers";
    }

    @GetMapping("/new")
    String newForm(Model model) {
        model.addAttribute("form", ReadingCenterRequest.blank());
        return FORM;
    }

    @GetMapping("/{id}/edit")
    String editForm(@PathVariable long id, Model model) {
        ReadingCenter center = centers.get(id);
        model.addAttribute("centerId", id);
        model.addAttribute("form", new ReadingCenterRequest(center.name(), center.seats()));
        return FORM;
    }

    @PostMapping
    String create(@Valid @ModelAttribute("form") ReadingCenterRequest form, BindingResult result, Actor actor,
                  Model model, RedirectAttributes redirect) {
        if (!Forms.submit("form", form, result, model, ReadingCenterRequest.class, f -> centers.create(f, actor))) {
            return FORM;
        }
        return saved(redirect, form.name());
    }

    @PostMapping("/{id}")
    String update(@PathVariable long id, @Valid @ModelAttribute("form") ReadingCenterRequest form,
                  BindingResult result, Actor actor, Model model, RedirectAttributes redirect) {
        model.addAttribute("centerId", id);
        if (!Forms.submit("form", form, result, model, ReadingCenterRequest.class, f -> centers.update(id, f, actor))) {
            return FORM;
        }
        return saved(redirect, form.name());
    }

    @PostMapping("/{id}/delete")
    String delete(@PathVariable long id, Actor actor, Locale locale, RedirectAttributes redirect) {
        String name = centers.get(id).name();
        try {
            centers.delete(id, actor);
            redirect.addFlashAttribute("notice", "center.deleted");
        } catch (ProblemException refused) {
            redirect.addFlashAttribute("failure", messages.getMessage(refused, locale));
        }
        redirect.addFlashAttribute("noticeArg", name);
        return "redirect:/admin/centers";
    }

    private static String saved(RedirectAttributes redirect, String name) {
        redirect.addFlashAttribute("notice", "center.saved");
        redirect.addFlashAttribute("noticeArg", name);
        return "redirect:/admin/centers";
    }
}
