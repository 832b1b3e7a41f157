package fr.relais.ai;

import fr.relais.audit.AuditLog;
import fr.relais.exam.ExamLifecycle;
import fr.relais.platform.InvalidInputException;
import fr.relais.platform.NotFoundException;
import fr.relais.security.AccountPrincipal;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

import java.time.Clock;
import java.util.List;

/**
 * Thresholds per engine and finding (admin): {@code PUT /api/ai/engines/{code}/thresholds/{finding}}
 * with {@code {threshold}} takes one as given; with {@code {targetSensitivity, validation: [{score,
 * positive}]}} derives the highest threshold that reaches the target on that labelled set and
 * answers with the sensitivity and specificity it has there.
 */
@RestController
@PreAuthorize("hasRole('ADMIN')")
class AiEngineApiController {

    record Labelled(Double score, Boolean positive) {}

    record ThresholdRequest(Double threshold, Double targetSensitivity, List<Labelled> validation) {}

    record ThresholdSet(String engine, String finding, double threshold, String source, Double targetSensitivity,
                        Double sensitivity, Double specificity) {}

    private final AiEngines engines;
    private final JdbcClient jdbc;
    private final AuditLog audit;
    private final Clock clock;

    AiEngineApiController(AiEngines engines, JdbcClient jdbc, AuditLog audit, Clock clock) {
        this.engines = engines;
        this.jdbc = jdbc;
        this.audit = audit;
        this.clock = clock;
    }

    @GetMapping("/api/ai/engines")
    List<AiEngines.Engine> list() {
        return engines.all();
    }

    @PutMapping("/api/ai/engines/{code}/thresholds/{finding}")
    ThresholdSet setThreshold(@PathVariable String code, @PathVariable String finding,
                              @RequestBody ThresholdRequest request, @AuthenticationPrincipal AccountPrincipal me,
                              HttpServletRequest http) {
        AiEngines.Engine engine = engines.byCode(code)
                .orElseThrow(() -> new NotFoundException("ai.engine.unknown", "no engine {0}", code));
        if (!finding.matches("[A-Z0-9_]{1,64}")) {
            throw new InvalidInputException("finding", "ai.review.finding", "a finding is a code such as ICH");
        }
        ThresholdSet set;
        if (request.targetSensitivity() != null) {
            List<Labelled> labelled = request.validation() == null ? List.of() : request.validation();
            if (labelled.stream().anyMatch(l -> l == null || l.score() == null || l.positive() == null)) {
                throw new InvalidInputException("validation", "ai.threshold.validation",
                        "each validation case needs a score and a label (positive true or false)");
            }
            List<Double> positives = labelled.stream().filter(Labelled::positive).map(Labelled::score).toList();
            List<Double> negatives = labelled.stream().filter(l -> !l.positive()).map(Labelled::score).toList();
            if (positives.isEmpty() || request.targetSensitivity() <= 0 || request.targetSensitivity() > 1) {
                throw new InvalidInputException("targetSensitivity", "ai.threshold.target",
                        "a target sensitivity in (0, 1] and at least one labelled positive case are needed");
            }
            double t = Thresholds.forSensitivity(request.targetSensitivity(), positives);
            Thresholds.Performance p = Thresholds.performance(t, positives, negatives);
            set = new ThresholdSet(code, finding, t, "DERIVED", request.targetSensitivity(), p.sensitivity(),
                    negatives.isEmpty() ? null : p.specificity());
        } else if (request.threshold() != null && Double.isFinite(request.threshold())) {
            set = new ThresholdSet(code, finding, request.threshold(), "GIVEN", null, null, null);
        } else {
            throw new InvalidInputException("threshold", "ai.threshold.required",
                    "give a threshold, or a target sensitivity with a labelled validation set");
        }
        jdbc.sql("""
                insert into ai_threshold (engine_id, finding, threshold, source, target_sensitivity, set_at)
                values (:e, :f, :t, :s, :target, :at)
                on conflict (engine_id, finding) do update set threshold = excluded.threshold, source = excluded.source,
                    target_sensitivity = excluded.target_sensitivity, set_at = excluded.set_at""")
                .param("e", engine.id()).param("f", finding).param("t", set.threshold()).param("s", set.source())
                .param("target", set.targetSensitivity()).param("at", ExamLifecycle.utc(clock.instant())).update();
        audit.record(me.username(), "AI_THRESHOLD_SET", "engine:" + code, http.getRemoteAddr(), AuditLog.Outcome.SUCCESS,
                finding + " " + set.threshold() + " " + set.source());
        return set;
    }
}
