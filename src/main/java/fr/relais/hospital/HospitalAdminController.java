package fr.relais.hospital;

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

/** The administrator's pages for client hospitals. */
@Controller
@RequestMapping("/admin/hospitals")
@PreAuthorize("hasRole('ADMIN')")
class HospitalAdminController {

    private static final String FORM = "admin/hospital-form";

    private final HospitalService hospitals;
    private final MessageSource messages;

    HospitalAdminController(HospitalService hospitals, MessageSource messages) {
        this.hospitals = hospitals;
        this.messages = messages;
    }

    @GetMapping
    String list(Model model) {
        model.addAttribute("hospitals", hospitals.list());
        return "admin/hospitals";
    }

    @GetMapping("/new")
    String newForm(Model model) {
        model.addAttribute("form", HospitalRequest.blank());
        return FORM;
    }

    @GetMapping("/{id}/edit")
    String editForm(@PathVariable long id, Model model) {
        model.addAttribute("hospitalId", id);
        model.addAttribute("form", HospitalRequest.of(hospitals.get(id)));
        return FORM;
    }

    @PostMapping
    String create(@Valid @ModelAttribute("form") HospitalRequest form, BindingResult result, Actor actor,
                  Model model, RedirectAttributes redirect) {
        if (!Forms.submit("form", form, result, model, HospitalRequest.class, f -> hospitals.create(f, actor))) {
            return FORM;
        }
        return saved(redirect, form.name());
    }

    @PostMapping("/{id}")
    String update(@PathVariable long id, @Valid @ModelAttribute("form") HospitalRequest form, BindingResult result,
                  Actor actor, Model model, RedirectAttributes redirect) {
        model.addAttribute("hospitalId", id);
        if (!Forms.submit("form", form, result, model, HospitalRequest.class, f -> hospitals.update(id, f, actor))) {
            return FORM;
        }
        return saved(redirect, form.name());
    }

    @PostMapping("/{id}/delete")
    String delete(@PathVariable long id, Actor actor, Locale locale, RedirectAttributes redirect) {
        String name = hospitals.get(id).name();
        try {
            hospitals.delete(id, actor);
            redirect.addFlashAttribute("notice", "hospital.deleted");
        } catch (ProblemException refused) {
            redirect.addFlashAttribute("failure", messages.getMessage(refused, locale));
        }
        redirect.addFlashAttribute("noticeArg", name);
        return "redirect:/admin/hospitals";
    }

    private static String saved(RedirectAttributes redirect, String name) {
        redirect.addFlashAttribute("notice", "hospital.saved");
        redirect.addFlashAttribute("noticeArg", name);
        return "redirect:/admin/hospitals";
    }
}
