package fr.relais.ai;

import com.fasterxml.jackson.databind.JsonNode;
import fr.relais.BaseIntegrationTest;
import fr.relais.report.ReportFixtures;
import fr.relais.security.Role;
import fr.relais.storage.Sealer;
import fr.relais.worklist.WorklistService;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The radiologist's last word at signature, and the statistics computed from it, on a set small
 * enough to check by hand: 7 exams → TP 3, FP 1, TN 2, FN 1.
 */
class AiReviewIT extends BaseIntegrationTest {

    @Autowired
    AiEngines engines;
    @Autowired
    AiResults results;
    @Autowired
    WorklistService worklist;
    @Autowired
    Sealer sealer;

    private ReportFixtures fixtures;
    private long hospital;
    private TestAccount physician;
    private TestAccount radiologist;
    private AiEngines.Engine engine;

    @BeforeEach
    void setUp() {
        fixtures = new ReportFixtures(jdbc, sealer, worklist);
        hospital = createHospital(unique("CH Relecture IA"), uniqueAeTitle("RV"));
        physician = createAccount(Role.HOSPITAL_PHYSICIAN, hospital);
        radiologist = createAccount(Role.RADIOLOGIST, null);
        fixtures.onDuty(radiologist.id(), hospital, fixtures.center(unique("Centre RV")));
        String code = unique("review-engine").replace(' ', '-');
        engine = engines.registerHttpEngine(code, "Review engine", "1", List.of("CT_HEAD"), "token-" + code);
    }

    /** A claimed exam with a saved draft and, unless null, one ICH result of the test engine. */
    private long[] examWithResult(Boolean aiPositive) {
        long exam = fixtures.readyExam(hospital, physician.id(), Instant.now().minus(Duration.ofMinutes(10)));
        Long resultId = aiPositive == null ? null : results.record(exam, engine, "1",
                new AiResults.Incoming("ICH", aiPositive ? 0.9 : 0.1, aiPositive, null, null)).id();
        ReportFixtures.claim(as(radiologist), exam);
        var saved = as(radiologist).put("/api/exams/" + exam + "/report",
                ReportFixtures.draft(0, "Constatations.", "Conclusion."));
        assertThat(saved.status()).as(saved.body()).isEqualTo(200);
        return new long[] {exam, saved.json().get("version").asLong(), resultId == null ? -1 : resultId};
    }

