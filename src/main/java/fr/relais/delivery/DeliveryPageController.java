package fr.relais.delivery;

import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/** Coordinators follow the deliveries: the late and refused ones first, each can be sent again. */
@Controller
@RequestMapping("/coordination/deliveries")
@PreAuthorize("hasAnyRole('COORDINATOR', 'ADMIN')")
class DeliveryPageController {

    private final DeliveryService deliveries;

    DeliveryPageController(DeliveryService deliveries) {
        this.deliveries = deliveries;
    }

    @GetMapping
    String list(Model model) {
        var rows = deliveries.rows(null, null);
        model.addAttribute("deliveries", rows);
        model.addAttribute("alarms", rows.stream().filter(DeliveryStatus::late).count());
        // Not an alarm (nobody is owed it any more), but the hospital's systems never got it.
        model.addAttribute("unreached", rows.stream().filter(DeliveryStatus::unreached).count());
        return "coordination/deliveries";
    }

    @PostMapping("/{id}/retry")
    String retry(@PathVariable long id, RedirectAttributes redirect) {
        if (deliveries.retryNow(id)) {
            redirect.addFlashAttribute("notice", "delivery.page.retried");
            redirect.addFlashAttribute("noticeArg", id);
        } else {
            redirect.addFlashAttribute("notice", "delivery.page.notRetryable");
            redirect.addFlashAttribute("noticeArg", id);
        }
        return "redirect:/coordination/deliveries";
    }
}
