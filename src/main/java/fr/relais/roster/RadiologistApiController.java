package fr.relais.roster;

import fr.relais.platform.Actor;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import java.util.List;

/** Radiologists' credentials: administrators change them, coordinators read them. */
@RestController
@RequestMapping("/api/radiologists")
class RadiologistApiController {

    private final CredentialService credentials;

    RadiologistApiController(CredentialService credentials) {
        this.credentials = credentials;
    }

    @GetMapping
    @PreAuthorize("hasAnyRole('ADMIN','COORDINATOR')")
    List<Radiologist> list() {
        return credentials.list();
    }

    @GetMapping("/{userId}")
    @PreAuthorize("hasAnyRole('ADMIN','COORDINATOR')")
    Radiologist get(@PathVariable long userId) {
        return credentials.get(userId);
    }

    /** Body: the hospital ids, e.g. {@code [3, 7]}; replaces the list. */
    @PutMapping("/{userId}/hospitals")
    @PreAuthorize("hasRole('ADMIN')")
    Radiologist setHospitals(@PathVariable long userId, @RequestBody List<Long> hospitalIds, Actor actor) {
        return credentials.setHospitals(userId, hospitalIds, actor);
    }

    /** The RPPS number the radiologist's acts are billed under. */
    record RppsChange(String rpps) {}

    /** Body: {@code {"rpps": "10001234567"}} (null or blank clears it). */
    @PutMapping("/{userId}/rpps")
    @PreAuthorize("hasRole('ADMIN')")
    Radiologist setRpps(@PathVariable long userId, @RequestBody RppsChange change, Actor actor) {
        return credentials.setRpps(userId, change == null ? null : change.rpps(), actor);
    }

    /** Body: the subspecialties, e.g. {@code ["NEURO", "VASCULAR"]}; replaces the list. */
    @PutMapping("/{userId}/subspecialties")
    @PreAuthorize("hasRole('ADMIN')")
    Radiologist setSubspecialties(@PathVariable long userId, @RequestBody List<String> subspecialties, Actor actor) {
        return credentials.setSubspecialties(userId, subspecialties, actor);
    }
}