    private int sign(long[] e, Boolean present, List<String> missed) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("version", e[1]);
        if (present != null) {
            body.put("aiReviews", List.of(Map.of("resultId", e[2], "present", present)));
        }
        body.put("missedFindings", missed);
        var r = as(radiologist).post("/api/exams/" + e[0] + "/report/sign", body);
        return r.status();
    }

    @Test
    void everyDisagreementIsRecordedAndTheStatisticsAreThoseCountedByHand() {
        assertThat(sign(examWithResult(true), true, List.of())).isEqualTo(200);    // TP
        assertThat(sign(examWithResult(true), true, List.of())).isEqualTo(200);    // TP
        long[] rejected = examWithResult(true);
        assertThat(sign(rejected, false, List.of())).isEqualTo(200);               // FP: rejected
        assertThat(sign(examWithResult(false), null, List.of())).isEqualTo(200);   // TN: silence is agreement
        assertThat(sign(examWithResult(false), null, List.of())).isEqualTo(200);   // TN
        long[] missed = examWithResult(false);
        assertThat(sign(missed, null, List.of("ICH"))).isEqualTo(200);             // FN: missed by the AI

        // A positive finding left unanswered: refused, nothing recorded, the exam still held.
        long[] unanswered = examWithResult(true);
        var refused = as(radiologist).post("/api/exams/" + unanswered[0] + "/report/sign", Map.of("version", unanswered[1]));
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.json().get("detail").asText()).contains("ICH");
        assertThat(reviews(unanswered[0])).isZero();
        assertThat(jdbc.sql("select state from exam where id = :e").param("e", unanswered[0]).query(String.class).single())
                .isEqualTo("IN_READING");
        // A result of another exam cannot be reviewed here.
        assertThat(as(radiologist).post("/api/exams/" + unanswered[0] + "/report/sign", Map.of("version", unanswered[1],
                "aiReviews", List.of(Map.of("resultId", rejected[2], "present", true)))).status()).isEqualTo(400);
        assertThat(sign(unanswered, true, List.of())).isEqualTo(200);              // TP

        // A finding no engine looked for is recorded too, outside any engine's statistics.
        long[] noResult = examWithResult(null);
        assertThat(sign(noResult, null, List.of("FRACTURE"))).isEqualTo(200);
        assertThat(jdbc.sql("select finding || ' ' || radiologist_positive || ' ' || agreement from ai_review where exam_id = :e and engine_id is null")
                .param("e", noResult[0]).query(String.class).single()).isEqualTo("FRACTURE true false");

        List<String> disagreements = jdbc.sql("""
                select e.id || ' ' || v.ai_positive || ' ' || v.radiologist_positive from ai_review v
                join exam e on e.id = v.exam_id where v.engine_id = :g and not v.agreement order by e.id""")
                .param("g", engine.id()).query(String.class).list();
        assertThat(disagreements).containsExactly(rejected[0] + " true false", missed[0] + " false true");

        String month = DateTimeFormatter.ofPattern("yyyy-MM").format(Instant.now().atZone(ZoneId.of("Europe/Paris")));
        JsonNode rows = as(createAccount(Role.COORDINATOR, null)).get("/api/ai/statistics?month=" + month).json();
        JsonNode mine = null;
        for (JsonNode r : rows) {
            if (r.get("engine").asText().equals(engine.code())) {
                mine = r;
            }
        }
        assertThat(mine).isNotNull();
        assertThat(mine.get("finding").asText()).isEqualTo("ICH");
        assertThat(List.of(mine.get("truePositives").asInt(), mine.get("falsePositives").asInt(),
                mine.get("trueNegatives").asInt(), mine.get("falseNegatives").asInt())).containsExactly(3, 1, 2, 1);
        // Sensitivity 3/4 and PPV 3/4: Wilson 95% [0.3006, 0.9544]; specificity 2/3 and NPV 2/3: [0.2077, 0.9385].
        for (String p : List.of("sensitivity", "ppv")) {
            assertThat(mine.get(p).get("value").asDouble()).isEqualTo(0.75);
            assertThat(mine.get(p).get("low").asDouble()).isCloseTo(0.3006, within(0.0005));
            assertThat(mine.get(p).get("high").asDouble()).isCloseTo(0.9544, within(0.0005));
        }
        for (String p : List.of("specificity", "npv")) {
            assertThat(mine.get(p).get("value").asDouble()).isCloseTo(2.0 / 3, within(1e-9));
            assertThat(mine.get(p).get("low").asDouble()).isCloseTo(0.2077, within(0.0005));
            assertThat(mine.get(p).get("high").asDouble()).isCloseTo(0.9385, within(0.0005));
        }
        assertThat(as(radiologist).get("/api/ai/statistics").status()).isEqualTo(403);
        assertThat(admin().get("/api/ai/statistics?month=2026-13").status()).isEqualTo(400);
        var browser = browser();
        browser.login("admin", ADMIN_PASSWORD);
        var page = browser.get("/coordination/ai?month=" + month);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains(engine.code()).contains("75,0").contains("30,1");

        // The disagreements themselves, for the coordinators to go back over: the rejected positive,
        // the bleed the AI missed, and the fracture no engine looked for.
        JsonNode discordances = as(createAccount(Role.COORDINATOR, null)).get("/api/ai/discordances?month=" + month).json();
        List<String> ours = new java.util.ArrayList<>();
        for (JsonNode d : discordances) {
            long exam = d.get("examId").asLong();
            if (exam == rejected[0] || exam == missed[0] || exam == noResult[0]) {
                ours.add(exam + " " + d.get("engine").asText() + " " + d.get("finding").asText() + " "
                        + d.get("aiPositive").asText() + " " + d.get("radiologistPositive").asText());
            }
        }
        assertThat(ours).containsExactlyInAnyOrder(rejected[0] + " " + engine.code() + " ICH true false",
                missed[0] + " " + engine.code() + " ICH false true", noResult[0] + " null FRACTURE null true");
        assertThat(page.body()).contains("id=\"ai-discordances\"").contains("data-exam=\"" + missed[0] + "\"")
                .doesNotContain("??ai.finding");
        assertThat(as(radiologist).get("/api/ai/discordances").status()).isEqualTo(403);
        assertThat(admin().get("/api/ai/discordances?month=nov").status()).isEqualTo(400);
    }

    private int reviews(long exam) {
        return jdbc.sql("select count(*) from ai_review where exam_id = :e").param("e", exam).query(Integer.class).single();
    }
}
