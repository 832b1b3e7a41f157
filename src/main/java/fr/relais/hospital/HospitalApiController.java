package fr.relais.hospital;

import fr.relais.platform.Actor;
import jakarta.validation.Valid;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.util.UriComponentsBuilder;

import java.util.List;

/** Client hospitals: administrators change them, coordinators read them. */
@RestController
@RequestMapping("/api/hospitals")
class HospitalApiController {

    private final HospitalService hospitals;

    HospitalApiController(HospitalService hospitals) {
        this.hospitals = hospitals;
    }

    @GetMapping
    @PreAuthorize("hasAnyRole('ADMIN','COORDINATOR')")
    List<Hospital> list() {
        return hospitals.list();
    }

    @GetMapping("/{id}")
    @PreAuthorize("hasAnyRole('ADMIN','COORDINATOR')")
    Hospital get(@PathVariable long id) {
        return hospitals.get(id);
    }

    @PostMapping
    @PreAuthorize("hasRole('ADMIN')")
    ResponseEntity<Hospital> create(@Valid @RequestBody HospitalRequest request, Actor actor, UriComponentsBuilder uri) {
        Hospital created = hospitals.create(request, actor);
        return ResponseEntity.created(uri.path("/api/hospitals/{id}").build(created.id())).body(created);
    }

    @PutMapping("/{id}")
    @PreAuthorize("hasRole('ADMIN')")
    Hospital update(@PathVariable long id, @Valid @RequestBody HospitalRequest request, Actor actor) {
        return hospitals.update(id, request, actor);
    }

    @DeleteMapping("/{id}")
    @PreAuthorize("hasRole('ADMIN')")
    ResponseEntity<Void> delete(@PathVariable long id, Actor actor) {
        hospitals.delete(id, actor);
        return ResponseEntity.noContent().build();
    }
}
