package fr.relais.intake;

import fr.relais.platform.Actor;
import fr.relais.platform.InvalidInputException;
import fr.relais.platform.NotFoundException;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import java.time.Clock;

/** Administrators run the retention purge (or its dry run) now, and put exams on legal hold. */
@RestController
@PreAuthorize("hasRole('ADMIN')")
class RetentionController {

    record LegalHold(Boolean hold, String reason) {}

    private final RetentionPurge purge;
    private final Clock clock;

    RetentionController(RetentionPurge purge, Clock clock) {
        this.purge = purge;
        this.clock = clock;
    }

    @PostMapping("/api/retention/purge")
    RetentionPurge.Report purge(@RequestParam(defaultValue = "true") boolean dryRun) {
        return purge.purge(clock.instant(), dryRun);
    }

    @PutMapping("/api/exams/{examId}/legal-hold")
    LegalHold legalHold(@PathVariable long examId, @RequestBody LegalHold request, Actor actor) {
        if (request == null || request.hold() == null) {
            throw new InvalidInputException("hold", "retention.hold.required", "Indiquez hold: true ou false.");
        }
        String reason = request.reason() == null ? null : request.reason().trim();
        if (request.hold() && (reason == null || reason.isEmpty() || reason.length() > 500)) {
            throw new InvalidInputException("reason", "retention.reason.required",
                    "Une mise sous séquestre demande un motif (500 caractères au plus).");
        }
        if (!purge.legalHold(examId, request.hold(), reason, actor.username(), actor.source())) {
            throw new NotFoundException("retention.exam.notFound", "Examen introuvable.");
        }
        return new LegalHold(request.hold(), request.hold() ? reason : null);
    }
}
