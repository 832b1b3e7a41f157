package fr.relais.security;

import fr.relais.hospital.HospitalService;
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
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

import java.util.Locale;

/** The administrator's pages for accounts. */
@Controller
@RequestMapping("/admin/users")
@PreAuthorize("hasRole('ADMIN')")
class UserAdminController {

    private static final String FORM = "admin/user-form";

    private final AccountService accounts;
    private final HospitalService hospitals;
    private final MessageSource messages;
    private final LoginThrottle throttle;

    UserAdminController(AccountService accounts, HospitalService hospitals, MessageSource messages, LoginThrottle throttle) {
        this.throttle = throttle;
        this.accounts = accounts;
        this.hospitals = hospitals;
        this.messages = messages;
    }

    @GetMapping
    String list(Model model) {
        model.addAttribute("accounts", accounts.list());
        model.addAttribute("targets", throttle.targets());
        return "admin/users";
    }

    @GetMapping("/new")
    String newForm(Model model) {
        model.addAttribute("form", new NewAccount(null, null, null, null, null));
        return form(model);
    }

    @PostMapping
    String create(@Valid @ModelAttribute("form") NewAccount form, BindingResult result, Actor actor, Model model,
                  RedirectAttributes redirect) {
        if (!Forms.submit("form", form, result, model, NewAccount.class, f -> accounts.create(f, actor))) {
            return form(model);
        }
        redirect.addFlashAttribute("notice", "account.saved");
        redirect.addFlashAttribute("noticeArg", form.username());
        return "redirect:/admin/users";
    }

    @PostMapping("/{id}/enabled")
    String setEnabled(@PathVariable long id, @RequestParam boolean enabled, Actor actor, Locale locale,
                      RedirectAttributes redirect) {
        try {
            Account account = accounts.setEnabled(id, enabled, actor);
            redirect.addFlashAttribute("notice", enabled ? "account.enabled.done" : "account.disabled");
            redirect.addFlashAttribute("noticeArg", account.username());
        } catch (ProblemException refused) {
            redirect.addFlashAttribute("failure", messages.getMessage(refused, locale));
        }
        return "redirect:/admin/users";
    }

    @PostMapping("/{id}/second-factor/reset")
    String resetSecondFactor(@PathVariable long id, Actor actor, RedirectAttributes redirect) {
        redirect.addFlashAttribute("noticeArg", accounts.resetSecondFactor(id, actor).username());
        redirect.addFlashAttribute("notice", "account.secondFactor.reset.done");
        return "redirect:/admin/users";
    }

    @PostMapping("/{id}/unlock")
    String unlock(@PathVariable long id, Actor actor, RedirectAttributes redirect) {
        throttle.unlock(id, actor);
        redirect.addFlashAttribute("noticeArg", accounts.get(id).username());
        redirect.addFlashAttribute("notice", "account.unlocked");
        return "redirect:/admin/users";
    }

    private String form(Model model) {
        model.addAttribute("roles", Role.values());
        model.addAttribute("hospitals", hospitals.list());
        return FORM;
    }
}
