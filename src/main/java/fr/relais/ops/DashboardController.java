package fr.relais.ops;

import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;

/** Tonight's operations for coordinators and admins, as a page: {@code /coordination/dashboard[?hours=N]}. */
@Controller
@PreAuthorize("hasAnyRole('COORDINATOR','ADMIN')")
class DashboardController {

    private final DashboardService dashboards;

    DashboardController(DashboardService dashboards) {
        this.dashboards = dashboards;
    }

    @GetMapping("/coordination/dashboard")
    String page(@RequestParam(required = false) String hours, Model model) {
        Dashboard d = dashboards.tonightOrLast(hours);
        model.addAttribute("d", d);
        model.addAttribute("hourChart", Charts.perHour(d.perHour()));
        model.addAttribute("classChart", Charts.turnaroundByClass(d.byClass()));
        return "coordination/dashboard";
    }
}
