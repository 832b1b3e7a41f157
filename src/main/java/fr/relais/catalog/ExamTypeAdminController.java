package fr.relais.catalog;

import fr.relais.platform.Actor;
import fr.relais.platform.Forms;
import jakarta.validation.Valid;
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

/** The administrator's pages for the exam catalog. */
@Controller
@RequestMapping("/admin/exam-types")
@PreAuthorize("hasRole('ADMIN')")
class ExamTypeAdminController {

    private static final String FORM = "admin/exam-type-form";

    private final ExamTypeService catalog;

    ExamTypeAdminController(ExamTypeService catalog) {
        this.catalog = catalog;
    }

    @GetMapping
    String list(Model model) {
        model.addAttribute("examTypes", catalog.list());
        return "admin/exam-types";
    }

    @GetMapping("/new")
    String newForm(Model model) {
        model.addAttribute("form", ExamType.blank());
        return FORM;
    }

    @GetMapping("/{code}/edit")
    String editForm(@PathVariable String code, Model model) {
        model.addAttribute("editing", code);
        model.addAttribute("form", catalog.get(code));
        return FORM;
    }

    @PostMapping
    String create(@Valid @ModelAttribute("form") ExamType form, BindingResult result, Actor actor,
                  Model model, RedirectAttributes redirect) {
        if (!Forms.submit("form", form, result, model, ExamType.class, f -> catalog.create(f, actor))) {
            return FORM;
        }
        return saved(redirect, form.code());
    }

    @PostMapping("/{code}")
    String update(@PathVariable String code, @Valid @ModelAttribute("form") ExamType form, BindingResult result,
                  Actor actor, Model model, RedirectAttributes redirect) {
        model.addAttribute("editing", code);
        // The code is shown read-only on the edit form; the path is what counts.
        if (!Forms.submit("form", form, result, model, ExamType.class,
                f -> catalog.update(code, f.withCode(code), actor))) {
            return FORM;
        }
        return saved(redirect, code);
    }

    private static String saved(RedirectAttributes redirect, String code) {
        redirect.addFlashAttribute("notice", "examType.saved");
        redirect.addFlashAttribute("noticeArg", code);
        return "redirect:/admin/exam-types";
    }
}
