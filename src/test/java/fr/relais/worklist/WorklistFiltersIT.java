package fr.relais.worklist;

import com.fasterxml.jackson.databind.JsonNode;
import fr.relais.ApiClient;
import fr.relais.BaseIntegrationTest;
import fr.relais.ai.AiEngines;
import fr.relais.ai.AiResults;
import fr.relais.exam.ExamReady;
import fr.relais.request.Urgency;
import fr.relais.security.Role;
import fr.relais.storage.Sealer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The worklist's filters (hospital, exam type, class) over the API and on both pages: each narrows
 * the list, none widens it past the hospitals a radiologist reads for, and the values offered are
 * only those he may use. The rows carry the clinical question and the AI finding with its score.
 */
class WorklistFiltersIT extends BaseIntegrationTest {

    @Autowired
    WorklistService worklist;

    @Autowired
    Sealer sealer;

    @Autowired
    AiResults aiResults;

    @Autowired
    AiEngines aiEngines;

    private WorklistFixtures fixtures;
    private long hospitalA;
    private long hospitalB;
    private long hospitalC;
    private String nameA;
    private String nameB;
    private String nameC;
    private String otherType;
    private TestAccount radiologist;
    private long urgentA;
    private long deferrableOtherTypeA;
    private long aiPositiveA;
    private long vitalB;
    private long urgentC;

    @BeforeEach
    void setUp() {
        fixtures = new WorklistFixtures(jdbc, sealer);
        nameA = unique("CH Filtre A");
        nameB = unique("CH Filtre B");
        nameC = unique("CH Filtre C");
        hospitalA = createHospital(nameA, uniqueAeTitle("FA"));
        hospitalB = createHospital(nameB, uniqueAeTitle("FB"));
        hospitalC = createHospital(nameC, uniqueAeTitle("FC"));
        otherType = fixtures.examType(unique("Scanner du rocher filtré"));
        long center = fixtures.center(unique("Centre Filtres"), 7);
        radiologist = createAccount(Role.RADIOLOGIST, null);
        fixtures.authorise(radiologist.id(), hospitalA);
        fixtures.authorise(radiologist.id(), hospitalB);
        fixtures.checkIn(radiologist.id(), center);

        urgentA = ready(hospitalA, Urgency.P2, "CT_HEAD", "Hématome sous-dural après chute ?");
        deferrableOtherTypeA = ready(hospitalA, Urgency.P3, otherType, "Fracture du rocher ?");
        aiPositiveA = ready(hospitalA, Urgency.P3, "CT_HEAD", "Céphalées brutales, saignement ?");
        vitalB = ready(hospitalB, Urgency.P1, "CT_HEAD", "Coma, engagement ?");
        urgentC = ready(hospitalC, Urgency.P2, "CT_HEAD", "Question d’un hôpital non habilité");
        aiResults.record(aiPositiveA, aiEngines.byCode("relais-ich").orElseThrow(), "1.0",
                new AiResults.Incoming("ICH", 0.87, null, null, null));
    }

    private long ready(long hospital, Urgency urgency, String type, String question) {
        long physician = createAccount(Role.HOSPITAL_PHYSICIAN, hospital).id();
        Instant now = Instant.now();
        long id = fixtures.readyExam(hospital, physician, urgency, now, type, question);
        worklist.onReady(new ExamReady(id, hospital, 0, now));
        return id;
    }

    private static List<Long> ids(ApiClient.Response response) {
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        List<Long> ids = new ArrayList<>();
        response.json().forEach(row -> ids.add(row.get("examId").asLong()));
        return ids;
    }

