package fr.relais.catalog;

import com.fasterxml.jackson.databind.JsonNode;
import fr.relais.ApiClient;
import fr.relais.BaseIntegrationTest;
import fr.relais.Browser;
import fr.relais.security.Role;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ExamTypeApiIT extends BaseIntegrationTest {

    private static Map<String, Object> examType(String code, String ccam, int minutes) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("code", code);
        body.put("labelFr", "Scanner du bassin");
        body.put("bodyRegion", "pelvis");
        body.put("contrast", false);
        body.put("ccamCode", ccam);
        body.put("readingMinutes", minutes);
        return body;
    }

    private static String uniqueCode() {
        return uniqueAeTitle("CT_TEST");
    }

    @Test
    void theSeededCatalogIsReadableByCoordinators() {
        TestAccount coordinator = createAccount(Role.COORDINATOR, null);

        ApiClient.Response response = as(coordinator).get("/api/exam-types");

        assertThat(response.status()).isEqualTo(200);
        JsonNode head = null;
        for (JsonNode type : response.json()) {
            if (type.get("code").asText().equals("CT_HEAD")) {
                head = type;
            }
        }
        assertThat(head).isNotNull();
        assertThat(head.get("ccamCode").asText()).isEqualTo("ACQK001");
        assertThat(head.get("contrast").asBoolean()).isFalse();
        assertThat(as(coordinator).post("/api/exam-types", examType(uniqueCode(), "NAQK015", 10)).status()).isEqualTo(403);
    }

    @Test
    void adminAddsAndChangesAnExamType() {
        String code = uniqueCode();

        ApiClient.Response created = admin().post("/api/exam-types", examType(code, "naqk015", 10));
        assertThat(created.status()).isEqualTo(201);
        assertThat(created.json().get("ccamCode").asText()).isEqualTo("NAQK015");
        assertThat(created.json().get("bodyRegion").asText()).isEqualTo("PELVIS");

        Map<String, Object> change = examType(code, "NAQK015", 12);
        change.put("contrast", true);
        ApiClient.Response updated = admin().put("/api/exam-types/" + code, change);
        assertThat(updated.status()).isEqualTo(200);
        assertThat(updated.json().get("readingMinutes").asInt()).isEqualTo(12);
        assertThat(updated.json().get("contrast").asBoolean()).isTrue();
        assertThat(jdbc.sql("select count(*) from audit_event where object = :o").param("o", "exam-type:" + code)
                .query(Long.class).single()).isEqualTo(2);
    }

    @Test
    void invalidCcamCodeIsRefusedAndADuplicateCodeIsAConflict() {
        String code = uniqueCode();
        ApiClient.Response invalid = admin().post("/api/exam-types", examType(code, "ACQ001", 10));
        assertThat(invalid.status()).isEqualTo(400);
        assertThat(invalid.json().get("errors").get(0).get("field").asText()).isEqualTo("ccamCode");
        assertThat(invalid.json().get("errors").get(0).get("message").asText()).contains("4 lettres");
        assertThat(admin().get("/api/exam-types/" + code).status()).isEqualTo(404);

        ApiClient.Response duplicate = admin().post("/api/exam-types", examType("CT_HEAD", "ACQK001", 10));
        assertThat(duplicate.status()).isEqualTo(409);
        assertThat(duplicate.json().get("detail").asText()).contains("CT_HEAD");
    }

    @Test
    void theCodeOfAnExamTypeCannotChange() {
        ApiClient.Response response = admin().put("/api/exam-types/CT_HEAD", examType("CT_BRAIN", "ACQK001", 12));

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.json().get("errors").get(0).get("field").asText()).isEqualTo("code");
        assertThat(admin().get("/api/exam-types/CT_BRAIN").status()).isEqualTo(404);
    }

    @Test
    void adminEditsAnExamTypeThroughTheForm() {
        String code = uniqueCode();
        assertThat(admin().post("/api/exam-types", examType(code, "NAQK015", 10)).status()).isEqualTo(201);
        Browser browser = browser().loggedInAs("admin", ADMIN_PASSWORD);
        browser.get("/admin/exam-types/" + code + "/edit");

        HttpResponse<String> post = browser.postForm("/admin/exam-types/" + code, List.of(
                Map.entry("code", code), Map.entry("labelFr", "Scanner du bassin osseux"), Map.entry("bodyRegion", "PELVIS"),
                Map.entry("ccamCode", "NAQK015"), Map.entry("readingMinutes", "11")));

        assertThat(post.statusCode()).isEqualTo(302);
        JsonNode stored = admin().get("/api/exam-types/" + code).json();
        assertThat(stored.get("labelFr").asText()).isEqualTo("Scanner du bassin osseux");
        assertThat(stored.get("contrast").asBoolean()).isFalse();
        assertThat(stored.get("readingMinutes").asInt()).isEqualTo(11);
    }
}
