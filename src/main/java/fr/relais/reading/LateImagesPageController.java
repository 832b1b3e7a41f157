package fr.relais.reading;

import fr.relais.platform.Actor;
import fr.relais.platform.PageActions;
import fr.relais.request.LateImages;
import fr.relais.security.AccountPrincipal;
import org.springframework.context.MessageSource;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

import java.util.Locale;

/** "Rien de nouveau" from the section "Images après compte rendu", back to the page it was on. */
@Controller
class LateImagesPageController {

    private final LateImages lateImages;
    private final MessageSource messages;

    LateImagesPageController(LateImages lateImages, MessageSource messages) {
        this.lateImages = lateImages;
        this.messages = messages;
    }

    @PostMapping("/reading/late-images/{id}/nothing-new")
    @PreAuthorize("hasAnyRole('RADIOLOGIST', 'COORDINATOR', 'ADMIN')")
    String nothingNew(@PathVariable long id, @RequestParam(name = "back", defaultValue = "worklist") String back,
                      @AuthenticationPrincipal AccountPrincipal me, Actor actor, Locale locale,
                      RedirectAttributes redirect) {
        if (PageActions.attempt(redirect, messages, locale, "lateImages.closed.notice",
                () -> lateImages.nothingNew(id, me, actor.source()))) {
            redirect.addFlashAttribute("noticeArg", String.valueOf(id));
        }
        return "supervision".equals(back) ? "redirect:/coordination/worklist" : "redirect:/worklist";
    }
}
