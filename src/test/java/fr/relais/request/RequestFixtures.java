package fr.relais.request;

import com.fasterxml.jackson.databind.JsonNode;
import fr.relais.ApiClient;
import fr.relais.sim.SyntheticCt;

import org.springframework.jdbc.core.simple.JdbcClient;

import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.Map;

/** Requests as a hospital files them over the API, for tests. */
public final class RequestFixtures {

    private RequestFixtures() {}

    /** A complete non-contrast head CT request; change what a test needs. */
    public static Map<String, Object> headCt(String patientId, String consent) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("patientId", patientId);
        r.put("familyName", "MARTIN");
        r.put("givenName", "Paul");
        r.put("birthDate", "1950-03-14");
        r.put("sex", "M");
        r.put("examTypeCode", "CT_HEAD");
        r.put("clinicalContext", "Chute de sa hauteur sous anticoagulants, céphalées");
        r.put("question", "Hématome intracrânien ?");
        r.put("urgency", "P2");
        r.put("requestingPhysician", "Dr Urgentiste");
        r.put("callbackPhone", "05 59 00 00 00");
        r.put("consent", consent);
        return r;
    }

    /**
     * A study as the scanner sends it for this filed request: under its accession number, with the
     * request's patient in its header (the identity check holds any other).
     */
    public static SyntheticCt.Builder studyFor(JsonNode filed) {
        return matching(filed, SyntheticCt.StudySpec.builder());
    }

    /** The spec given the filed request's accession number and patient identity. */
    public static SyntheticCt.Builder matching(JsonNode filed, SyntheticCt.Builder spec) {
        return spec.accession(filed.get("accessionNumber").asText())
                .patientId(filed.get("patientId").asText())
                .patientName(filed.get("familyName").asText() + "^" + filed.get("givenName").asText())
                .birthDate(LocalDate.parse(filed.get("birthDate").asText()))
                .sex(filed.get("sex").asText());
    }

    /** Files the request and returns the created request. */
    public static JsonNode file(ApiClient physician, Map<String, Object> request) {
        ApiClient.Response response = physician.post("/api/requests", request);
        if (response.status() != 201) {
            throw new AssertionError("request not filed: " + response.status() + " " + response.body());
        }
        return response.json();
    }

    /**
     * A radiologist accepts it with a protocol, authorised first for the request's hospital (a
     * radiologist regulates only for the hospitals he may read for).
     */
    public static JsonNode accept(JdbcClient jdbc, ApiClient radiologist, long id) {
        authoriseFor(jdbc, radiologist.username(), id);
        ApiClient.Response response = radiologist.post("/api/requests/" + id + "/accept", Map.of("text", "Crâne sans injection"));
        if (response.status() != 200) {
            throw new AssertionError("request not accepted: " + response.status() + " " + response.body());
        }
        return response.json();
    }

    /** The radiologist may read (and regulate) for the hospital of this request. */
    public static void authoriseFor(JdbcClient jdbc, String radiologist, long requestId) {
        jdbc.sql("""
                insert into radiologist_hospital (user_id, hospital_id)
                select u.id, r.hospital_id from app_user u, exam_request r where u.username = :u and r.exam_id = :id
                on conflict do nothing""")
                .param("u", radiologist).param("id", requestId).update();
    }
}
