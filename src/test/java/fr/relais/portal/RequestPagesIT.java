package fr.relais.portal;

import fr.relais.BaseIntegrationTest;
import fr.relais.Browser;
import fr.relais.request.RequestFixtures;
import fr.relais.security.Role;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The request pages over real HTTP: who may open what, and the form's refusals in French. */
class RequestPagesIT extends BaseIntegrationTest {

    private Browser as(TestAccount account, boolean browser) {
        return browser().loggedInAs(account.username(), account.password());
    }

    private long fileFor(TestAccount physician) {
        return RequestFixtures.file(as(physician), RequestFixtures.headCt(unique("IPP-P").replace(' ', '-'), "PATIENT_SIGNED"))
                .get("id").asLong();
    }

    @Test
    void aPhysicianCannotOpenAnotherHospitalsRequestPage() {
        TestAccount mine = createAccount(Role.HOSPITAL_PHYSICIAN, createHospital(unique("CH A"), uniqueAeTitle("PA")));
        TestAccount other = createAccount(Role.HOSPITAL_PHYSICIAN, createHospital(unique("CH B"), uniqueAeTitle("PB")));
        long id = fileFor(mine);

        assertThat(as(mine, true).get("/portal/requests/" + id).statusCode()).isEqualTo(200);
        Browser stranger = as(other, true);
        HttpResponse<String> page = stranger.get("/portal/requests/" + id);
        assertThat(page.statusCode()).isEqualTo(404);
        assertThat(page.body()).doesNotContain("MARTIN");
        assertThat(stranger.get("/portal/requests").body()).doesNotContain("/portal/requests/" + id + "\"");
        stranger.get("/portal/requests");
        assertThat(stranger.postForm("/portal/requests/" + id + "/cancel", List.of(Map.entry("confirm", "yes")))
                .headers().firstValue("Location")).hasValueSatisfying(l -> assertThat(l).endsWith("/portal/requests/" + id));
        assertThat(jdbc.sql("select state from exam where id = :id").param("id", id).query(String.class).single())
                .isEqualTo("REQUESTED");
    }

    @Test
    void aTechnologistCannotFileARequest() {
        long hospital = createHospital(unique("CH Manip"), uniqueAeTitle("MANIP"));
        TestAccount technologist = createAccount(Role.HOSPITAL_TECHNOLOGIST, hospital);
        Browser browser = as(technologist, true);

        assertThat(browser.get("/portal/technologist").statusCode()).isEqualTo(200);
        assertThat(browser.get("/portal/requests/new").statusCode()).isEqualTo(403);
        browser.get("/portal/technologist");
        assertThat(browser.postForm("/portal/requests", completeForm()).statusCode()).isEqualTo(403);
    }

    @Test
    void aRadiologistCannotOpenThePortalAndAPhysicianCannotOpenTheRegulation() {
        TestAccount radiologist = createAccount(Role.RADIOLOGIST, null);
        TestAccount physician = createAccount(Role.HOSPITAL_PHYSICIAN, createHospital(unique("CH R"), uniqueAeTitle("RR")));

        Browser regulator = as(radiologist, true);
        assertThat(regulator.get("/portal/requests").statusCode()).isEqualTo(403);
        assertThat(regulator.get("/portal/requests/new").statusCode()).isEqualTo(403);
        assertThat(regulator.get("/regulation").statusCode()).isEqualTo(200);
        assertThat(as(physician, true).get("/regulation").statusCode()).isEqualTo(403);
    }

    @Test
    void theFormSaysInFrenchWhatIsMissingAndKeepsWhatWasTyped() {
        TestAccount physician = createAccount(Role.HOSPITAL_PHYSICIAN, createHospital(unique("CH F"), uniqueAeTitle("FF")));
        Browser browser = as(physician, true);
        HttpResponse<String> blank = browser.get("/portal/requests/new");
        assertThat(blank.body()).contains("<h1>Nouvelle demande d’examen</h1>", "Scanner cérébral sans injection");

        List<Map.Entry<String, String>> form = new ArrayList<>(completeForm());
        form.removeIf(e -> e.getKey().equals("question") || e.getKey().equals("callbackPhone"));
        form.add(Map.entry("callbackPhone", "appelez-moi"));
        form.add(Map.entry("question", " "));
        HttpResponse<String> refused = browser.postForm("/portal/requests", form);

        assertThat(refused.statusCode()).isEqualTo(200);
        assertThat(refused.body()).contains("La question posée est obligatoire.",
                "Le téléphone de rappel fait 6 à 24 caractères", "value=\"appelez-moi\"", "value=\"DURAND\"");

        // A contrast exam without creatinine: the service refuses, next to the field.
        form = new ArrayList<>(completeForm());
        form.removeIf(e -> e.getKey().equals("examTypeCode"));
        form.add(Map.entry("examTypeCode", "CT_HEAD_C"));
        HttpResponse<String> contrast = browser.postForm("/portal/requests", form);
        assertThat(contrast.statusCode()).isEqualTo(200);
        assertThat(contrast.body()).contains("id=\"creatinineUmolPerL-error\"", "La créatininémie est obligatoire");

        HttpResponse<String> filed = browser.postForm("/portal/requests", completeForm());
        assertThat(filed.statusCode()).isEqualTo(302);
        String location = filed.headers().firstValue("Location").orElseThrow();
        HttpResponse<String> detail = browser.get(location.substring(location.indexOf("/portal")));
        assertThat(detail.body()).contains("à donner au manipulateur", "En attente de validation", "Hématome ?");
    }

    private static List<Map.Entry<String, String>> completeForm() {
        return List.of(Map.entry("patientId", "IPP-F-1"), Map.entry("familyName", "DURAND"),
                Map.entry("givenName", "Alice"), Map.entry("birthDate", "1950-07-02"), Map.entry("sex", "F"),
                Map.entry("examTypeCode", "CT_HEAD"), Map.entry("clinicalContext", "Chute"),
                Map.entry("question", "Hématome ?"), Map.entry("urgency", "P2"),
                Map.entry("creatinineUmolPerL", ""), Map.entry("contrastAllergy", ""), Map.entry("pregnancy", ""),
                Map.entry("requestingPhysician", "Dr Urgences"), Map.entry("callbackPhone", "05 59 92 48 48"),
                Map.entry("consent", "PATIENT_SIGNED"), Map.entry("trustedPersonName", ""),
                Map.entry("consentJustification", ""));
    }
}
