package fr.relais.ai;

import fr.relais.platform.Actor;
import org.springframework.http.HttpStatus;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

import java.util.List;

/**
 * Engines and their thresholds (admin): {@code POST /api/ai/engines} creates an external engine
 * (HTTP, with its token in the answer only, or DICOM), {@code POST /api/ai/engines/{code}/disable}
 * disables one. Thresholds per engine and finding: {@code PUT /api/ai/engines/{code}/thresholds/{finding}}
 * with {@code {threshold}} takes one as given; with {@code {targetSensitivity, validation: [{score,
 * positive}]}}, or a {@code text/csv} validation set and {@code ?targetSensitivity=}, derives the
 * highest threshold that reaches the target on that labelled set and answers with the sensitivity
 * and specificity it has there. {@code ?dryRun=true} derives without saving.
 */
@RestController
@PreAuthorize("hasRole('ADMIN')")
class AiEngineApiController {

    record ThresholdRequest(Double threshold, Double targetSensitivity, List<AiThresholds.Labelled> validation) {}

    private final AiEngines engines;
    private final AiEngineAdmin admin;
    private final AiThresholds thresholds;

    AiEngineApiController(AiEngines engines, AiEngineAdmin admin, AiThresholds thresholds) {
        this.engines = engines;
        this.admin = admin;
        this.thresholds = thresholds;
    }

    @GetMapping("/api/ai/engines")
    List<AiEngines.Engine> list() {
        return engines.all();
    }

    /** An external engine, as on the admin page: an HTTP engine's token is in this answer only. */
    @PostMapping("/api/ai/engines")
    @ResponseStatus(HttpStatus.CREATED)
    AiEngineAdmin.Created create(@RequestBody AiEngineAdmin.NewEngine engine, Actor actor) {
        return admin.create(engine, actor);
    }

    @PostMapping("/api/ai/engines/{code}/disable")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void disable(@PathVariable String code, Actor actor) {
        admin.disable(code, actor);
    }

    @PutMapping(path = "/api/ai/engines/{code}/thresholds/{finding}", consumes = "application/json")
    AiThresholds.ThresholdSet setThreshold(@PathVariable String code, @PathVariable String finding,
                                           @RequestBody ThresholdRequest request,
                                           @RequestParam(defaultValue = "false") boolean dryRun, Actor actor) {
        AiThresholds.ThresholdSet set = request.targetSensitivity() != null
                ? thresholds.derive(code, finding, request.targetSensitivity(), request.validation())
                : thresholds.given(code, finding, request.threshold());
        return dryRun ? set : thresholds.save(set, actor);
    }

    /** The command line's door: the validation set as the operator keeps it, a CSV file. */
    @PutMapping(path = "/api/ai/engines/{code}/thresholds/{finding}", consumes = "text/csv")
    AiThresholds.ThresholdSet deriveFromCsv(@PathVariable String code, @PathVariable String finding,
                                            @RequestParam Double targetSensitivity, @RequestBody(required = false) String csv,
                                            @RequestParam(defaultValue = "false") boolean dryRun, Actor actor) {
        AiThresholds.ThresholdSet set = thresholds.derive(code, finding, targetSensitivity, AiThresholds.parseCsv(csv));
        return dryRun ? set : thresholds.save(set, actor);
    }
}
