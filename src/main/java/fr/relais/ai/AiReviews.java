package fr.relais.ai;

import fr.relais.exam.ExamLifecycle;
import fr.relais.platform.InvalidInputException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The radiologist's last word on the AI, recorded when the report is signed, in the signature's
 * transaction: each positive result must be confirmed or rejected; a negative result the
 * radiologist says nothing of is an agreement; a finding named as missed turns the negative
 * results for it into disagreements, or, when no engine looked for it, is recorded on its own.
 * One ai_review row per result (and per missed finding without result): the statistics read them.
 */
@Service
public class AiReviews {

    private static final Pattern FINDING = Pattern.compile("[A-Z0-9_]{1,64}");

    private final JdbcClient jdbc;
    private final AiResults results;

    AiReviews(JdbcClient jdbc, AiResults results) {
        this.jdbc = jdbc;
        this.results = results;
    }

    /** Runs in the caller's transaction; refuses (400) before writing anything when a review is missing or wrong. */
    public void recordAtSignature(long examId, List<AiReview> reviews, List<String> missedFindings, long by, Instant at) {
        List<AiResult> ofExam = results.ofExam(examId);
        Map<Long, AiResult> byId = new HashMap<>();
        ofExam.forEach(r -> byId.put(r.id(), r));
        Map<Long, Boolean> said = new HashMap<>();
        for (AiReview r : reviews == null ? List.<AiReview>of() : reviews) {
            if (r == null || r.resultId() == null || !byId.containsKey(r.resultId())) {
                throw new InvalidInputException("aiReviews", "ai.review.unknown",
                        "an AI review names a result that this exam does not have");
            }
            if (r.present() == null) {
                throw new InvalidInputException("aiReviews", "ai.review.present",
                        "say whether the AI finding is present (true) or not (false)");
            }
            said.put(r.resultId(), r.present());
        }
        Set<String> missed = new LinkedHashSet<>();
        for (String f : missedFindings == null ? List.<String>of() : missedFindings) {
            if (f == null || !FINDING.matcher(f).matches()) {
                throw new InvalidInputException("missedFindings", "ai.review.finding",
                        "a missed finding is a code such as ICH, PE or FRACTURE");
            }
            missed.add(f);
        }
        for (AiResult r : ofExam) {
            if (r.positive() && !said.containsKey(r.id())) {
                throw new InvalidInputException("aiReviews", "ai.review.required",
                        "confirm or reject the AI finding {0} of engine {1} before signing", r.finding(), r.engine());
            }
        }
        for (AiResult r : ofExam) {
            boolean present = said.getOrDefault(r.id(), r.positive() || missed.contains(r.finding()));
            if (!r.positive() && missed.contains(r.finding())) {
                present = true;
            }
            insert(examId, r.id(), r.finding(), r.positive(), present, by, at);
        }
        Set<String> covered = new LinkedHashSet<>();
        ofExam.forEach(r -> covered.add(r.finding()));
        for (String f : missed) {
            if (!covered.contains(f)) {
                insert(examId, null, f, null, true, by, at);
            }
        }
    }

    private void insert(long examId, Long resultId, String finding, Boolean aiPositive, boolean present, long by, Instant at) {
        jdbc.sql("""
                insert into ai_review (exam_id, ai_result_id, engine_id, finding, ai_positive, radiologist_positive,
                                       agreement, reviewed_by, reviewed_at)
                values (:exam, :result, (select engine_id from ai_result where id = :result), :finding, :ai, :present,
                        :agreement, :by, :at)""")
                .param("exam", examId).param("result", resultId).param("finding", finding).param("ai", aiPositive)
                .param("present", present).param("agreement", aiPositive != null && aiPositive == present)
                .param("by", by).param("at", ExamLifecycle.utc(at)).update();
    }
}
