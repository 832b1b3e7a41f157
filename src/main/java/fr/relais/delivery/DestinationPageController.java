package fr.relais.delivery;

import fr.relais.hospital.HospitalDirectory;
import fr.relais.hospital.HospitalDirectory.HospitalRef;
import fr.relais.platform.Actor;
import org.springframework.context.MessageSource;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Administrators see every hospital's report destinations and disable one that must receive
 * nothing more (a RIS being replaced, a PACS answering for another site), or enable it again:
 * what {@code POST /api/hospitals/{h}/destinations/{id}/disable} and {@code /enable} do.
 */
@Controller
@RequestMapping("/admin/destinations")
@PreAuthorize("hasRole('ADMIN')")
class DestinationPageController {

    /** A destination with its hospital's name, for the page. */
    record Row(Destination destination, String hospital) {}

    private final DestinationService destinations;
    private final HospitalDirectory hospitals;

    private final MessageSource messages;

    DestinationPageController(DestinationService destinations, HospitalDirectory hospitals, MessageSource messages) {
        this.destinations = destinations;
        this.messages = messages;
        this.hospitals = hospitals;
    }

    @GetMapping
    String list(Model model) {
        Map<Long, String> names = new HashMap<>();
        List<Row> rows = destinations.all().stream()
                .map(d -> new Row(d, names.computeIfAbsent(d.hospitalId(),
                        id -> hospitals.findById(id).map(HospitalRef::name).orElse("?"))))
                .toList();
        model.addAttribute("rows", rows);
        return "admin/destinations";
    }

    /** Whether the destination answers; the result (and how long it took) is shown on the page. */
    @PostMapping("/{hospitalId}/{id}/test")
    String test(@PathVariable long hospitalId, @PathVariable long id, Actor actor, Locale locale,
                RedirectAttributes redirect) {
        Destination destination = destinations.get(hospitalId, id);
        DeliveryService.ConnectionTest result = destinations.test(hospitalId, id, actor);
        String words = ConnectionTestWords.of(destination, result, messages, locale);
        if (result.answered()) {
            redirect.addFlashAttribute("noticeText", words);
        } else {
            redirect.addFlashAttribute("failure", words);
        }
        redirect.addFlashAttribute("tested", id);
        return "redirect:/admin/destinations";
    }

    @PostMapping("/{hospitalId}/{id}/disable")
    String disable(@PathVariable long hospitalId, @PathVariable long id, Actor actor, RedirectAttributes redirect) {
        destinations.disable(hospitalId, id, actor);
        redirect.addFlashAttribute("notice", "destination.page.disabled");
        return "redirect:/admin/destinations";
    }

    @PostMapping("/{hospitalId}/{id}/enable")
    String enable(@PathVariable long hospitalId, @PathVariable long id, Actor actor, RedirectAttributes redirect) {
        destinations.enable(hospitalId, id, actor);
        redirect.addFlashAttribute("notice", "destination.page.enabled");
        return "redirect:/admin/destinations";
    }
}
