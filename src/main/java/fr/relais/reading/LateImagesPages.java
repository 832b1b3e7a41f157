package fr.relais.reading;

import fr.relais.platform.Zones;
import fr.relais.request.LateImages;
import fr.relais.request.LateImages.LateImageTask;
import fr.relais.security.AccountPrincipal;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ModelAttribute;

import java.time.ZonedDateTime;
import java.util.List;

/**
 * The section "Images après compte rendu" (templates/reading/late-images.html) of the worklist
 * (the author's tasks) and of the supervision page (every task): its rows, dated on the clock of
 * the hospital they concern.
 */
@ControllerAdvice(assignableTypes = {WorklistPageController.class, SupervisionPageController.class})
class LateImagesPages {

    /** One open task as the section shows it. */
    record Row(LateImageTask task, ZonedDateTime firstArrival, ZonedDateTime lastArrival) {}

    private final LateImages lateImages;
    private final Zones zones;

    LateImagesPages(LateImages lateImages, Zones zones) {
        this.lateImages = lateImages;
        this.zones = zones;
    }

    @ModelAttribute("lateImages")
    List<Row> lateImages(@AuthenticationPrincipal AccountPrincipal me, HttpServletRequest http) {
        // Only the pages read them; the buttons' posts redirect.
        if (me == null || !"GET".equals(http.getMethod())) {
            return List.of();
        }
        return lateImages.openTasks(me).stream().map(t -> new Row(t,
                t.firstArrivalAt().atZone(zones.hospital(t.hospitalId())),
                t.lastArrivalAt().atZone(zones.hospital(t.hospitalId())))).toList();
    }
}
