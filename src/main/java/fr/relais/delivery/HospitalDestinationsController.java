package fr.relais.delivery;

import fr.relais.hospital.HospitalDirectory;
import fr.relais.hospital.HospitalDirectory.HospitalRef;
import fr.relais.platform.Actor;
import fr.relais.platform.Forms;
import fr.relais.platform.NotFoundException;
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

/**
 * A hospital's report destinations from its admin page ({@code templates/admin/hospital-destinations.html},
 * included in the hospital's form): added, corrected, removed, enabled again and tested there. What
 * they do is {@link DestinationService}'s, audited; each ends back on the hospital's page, its result
 * said in words next to the destinations.
 */
@Controller
@RequestMapping("/admin/hospitals/{hospitalId}/destinations")
@PreAuthorize("hasRole('ADMIN')")
class HospitalDestinationsController {

    private static final String FORM = "admin/destination-form";

    private final DestinationService destinations;
    private final HospitalDirectory hospitals;
    private final MessageSource messages;

    HospitalDestinationsController(DestinationService destinations, HospitalDirectory hospitals, MessageSource messages) {
        this.destinations = destinations;
        this.hospitals = hospitals;
        this.messages = messages;
    }

    @GetMapping("/new")
    String newForm(@PathVariable long hospitalId, Model model) {
        model.addAttribute("destination", new DestinationRequest(Destination.Kind.HL7_MLLP, null, null, null, null, true));
        return form(hospitalId, null, model);
    }

    @GetMapping("/{id}/edit")
    String editForm(@PathVariable long hospitalId, @PathVariable long id, Model model) {
        Destination d = destinations.get(hospitalId, id);
        model.addAttribute("destination", new DestinationRequest(d.kind(), d.label(), d.host(), d.port(), d.remoteName(),
                d.enabled()));
        return form(hospitalId, id, model);
    }

    @PostMapping
    String add(@PathVariable long hospitalId, @Valid @ModelAttribute("destination") DestinationRequest form,
               BindingResult result, Actor actor, Model model, Locale locale, RedirectAttributes redirect) {
        if (!Forms.submit("destination", form, result, model, DestinationRequest.class,
                f -> destinations.add(hospitalId, f, actor))) {
            return form(hospitalId, null, model);
        }
        return back(hospitalId, locale, redirect, "destination.added", form.label().trim());
    }

    @PostMapping("/{id}")
    String update(@PathVariable long hospitalId, @PathVariable long id,
                  @Valid @ModelAttribute("destination") DestinationRequest form, BindingResult result, Actor actor,
                  Model model, Locale locale, RedirectAttributes redirect) {
        destinations.get(hospitalId, id);
        if (!Forms.submit("destination", form, result, model, DestinationRequest.class,
                f -> destinations.update(hospitalId, id, f, actor))) {
            return form(hospitalId, id, model);
        }
        return back(hospitalId, locale, redirect, "destination.updated", form.label().trim());
    }

    @PostMapping("/{id}/delete")
    String delete(@PathVariable long hospitalId, @PathVariable long id, Actor actor, Locale locale, RedirectAttributes redirect) {
        String label = destinations.get(hospitalId, id).label();
        boolean removed = destinations.remove(hospitalId, id, actor);
        return back(hospitalId, locale, redirect, removed ? "destination.removed" : "destination.removedDisabled", label);
    }

    @PostMapping("/{id}/enable")
    String enable(@PathVariable long hospitalId, @PathVariable long id, Actor actor, Locale locale, RedirectAttributes redirect) {
        String label = destinations.get(hospitalId, id).label();
        destinations.enable(hospitalId, id, actor);
        return back(hospitalId, locale, redirect, "destination.enabledAgain", label);
    }

    /** Whether the destination answers (a C-ECHO, an HL7 test message), said in words on the hospital's page. */
    @PostMapping("/{id}/test")
    String test(@PathVariable long hospitalId, @PathVariable long id, Actor actor, Locale locale,
                RedirectAttributes redirect) {
        Destination destination = destinations.get(hospitalId, id);
        DeliveryService.ConnectionTest result = destinations.test(hospitalId, id, actor);
        redirect.addFlashAttribute(result.answered() ? "destinationNotice" : "destinationFailure",
                ConnectionTestWords.of(destination, result, messages, locale));
        redirect.addFlashAttribute("destinationTested", id);
        return "redirect:/admin/hospitals/" + hospitalId + "/edit#destinations";
    }

    private String form(long hospitalId, Long id, Model model) {
        HospitalRef hospital = hospitals.findById(hospitalId)
                .orElseThrow(() -> new NotFoundException("hospital.notFound", "Aucun hôpital n° {0}.", hospitalId));
        model.addAttribute("hospital", hospital);
        model.addAttribute("destinationId", id);
        return FORM;
    }

    private String back(long hospitalId, Locale locale, RedirectAttributes redirect, String message, String label) {
        redirect.addFlashAttribute("destinationNotice", messages.getMessage(message, new Object[] {label}, locale));
        return "redirect:/admin/hospitals/" + hospitalId + "/edit#destinations";
    }
}
