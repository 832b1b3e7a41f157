package fr.relais.roster;

import fr.relais.hospital.HospitalService;
import fr.relais.platform.Actor;
import fr.relais.platform.PageActions;
import org.springframework.context.MessageSource;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

import java.util.List;
import java.util.Locale;

/** The administrator's pages for radiologists' credentials: authorised hospitals, subspecialties, RPPS number. */
@Controller
@RequestMapping("/admin/radiologists")
@PreAuthorize("hasRole('ADMIN')")
class RadiologistAdminController {

    private final CredentialService credentials;
    private final HospitalService hospitals;
    private final MessageSource messages;

    RadiologistAdminController(CredentialService credentials, HospitalService hospitals, MessageSource messages) {
        this.credentials = credentials;
        this.hospitals = hospitals;
        this.messages = messages;
    }

    @GetMapping
    String list(Model model) {
        model.addAttribute("radiologists", credentials.list());
        return "admin/radiologists";
    }

    @GetMapping("/{id}/edit")
    String editForm(@PathVariable long id, Model model) {
        model.addAttribute("radiologist", credentials.get(id));
        model.addAttribute("hospitals", hospitals.list());
        model.addAttribute("subspecialties", Subspecialty.values());
        return "admin/radiologist-form";
    }

    /** Unticked boxes send nothing: no parameter means an empty list. */
    @PostMapping("/{id}")
    String save(@PathVariable long id,
                @RequestParam(name = "hospitalIds", required = false) List<Long> hospitalIds,
                @RequestParam(name = "subspecialties", required = false) List<String> subspecialties,
                @RequestParam(name = "rpps", required = false) String rpps,
                Actor actor, Locale locale, RedirectAttributes redirect) {
        String name = credentials.get(id).displayName();
        boolean saved = PageActions.attempt(redirect, messages, locale, "radiologist.saved",
                () -> credentials.setCredentials(id, hospitalIds == null ? List.of() : hospitalIds,
                        subspecialties == null ? List.of() : subspecialties, rpps, actor));
        redirect.addFlashAttribute("noticeArg", name);
        return saved ? "redirect:/admin/radiologists" : "redirect:/admin/radiologists/" + id + "/edit";
    }
}
