package fr.relais.roster;

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

/** Reading centers: administrators change them, coordinators read them. */
@RestController
@RequestMapping("/api/centers")
class CenterApiController {

    private final ReadingCenterService centers;

    CenterApiController(ReadingCenterService centers) {
        this.centers = centers;
    }

    @GetMapping
    @PreAuthorize("hasAnyRole('ADMIN','COORDINATOR')")
    List<ReadingCenter> list() {
        return centers.list();
    }

    @GetMapping("/{id}")
    @PreAuthorize("hasAnyRole('ADMIN','COORDINATOR')")
    ReadingCenter get(@PathVariable long id) {
        return centers.get(id);
    }

    @PostMapping
    @PreAuthorize("hasRole('ADMIN')")
    ResponseEntity<ReadingCenter> create(@Valid @RequestBody ReadingCenterRequest request, Actor actor,
                                         UriComponentsBuilder uri) {
        ReadingCenter created = centers.create(request, actor);
        return ResponseEntity.created(uri.path("/api/centers/{id}").build(created.id())).body(created);
    }

    @PutMapping("/{id}")
    @PreAuthorize("hasRole('ADMIN')")
    ReadingCenter update(@PathVariable long id, @Valid @RequestBody ReadingCenterRequest request, Actor actor) {
        return centers.update(id, request, actor);
    }

    @DeleteMapping("/{id}")
    @PreAuthorize("hasRole('ADMIN')")
    ResponseEntity<Void> delete(@PathVariable long id, Actor actor) {
        centers.delete(id, actor);
        return ResponseEntity.noContent().build();
    }
}
