package fr.relais.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import fr.relais.BaseIntegrationTest;
import fr.relais.request.RequestFixtures;
import fr.relais.security.Role;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The request workflow in headless Chromium: two people, two browsers, no reload. */
class RequestPagesBrowserIT extends BaseIntegrationTest {

    private TestAccount physician;
    private TestAccount radiologist;

    @BeforeEach
    void accounts() {
        assumeTrue(BrowserSession.available(), "chromium and chromium-driver are needed (./relais setup)");
        long hospital = createHospital(unique("CH Navigateur"), uniqueAeTitle("NAV"));
        physician = createAccount(Role.HOSPITAL_PHYSICIAN, hospital);
        radiologist = createAccount(Role.RADIOLOGIST, null);
        authorise(radiologist, hospital);
    }

    @Test
    void physicianFilesARequestTheRadiologistAcceptsItAndThePhysicianSeesTheDecisionLive() {
        try (BrowserSession doctor = new BrowserSession(port); BrowserSession regulator = new BrowserSession(port)) {
            regulator.login(radiologist.username(), radiologist.password()).open("/regulation").waitForLiveStream().markPage();

            doctor.login(physician.username(), physician.password()).open("/portal/requests/new");
            String patientId = unique("IPP-NAV").replace(' ', '-');
            doctor.type("patientId", patientId).type("familyName", "DURAND").type("givenName", "Alice")
                    .setValue("birthDate", "1961-07-02").select("sex", "F").select("examTypeCode", "CT_HEAD")
                    .type("question", "Hématome sous-dural ?")
                    .click(By.cssSelector("input[name=urgency][value=P1]"))
                    .type("requestingPhysician", "Dr Urgences").type("callbackPhone", "05 59 92 48 48")
                    .select("consent", "PATIENT_SIGNED");
            // No clinical context: refused, in words, with what was typed kept.
            doctor.click(By.cssSelector("form.card button[type=submit]"));
            assertThat(doctor.byId("clinicalContext-error").isDisplayed()).isTrue();
            assertThat(doctor.byId("clinicalContext-error").getText()).contains("Le contexte clinique est obligatoire");
            assertThat(doctor.byId("form-errors").getText()).contains("Le formulaire contient des erreurs");
            assertThat(doctor.byId("patientId").getAttribute("value")).isEqualTo(patientId);
            assertThat(doctor.byId("question").getAttribute("value")).isEqualTo("Hématome sous-dural ?");

            doctor.type("clinicalContext", "Chute dans l’escalier, sous anticoagulants, GCS 13");
            doctor.click(By.cssSelector("form.card button[type=submit]"));
            doctor.waitUntil(d -> d.getCurrentUrl().matches(".*/portal/requests/\\d+$"));
            String url = doctor.driver().getCurrentUrl();
            long id = Long.parseLong(url.substring(url.lastIndexOf('/') + 1));
            String accession = doctor.text(By.cssSelector("#accession code"));
            assertThat(accession).isNotBlank();
            assertThat(doctor.text(By.id("accession"))).contains("à donner au manipulateur");
            assertThat(doctor.text(By.id("request-state"))).isEqualTo("En attente de validation");
            doctor.waitForLiveStream().markPage();

            // The regulator's queue shows it without a reload, in red, with a beep for a P1.
            regulator.waitUntil(d -> !d.findElements(By.cssSelector("tr[data-exam-id='" + id + "'].row-P1")).isEmpty());
            assertThat(regulator.pageWasNotReloaded()).isTrue();
            regulator.waitUntil(d -> d.findElement(By.tagName("body")).getAttribute("data-beeps") != null);

            regulator.click(By.cssSelector("tr[data-exam-id='" + id + "'] a"));
            regulator.waitUntil(d -> d.getCurrentUrl().endsWith("/regulation/" + id));
            assertThat(regulator.source()).contains("Chute dans l’escalier", "Hématome sous-dural ?");
            regulator.select("protocol-choice", regulator.byId("protocol-choice")
                    .findElements(By.tagName("option")).get(1).getAttribute("value"));
            assertThat(regulator.byId("protocol").getAttribute("value")).startsWith("Crâne sans injection");
            regulator.type("protocol", "Crâne sans injection, coupes fines de 0,625 mm");
            regulator.click(By.cssSelector("#accept-form button[type=submit]"));
            regulator.waitUntil(d -> d.getCurrentUrl().endsWith("/regulation"));
            assertThat(regulator.source()).contains("Demande acceptée.");

            // The physician's page shows the decision without a reload.
            doctor.waitForText(By.id("request-state"), "Protocole validé");
            assertThat(doctor.text(By.id("status-region"))).contains("Crâne sans injection, coupes fines de 0,625 mm");
            assertThat(doctor.pageWasNotReloaded()).isTrue();
        }
    }

    @Test
    void markupInFreeTextIsShownAsTextOnTheRadiologistsAndThePhysiciansPages() {
        Map<String, Object> request = RequestFixtures.headCt(unique("IPP-XSS").replace(' ', '-'), "PATIENT_SIGNED");
        request.put("clinicalContext", "<script>alert(1)</script><b>x</b>");
        request.put("question", "<img src=x onerror=alert(2)>?");
        JsonNode filed = RequestFixtures.file(as(physician), request);
        long id = filed.get("id").asLong();

        try (BrowserSession doctor = new BrowserSession(port); BrowserSession regulator = new BrowserSession(port)) {
            regulator.login(radiologist.username(), radiologist.password()).open("/regulation/" + id);
            doctor.login(physician.username(), physician.password()).open("/portal/requests/" + id);
            for (BrowserSession page : new BrowserSession[] {regulator, doctor}) {
                assertThat(page.source()).contains("&lt;script&gt;alert(1)&lt;/script&gt;&lt;b&gt;x&lt;/b&gt;");
                assertThat(page.driver().findElements(By.xpath("//b[text()='x']"))).isEmpty();
                assertThat(page.driver().findElements(By.cssSelector("img[src=x]"))).isEmpty();
                assertThat(page.text(By.tagName("main"))).contains("<script>alert(1)</script><b>x</b>");
            }
            regulator.open("/regulation");
            assertThat(regulator.driver().findElements(By.cssSelector("main img"))).isEmpty();
            assertThat(regulator.source()).contains("&lt;img src=x onerror=alert(2)&gt;?");
        }
    }
}
