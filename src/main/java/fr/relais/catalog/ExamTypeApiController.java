package fr.relais.catalog;

import fr.relais.platform.Actor;
import fr.relais.platform.InvalidInputException;
import jakarta.validation.Valid;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.util.UriComponentsBuilder;

import java.util.List;

/** The exam catalog: administrators change it, coordinators read it. */
@RestController
@RequestMapping("/api/exam-types")
class ExamTypeApiController {

    private final ExamTypeService catalog;

    ExamTypeApiController(ExamTypeService catalog) {
        this.catalog = catalog;
    }

    @GetMapping
    @PreAuthorize("hasAnyRole('ADMIN','COORDINATOR')")
    List<ExamType> list() {
        return catalog.list();
    }

    @GetMapping("/{code}")
    @PreAuthorize("hasAnyRole('ADMIN','COORDINATOR')")
    ExamType get(@PathVariable String code) {
        return catalog.get(code);
    }

    @PostMapping
    @PreAuthorize("hasRole('ADMIN')")
    ResponseEntity<ExamType> create(@Valid @RequestBody ExamType type, Actor actor, UriComponentsBuilder uri) {
        ExamType created = catalog.create(type, actor);
        return ResponseEntity.created(uri.path("/api/exam-types/{code}").build(created.code())).body(created);
    }

    @PutMapping("/{code}")
    @PreAuthorize("hasRole('ADMIN')")
    ExamType update(@PathVariable String code, @Valid @RequestBody ExamType type, Actor actor) {
        if (!code.equals(type.code())) {
            throw new InvalidInputException("code", "examType.code.immutable",
                    "The code is the key of an exam type and cannot change", code);
        }
        return catalog.update(code, type, actor);
    }
}
