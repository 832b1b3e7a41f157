package fr.relais.ai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import fr.relais.BaseIntegrationTest;
import fr.relais.exam.ExamReady;
import fr.relais.request.Urgency;
import fr.relais.security.Role;
import fr.relais.storage.Sealer;
import fr.relais.worklist.WorklistFixtures;
import fr.relais.worklist.WorklistService;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** An external engine posts its results over HTTP with its own token; strangers change nothing. */
class AiHttpEngineIT extends BaseIntegrationTest {

    @Autowired
    AiEngines engines;
    @Autowired
    WorklistService worklist;
    @Autowired
    Sealer sealer;

    private final ObjectMapper json = new ObjectMapper();
    private String engineCode;
    private String token;
    private long examId;
    private String accession;

    @BeforeEach
    void anEngineAndAReadyExam() {
        engineCode = unique("pe-engine").replace(' ', '-');
        token = "tok-" + engineCode + "-0123456789abcdef0123456789abcdef";
        engines.registerHttpEngine(engineCode, "Test engine", "2.1", List.of("CT_HEAD"), token);
        long hospital = createHospital(unique("CH Moteur"), uniqueAeTitle("HT"));
        TestAccount physician = createAccount(Role.HOSPITAL_PHYSICIAN, hospital);
        Instant ready = Instant.now().minusSeconds(60);
        examId = new WorklistFixtures(jdbc, sealer).readyExam(hospital, physician.id(), Urgency.P3, ready);
        worklist.onReady(new ExamReady(examId, hospital, 0, ready));
        accession = jdbc.sql("select accession_number from exam_request where exam_id = :e").param("e", examId)
                .query(String.class).single();
    }

