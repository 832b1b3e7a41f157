package fr.relais.reading;

import fr.relais.platform.NotFoundException;
import fr.relais.prior.PriorFetches;
import fr.relais.security.AccountPrincipal;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

import java.util.List;

/**
 * The priors of an exam for the viewer: earlier studies of the same patient from the same
 * hospital, still kept, and those fetched from the hospital's PACS for it, openable through
 * DICOMweb by whoever may read the exam itself; and where that fetch stands.
 */
@RestController
class PriorsController {

    private final StudyAccess access;
    private final PriorFetches fetches;

    PriorsController(StudyAccess access, PriorFetches fetches) {
        this.access = access;
        this.fetches = fetches;
    }

    @GetMapping("/api/exams/{examId}/priors")
    List<StudyAccess.Prior> priors(@AuthenticationPrincipal AccountPrincipal user, @PathVariable long examId) {
        if (access.readableExamStudy(user, examId).isEmpty()) {
            throw new NotFoundException("dicomweb.exam.notFound", "Examen introuvable.");
        }
        return access.priors(user, examId);
    }

    /**
     * Where the fetch of the exam's priors from its hospital's PACS stands: NONE (the hospital has
     * no PACS), PENDING, FETCHED (found, fetched) or FAILED with the reason to show.
     */
    @GetMapping("/api/exams/{examId}/priors/fetch")
    PriorFetches.FetchState fetch(@AuthenticationPrincipal AccountPrincipal user, @PathVariable long examId) {
        if (access.readableExam(user, examId).isEmpty()) {
            throw new NotFoundException("dicomweb.exam.notFound", "Examen introuvable.");
        }
        return fetches.stateOf(examId).orElse(new PriorFetches.FetchState("NONE", null, 0, null, null));
    }
}
