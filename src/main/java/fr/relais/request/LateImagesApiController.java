package fr.relais.request;

import fr.relais.request.LateImages.LateImageTask;
import fr.relais.security.AccountPrincipal;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import java.util.List;

/**
 * The "images après compte rendu" tasks: a radiologist sees those of his signed reports,
 * coordinators and administrators every one; "nothing new" closes one (an addendum closes it too).
 */
@RestController
class LateImagesApiController {

    private final LateImages lateImages;

    LateImagesApiController(LateImages lateImages) {
        this.lateImages = lateImages;
    }

    @GetMapping("/api/late-image-tasks")
    @PreAuthorize("hasAnyRole('RADIOLOGIST', 'COORDINATOR', 'ADMIN')")
    List<LateImageTask> tasks(@RequestParam(name = "all", defaultValue = "false") boolean all,
                              @AuthenticationPrincipal AccountPrincipal user) {
        return lateImages.tasks(user, !all);
    }

    @PostMapping("/api/late-image-tasks/{id}/nothing-new")
    @PreAuthorize("hasAnyRole('RADIOLOGIST', 'COORDINATOR', 'ADMIN')")
    LateImageTask nothingNew(@PathVariable long id, @AuthenticationPrincipal AccountPrincipal user,
                             HttpServletRequest http) {
        return lateImages.nothingNew(id, user, http.getRemoteAddr());
    }
}
