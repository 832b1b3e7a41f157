package fr.relais.ops;

import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** The dashboard's figures as JSON: {@code GET /api/ops/dashboard[?hours=N]} (coordinators, admins). */
@RestController
@PreAuthorize("hasAnyRole('COORDINATOR','ADMIN')")
class DashboardApiController {

    private final DashboardService dashboards;

    DashboardApiController(DashboardService dashboards) {
        this.dashboards = dashboards;
    }

    @GetMapping("/api/ops/dashboard")
    Dashboard json(@RequestParam(required = false) String hours) {
        return dashboards.tonightOrLast(hours);
    }
}
