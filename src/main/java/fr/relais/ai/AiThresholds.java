package fr.relais.ai;

import fr.relais.audit.AuditLog;
import fr.relais.exam.ExamLifecycle;
import fr.relais.platform.Actor;
import fr.relais.platform.InvalidInputException;
import fr.relais.platform.NotFoundException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Thresholds per engine and finding, sensitivity first: taken as given, or derived from a labelled
 * validation set for a target sensitivity (the highest threshold that reaches it there, with the
 * sensitivity and specificity it has there). The API, the admin page and {@code ./relais ai
 * threshold} all come here.
 */
@Service
class AiThresholds {

    /** One case of a validation set: the engine's score and whether the finding was truly there. */
    record Labelled(Double score, Boolean positive) {}

    /**
     * A threshold as set (or as it would be set): its performance on the validation set when derived,
     * with the lower bound of the sensitivity's 95% Wilson interval (what a small set can promise).
     */
    record ThresholdSet(String engine, String finding, double threshold, String source, Double targetSensitivity,
                        Double sensitivity, Double sensitivityLow, Double specificity, Integer positives,
                        Integer negatives) {}

    /** A threshold in force, for the admin page. */
    record Current(String engine, String finding, double threshold, String source, Double targetSensitivity,
                   OffsetDateTime setAt) {}

    private final AiEngines engines;
    private final JdbcClient jdbc;
    private final AuditLog audit;
    private final Clock clock;

    AiThresholds(AiEngines engines, JdbcClient jdbc, AuditLog audit, Clock clock) {
        this.engines = engines;
        this.jdbc = jdbc;
        this.audit = audit;
        this.clock = clock;
    }

    List<Current> all() {
        return jdbc.sql("""
                select g.code, t.finding, t.threshold, t.source, t.target_sensitivity, t.set_at
                from ai_threshold t join ai_engine g on g.id = t.engine_id order by g.code, t.finding""")
                .query((rs, n) -> new Current(rs.getString(1), rs.getString(2), rs.getDouble(3), rs.getString(4),
                        (Double) rs.getObject(5), rs.getObject(6, OffsetDateTime.class))).list();
    }

    ThresholdSet given(String engineCode, String finding, Double threshold) {
        engine(engineCode);
        checkFinding(finding);
        if (threshold == null || !Double.isFinite(threshold)) {
            throw new InvalidInputException("threshold", "ai.threshold.required",
                    "give a threshold, or a target sensitivity with a labelled validation set");
        }
        return new ThresholdSet(engineCode, finding, threshold, "GIVEN", null, null, null, null, null, null);
    }

    /** The threshold derived for the target on the labelled set; nothing is saved. */
    ThresholdSet derive(String engineCode, String finding, Double target, List<Labelled> labelled) {
        engine(engineCode);
        checkFinding(finding);
        List<Labelled> cases = labelled == null ? List.of() : labelled;
        if (cases.stream().anyMatch(l -> l == null || l.score() == null || l.positive() == null)) {
            throw new InvalidInputException("validation", "ai.threshold.validation",
                    "each validation case needs a score and a label (positive true or false)");
        }
        List<Double> positives = cases.stream().filter(Labelled::positive).map(Labelled::score).toList();
        List<Double> negatives = cases.stream().filter(l -> !l.positive()).map(Labelled::score).toList();
        if (target == null || positives.isEmpty() || !(target > 0 && target <= 1)) {
            throw new InvalidInputException("targetSensitivity", "ai.threshold.target",
                    "a target sensitivity in (0, 1] and at least one labelled positive case are needed");
        }
        double t = Thresholds.forSensitivity(target, positives);
        Thresholds.Performance p = Thresholds.performance(t, positives, negatives);
        double sensitivityLow = AiStatistics.wilson(p.truePositives(), positives.size())[0];
        return new ThresholdSet(engineCode, finding, t, "DERIVED", target, p.sensitivity(), sensitivityLow,
                negatives.isEmpty() ? null : p.specificity(), positives.size(), negatives.size());
    }

    ThresholdSet save(ThresholdSet set, Actor actor) {
        AiEngines.Engine engine = engine(set.engine());
        jdbc.sql("""
                insert into ai_threshold (engine_id, finding, threshold, source, target_sensitivity, set_at)
                values (:e, :f, :t, :s, :target, :at)
                on conflict (engine_id, finding) do update set threshold = excluded.threshold, source = excluded.source,
                    target_sensitivity = excluded.target_sensitivity, set_at = excluded.set_at""")
                .param("e", engine.id()).param("f", set.finding()).param("t", set.threshold()).param("s", set.source())
                .param("target", set.targetSensitivity()).param("at", ExamLifecycle.utc(clock.instant())).update();
        audit.record(actor.username(), "AI_THRESHOLD_SET", "engine:" + set.engine(), actor.source(),
                AuditLog.Outcome.SUCCESS, set.finding() + " " + set.threshold() + " " + set.source());
        return set;
    }

    /**
     * A validation set as CSV: one case a line, {@code score,label} (a header line is allowed; with
     * {@code ;} as separator the score may have a decimal comma); a label is 1/0, true/false,
     * positive/negative or oui/non. A bad line is named with what is wrong with it.
     */
    static List<Labelled> parseCsv(String csv) {
        List<Labelled> cases = new ArrayList<>();
        String[] lines = (csv == null ? "" : csv.replace("\uFEFF", "")).split("\r?\n|\r");
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].trim();
            if (line.isEmpty() || line.startsWith("#") || (cases.isEmpty() && line.matches("(?i)\"?score\"?\\s*[,;].*"))) {
                continue;
            }
            boolean semicolon = line.contains(";");
            String[] cells = line.split(semicolon ? ";" : ",", -1);
            if (cells.length != 2) {
                throw new InvalidInputException("validation", "ai.threshold.csv.cells",
                        "line {0}: expected two cells, score and label, found {1}", i + 1, cells.length);
            }
            String scoreText = cells[0].trim().replace("\"", "");
            double score;
            try {
                score = Double.parseDouble(semicolon ? scoreText.replace(',', '.') : scoreText);
            } catch (NumberFormatException e) {
                score = Double.NaN;
            }
            if (!Double.isFinite(score)) {
                throw new InvalidInputException("validation", "ai.threshold.csv.score",
                        "line {0}: score “{1}” is not a number", i + 1, abbreviate(scoreText));
            }
            Boolean label = switch (cells[1].trim().replace("\"", "").toLowerCase(Locale.ROOT)) {
                case "1", "true", "positive", "pos", "oui", "yes" -> true;
                case "0", "false", "negative", "neg", "non", "no" -> false;
                default -> null;
            };
            if (label == null) {
                throw new InvalidInputException("validation", "ai.threshold.csv.label",
                        "line {0}: label “{1}” is not 1/0, true/false or positive/negative", i + 1, abbreviate(cells[1].trim()));
            }
            cases.add(new Labelled(score, label));
        }
        if (cases.isEmpty()) {
            throw new InvalidInputException("validation", "ai.threshold.csvEmpty", "the validation set has no case");
        }
        return cases;
    }

    private static String abbreviate(String s) {
        return s.length() <= 20 ? s : s.substring(0, 20) + "…";
    }

    private AiEngines.Engine engine(String code) {
        return engines.byCode(code).orElseThrow(() -> new NotFoundException("ai.engine.unknown", "no engine {0}", code));
    }

    private static void checkFinding(String finding) {
        if (finding == null || !finding.matches("[A-Z0-9_]{1,64}")) {
            throw new InvalidInputException("finding", "ai.review.finding", "a finding is a code such as ICH");
        }
    }
}