    private static String q(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    @Test
    void eachFilterNarrowsTheRadiologistsQueueAndNoneReachesBeyondHisHospitals() {
        ApiClient api = as(radiologist);
        assertThat(ids(api.get("/api/worklist")))
                .containsExactlyInAnyOrder(urgentA, deferrableOtherTypeA, aiPositiveA, vitalB);
        assertThat(ids(api.get("/api/worklist?hospital=" + hospitalA)))
                .containsExactlyInAnyOrder(urgentA, deferrableOtherTypeA, aiPositiveA);
        assertThat(ids(api.get("/api/worklist?examType=" + otherType))).containsExactly(deferrableOtherTypeA);
        assertThat(ids(api.get("/api/worklist?class=VITAL"))).containsExactly(vitalB);
        assertThat(ids(api.get("/api/worklist?class=AI_POSITIVE"))).containsExactly(aiPositiveA);
        assertThat(ids(api.get("/api/worklist?hospital=" + hospitalA + "&examType=CT_HEAD&class=URGENT")))
                .containsExactly(urgentA);
        assertThat(ids(api.get("/api/worklist?hospital=" + hospitalB + "&class=URGENT"))).isEmpty();

        // The row carries the clinical question.
        JsonNode row = api.get("/api/worklist?class=VITAL").json().get(0);
        assertThat(row.get("question").asText()).isEqualTo("Coma, engagement ?");

        // A hospital he does not read for is refused, not quietly emptied; so are values that are no filter.
        ApiClient.Response foreign = api.get("/api/worklist?hospital=" + hospitalC);
        assertThat(foreign.status()).isEqualTo(400);
        assertThat(foreign.contentType()).contains("application/problem+json");
        assertThat(foreign.json().get("detail").asText()).contains("Vous ne lisez pas pour l’hôpital n° " + hospitalC);
        assertThat(foreign.body()).doesNotContain(nameC, "Question d’un hôpital");
        assertThat(api.get("/api/worklist?class=PRESSANT").json().get("detail").asText())
                .contains("Le filtre « classe » vaut Vital, IA positive, Urgent ou Différable");
        assertThat(api.get("/api/worklist?examType=PAS_UN_EXAMEN").status()).isEqualTo(400);
        assertThat(api.get("/api/worklist?hospital=Pau").json().get("errors").get(0).get("field").asText())
                .isEqualTo("hospital");
    }

    @Test
    void theCoordinatorsWholePictureIsFilteredAlikeOverEveryHospital() {
        ApiClient api = as(createAccount(Role.COORDINATOR, null));
        assertThat(ids(api.get("/api/worklist/all?hospital=" + hospitalC))).containsExactly(urgentC);
        assertThat(ids(api.get("/api/worklist/all?hospital=" + hospitalA + "&class=AI_POSITIVE")))
                .containsExactly(aiPositiveA);
        assertThat(ids(api.get("/api/worklist/all?examType=" + otherType))).containsExactly(deferrableOtherTypeA);
        assertThat(api.get("/api/worklist/all?hospital=" + Long.MAX_VALUE).status()).isEqualTo(400);
    }

    @Test
    void theRadiologistsPageOffersOnlyHisHospitalsAndShowsTheQuestionAndTheAiFindingWithItsScore() {
        var page = browser().loggedInAs(radiologist.username(), radiologist.password());
        String all = page.get("/worklist").body();
        String hospitalSelect = all.substring(all.indexOf("id=\"filter-hospital\""), all.indexOf("</select>",
                all.indexOf("id=\"filter-hospital\"")));
        assertThat(hospitalSelect).contains(nameA, nameB).doesNotContain(nameC);
        assertThat(all).contains("Hématome sous-dural après chute ?", "Coma, engagement ?");

        String filtered = page.get("/worklist?hospital=" + hospitalA).body();
        assertThat(filtered).contains("data-exam-id=\"" + urgentA + "\"", "data-exam-id=\"" + aiPositiveA + "\"",
                        "id=\"filter-next-hint\"")
                .doesNotContain("data-exam-id=\"" + vitalB + "\"");
        assertThat(filtered).contains("<option value=\"" + hospitalA + "\" selected=\"selected\">");
        String aiRow = filtered.substring(filtered.indexOf("data-exam-id=\"" + aiPositiveA + "\""));
        aiRow = aiRow.substring(0, aiRow.indexOf("</tr>"));
        assertThat(aiRow).contains("IA positive", "Hémorragie intracrânienne", "score 0,87", "data-shape=\"diamond\"",
                "Céphalées brutales, saignement ?");

        // A hand-written filter for a hospital he does not read for: said, and the list stays whole.
        String refused = page.get("/worklist?hospital=" + hospitalC).body();
        assertThat(refused).contains("id=\"filter-error\"", "Vous ne lisez pas pour l’hôpital n° " + hospitalC,
                "data-exam-id=\"" + vitalB + "\"").doesNotContain("data-exam-id=\"" + urgentC + "\"", nameC);

        assertThat(page.get("/worklist?examType=" + q(otherType) + "&class=DEFERRABLE").body())
                .contains("data-exam-id=\"" + deferrableOtherTypeA + "\"")
                .doesNotContain("data-exam-id=\"" + urgentA + "\"", "data-exam-id=\"" + aiPositiveA + "\"");
    }

    @Test
    void theSupervisionPageFiltersTheSameRowsAndOffersEveryHospital() {
        TestAccount coordinator = createAccount(Role.COORDINATOR, null);
        var page = browser().loggedInAs(coordinator.username(), coordinator.password());
        String filtered = page.get("/coordination/worklist?hospital=" + hospitalA + "&class=AI_POSITIVE").body();
        assertThat(filtered).contains(nameC, "data-exam-id=\"" + aiPositiveA + "\"", "Hémorragie intracrânienne",
                        "score 0,87")
                .doesNotContain("data-exam-id=\"" + urgentA + "\"", "data-exam-id=\"" + vitalB + "\"");
        assertThat(page.get("/coordination/worklist?hospital=" + hospitalC).body())
                .contains("data-exam-id=\"" + urgentC + "\"", "Question d’un hôpital non habilité")
                .doesNotContain("data-exam-id=\"" + urgentA + "\"");
    }
}
