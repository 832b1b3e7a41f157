package fr.relais.roster;

import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;

/** The coordinator's view of the seats: who is on which seat of which center, since when, until when. */
@Controller
@PreAuthorize("hasAnyRole('COORDINATOR','ADMIN')")
class PresenceBoardController {

    private final PresenceService presence;

    PresenceBoardController(PresenceService presence) {
        this.presence = presence;
    }

    @GetMapping("/coordination/presence")
    String board(Model model) {
        model.addAttribute("centers", presence.occupancy());
        return "coordination/presence";
    }
}