    private Map<String, Object> result(boolean positive) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("accessionNumber", accession);
        r.put("engine", engineCode);
        r.put("finding", "ICH");
        r.put("score", positive ? 0.97 : 0.02);
        r.put("positive", positive);
        return r;
    }

    private HttpResponse<String> post(String authorization, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/ai/results"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private String state() {
        return jdbc.sql("select priority_class || ' ' || ai_positive || ' ' || deadline_at from exam where id = :e")
                .param("e", examId).query(String.class).single();
    }

    private int results() {
        return jdbc.sql("select count(*) from ai_result where exam_id = :e").param("e", examId).query(Integer.class).single();
    }

    @Test
    void aBadCredentialIsRefusedAndChangesNothing() throws Exception {
        String before = state();
        String body = json.writeValueAsString(result(true));
        for (String auth : new String[] {null, "Bearer wrong-token", "Basic " + token, "Bearer "}) {
            HttpResponse<String> r = post(auth, body);
            assertThat(r.statusCode()).as(String.valueOf(auth)).isEqualTo(401);
            assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
            assertThat(json.readTree(r.body()).get("status").asInt()).isEqualTo(401);
        }
        // A radiologist's password does not make an engine either.
        TestAccount radiologist = createAccount(Role.RADIOLOGIST, null);
        assertThat(as(radiologist).post("/api/ai/results", result(true)).status()).isEqualTo(401);
        assertThat(results()).isZero();
        assertThat(state()).isEqualTo(before);
    }

    @Test
    void malformedInputGetsProblemDetailsAndChangesNothing() throws Exception {
        String auth = "Bearer " + token;
        Map<String, Object> noFinding = result(true);
        noFinding.remove("finding");
        Map<String, Object> noStudy = result(true);
        noStudy.remove("accessionNumber");
        Map<String, Object> otherEngine = result(true);
        otherEngine.put("engine", "someone-else");
        Map<String, Object> unknownStudy = result(true);
        unknownStudy.put("accessionNumber", "NOPE0000");
        Map<String, Object> badUid = result(true);
        badUid.put("keySopInstanceUid", "not a uid");
        Map<String, Object> extra = result(true);
        extra.put("verdict", "sure");
        Map<String, Object> keyElsewhere = result(true);
        keyElsewhere.put("keySopInstanceUid", "1.2.3.4.5"); // a well-formed UID, of no instance of this study
        Map<String, Object> frameZero = result(true);
        frameZero.put("keyFrame", 0);
        Map<String, Object> negativeScore = result(true);
        negativeScore.put("score", -1);
        for (String body : List.of("{not json", "", "[]", "null", json.writeValueAsString(noFinding),
                json.writeValueAsString(noStudy), json.writeValueAsString(otherEngine), json.writeValueAsString(badUid),
                json.writeValueAsString(extra), json.writeValueAsString(keyElsewhere), json.writeValueAsString(frameZero),
                json.writeValueAsString(negativeScore))) {
            HttpResponse<String> r = post(auth, body);
            assertThat(r.statusCode()).as(body).isEqualTo(400);
            assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
        }
        // An engine answers only for the exam types it was configured for.
        String chestCode = unique("chest-engine").replace(' ', '-');
        String chestToken = "tok-" + chestCode + "-0123456789abcdef0123456789abcdef";
        engines.registerHttpEngine(chestCode, "Chest engine", "1.0", List.of("CT_PULM_ANGIO"), chestToken);
        Map<String, Object> wrongType = result(true);
        wrongType.put("engine", chestCode);
        HttpResponse<String> refused = post("Bearer " + chestToken, json.writeValueAsString(wrongType));
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(json.readTree(refused.body()).get("detail").asText()).contains(chestCode).contains("CT_HEAD");
        assertThat(post(auth, json.writeValueAsString(unknownStudy)).statusCode()).isEqualTo(404);
        assertThat(results()).isZero();
    }

    @Test
    void aPositiveResultLiftsTheExamIntoTheAiPositiveClass() throws Exception {
        OffsetDateTime before = jdbc.sql("select deadline_at from exam where id = :e").param("e", examId)
                .query(OffsetDateTime.class).single();
        assertThat(state()).startsWith("DEFERRABLE false");
        HttpResponse<String> r = post("Bearer " + token, json.writeValueAsString(result(true)));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        JsonNode saved = json.readTree(r.body());
        assertThat(saved.get("engine").asText()).isEqualTo(engineCode);
        assertThat(saved.get("engineVersion").asText()).isEqualTo("2.1");
        assertThat(saved.get("positive").asBoolean()).isTrue();
        assertThat(state()).startsWith("AI_POSITIVE true");
        OffsetDateTime after = jdbc.sql("select deadline_at from exam where id = :e").param("e", examId)
                .query(OffsetDateTime.class).single();
        assertThat(java.time.Duration.between(after, before).toMinutes()).isEqualTo(45); // 60 min target → 15 min
        assertThat(results()).isEqualTo(1);
    }

    @Test
    void aThresholdDerivedForATargetSensitivityDecidesOverTheEnginesOwnCall() throws Exception {
        Map<String, Object> derive = Map.of("targetSensitivity", 0.95, "validation", List.of(
                Map.of("score", 0.3, "positive", true), Map.of("score", 0.6, "positive", true),
                Map.of("score", 0.9, "positive", true), Map.of("score", 0.5, "positive", false),
                Map.of("score", 0.1, "positive", false)));
        var set = admin().put("/api/ai/engines/" + engineCode + "/thresholds/ICH", derive);
        assertThat(set.status()).as(set.body()).isEqualTo(200);
        assertThat(set.json().get("threshold").asDouble()).isEqualTo(0.3); // 3 positives: none may be missed
        assertThat(set.json().get("source").asText()).isEqualTo("DERIVED");
        assertThat(set.json().get("specificity").asDouble()).isEqualTo(0.5);
        TestAccount radiologist = createAccount(Role.RADIOLOGIST, null);
        assertThat(as(radiologist).put("/api/ai/engines/" + engineCode + "/thresholds/ICH", Map.of("threshold", 1)).status())
                .isEqualTo(403);
        assertThat(admin().put("/api/ai/engines/" + engineCode + "/thresholds/ICH", Map.of()).status()).isEqualTo(400);

        Map<String, Object> low = result(true);
        low.put("score", 0.2); // the engine says positive, the threshold says no
        HttpResponse<String> r = post("Bearer " + token, json.writeValueAsString(low));
        assertThat(r.statusCode()).isEqualTo(201);
        assertThat(json.readTree(r.body()).get("positive").asBoolean()).isFalse();
        assertThat(state()).startsWith("DEFERRABLE false");

        // Without a score there is nothing for the threshold to judge: the engine's positive call stands.
        Map<String, Object> unscored = result(true);
        unscored.remove("score");
        HttpResponse<String> called = post("Bearer " + token, json.writeValueAsString(unscored));
        assertThat(called.statusCode()).as(called.body()).isEqualTo(201);
        assertThat(json.readTree(called.body()).get("positive").asBoolean()).isTrue();
        assertThat(state()).startsWith("AI_POSITIVE true");
    }

    @Autowired
    AiDispatch dispatch;

    private String runOf(long exam) {
        return jdbc.sql("""
                select coalesce(string_agg(r.state, ',' order by r.id), 'NONE') from ai_run r
                join ai_engine g on g.id = r.engine_id where r.exam_id = :e and g.code = :code""")
                .param("e", exam).param("code", engineCode).query(String.class).single();
    }

    @Test
    void anHttpEnginesRunWaitsForItsResultAndNothingIsDispatchedWithoutConsent() throws Exception {
        Instant ready = Instant.now().minusSeconds(30);
        jdbc.sql("update exam_request set consent = 'PENDING' where exam_id = :e").param("e", examId).update();
        dispatch.onReady(new ExamReady(examId, 0, 0, ready));
        assertThat(jdbc.sql("select count(*) from ai_run where exam_id = :e").param("e", examId).query(Integer.class).single())
                .as("no engine at all, in-process ones included").isZero();

        jdbc.sql("update exam_request set consent = 'VITAL_EMERGENCY_WAIVER' where exam_id = :e").param("e", examId).update();
        dispatch.onReady(new ExamReady(examId, 0, 0, ready));
        assertThat(runOf(examId)).isEqualTo("RUNNING");
        HttpResponse<String> r = post("Bearer " + token, json.writeValueAsString(result(false)));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        assertThat(runOf(examId)).isEqualTo("DONE");
    }

    @Test
    void anExamWhoseDispatchWasLostIsGivenToItsEnginesOnceAtTheCatchUp() {
        Instant ready = jdbc.sql("select ready_at from exam where id = :e").param("e", examId)
                .query(OffsetDateTime.class).single().toInstant();
        assertThat(runOf(examId)).isEqualTo("NONE"); // READY, and no engine was ever given it
        assertThat(dispatch.catchUp(ready.minusSeconds(1))).isPositive();
        assertThat(runOf(examId)).isEqualTo("RUNNING");
        dispatch.catchUp(ready.minusSeconds(1));
        assertThat(runOf(examId)).as("not twice").isEqualTo("RUNNING");
        // Older than the window: left alone.
        jdbc.sql("update exam set ready_at = ready_at - interval '2 hours' where id = :e").param("e", examId).update();
        jdbc.sql("delete from ai_run where exam_id = :e").param("e", examId).update();
        dispatch.catchUp(Instant.now().minus(AiDispatch.CATCH_UP));
        assertThat(runOf(examId)).isEqualTo("NONE");
    }

    @Test
    void aLateResultForAnExamAlreadyReadIsKeptWithoutMovingIt() throws Exception {
        jdbc.sql("update exam set state = 'REPORTED' where id = :e").param("e", examId).update();
        String before = state();
        assertThat(before).startsWith("DEFERRABLE false");
        HttpResponse<String> r = post("Bearer " + token, json.writeValueAsString(result(true)));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        assertThat(results()).isEqualTo(1);
        assertThat(state()).as("flagged, but class and deadline unchanged").isEqualTo(before.replace("DEFERRABLE false", "DEFERRABLE true"));
    }
}
