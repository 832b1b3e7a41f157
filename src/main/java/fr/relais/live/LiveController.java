package fr.relais.live;

import fr.relais.security.AccountPrincipal;
import org.springframework.http.MediaType;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/** Server-sent events for the logged-in pages (session cookie, page security chain). */
@Controller
class LiveController {

    private final LiveRequests live;
    private final LiveWorklist worklist;

    LiveController(LiveRequests live, LiveWorklist worklist) {
        this.live = live;
        this.worklist = worklist;
    }

    @GetMapping(path = "/live/requests", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    @PreAuthorize("hasAnyRole('HOSPITAL_PHYSICIAN','HOSPITAL_TECHNOLOGIST','RADIOLOGIST','COORDINATOR','ADMIN')")
    SseEmitter requests(@AuthenticationPrincipal AccountPrincipal viewer) {
        return live.open(viewer);
    }

    @GetMapping(path = "/live/worklist", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    @PreAuthorize("hasAnyRole('RADIOLOGIST','COORDINATOR','ADMIN')")
    SseEmitter worklist(@AuthenticationPrincipal AccountPrincipal viewer) {
        return worklist.open(viewer);
    }
}
