package fr.relais.reading;

import fr.relais.platform.NotFoundException;
import fr.relais.security.AccountPrincipal;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

import java.util.List;

/**
 * The priors of an exam for the viewer: earlier studies of the same patient from the same
 * hospital, still kept, openable through DICOMweb by whoever may read the exam itself.
 */
@RestController
class PriorsController {

    private final StudyAccess access;

    PriorsController(StudyAccess access) {
        this.access = access;
    }

    @GetMapping("/api/exams/{examId}/priors")
    List<StudyAccess.Prior> priors(@AuthenticationPrincipal AccountPrincipal user, @PathVariable long examId) {
        if (access.readableExamStudy(user, examId).isEmpty()) {
            throw new NotFoundException("dicomweb.exam.notFound", "Examen introuvable.");
        }
        return access.priors(user, examId);
    }
}
