package fr.relais.ops;

import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ResponseBody;

/** Tonight's operations for coordinators and admins: {@code /coordination/dashboard} and {@code GET /api/ops/dashboard}. */
@Controller
@PreAuthorize("hasAnyRole('COORDINATOR','ADMIN')")
class DashboardController {

    private final DashboardService dashboards;

    DashboardController(DashboardService dashboards) {
        this.dashboards = dashboards;
    }

    @GetMapping("/api/ops/dashboard")
    @ResponseBody
    Dashboard json() {
        return dashboards.tonight();
    }

    @GetMapping("/coordination/dashboard")
    String page(Model model) {
        Dashboard d = dashboards.tonight();
        model.addAttribute("d", d);
        model.addAttribute("hourChart", Charts.perHour(d.perHour()));
        model.addAttribute("classChart", Charts.turnaroundByClass(d.byClass()));
        return "coordination/dashboard";
    }
}
