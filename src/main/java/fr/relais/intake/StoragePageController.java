package fr.relais.intake;

import fr.relais.storage.ObjectStore;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;

import java.io.IOException;

/**
 * The objects the recovery set aside because they could not be read (a complete file that does
 * not decrypt with this master key, or does not parse), for an administrator to look into: what
 * {@code GET /api/storage/quarantine} lists. They are never deleted.
 */
@Controller
@PreAuthorize("hasRole('ADMIN')")
class StoragePageController {

    private final ObjectStore store;

    StoragePageController(ObjectStore store) {
        this.store = store;
    }

    @GetMapping("/admin/storage")
    String quarantine(Model model) throws IOException {
        model.addAttribute("quarantined", store.quarantined());
        return "admin/storage";
    }
}
