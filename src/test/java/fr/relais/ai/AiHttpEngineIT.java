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
        r.put("keySopInstanceUid", "1.2.3.4.5");
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
        for (String body : List.of("{not json", "", "[]", json.writeValueAsString(noFinding), json.writeValueAsString(noStudy),
                json.writeValueAsString(otherEngine), json.writeValueAsString(badUid), json.writeValueAsString(extra))) {
            HttpResponse<String> r = post(auth, body);
            assertThat(r.statusCode()).as(body).isEqualTo(400);
            assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
        }
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
    }
}
