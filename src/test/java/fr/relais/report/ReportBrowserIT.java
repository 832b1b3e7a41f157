package fr.relais.report;

import fr.relais.BaseIntegrationTest;
import fr.relais.e2e.BrowserSession;
import fr.relais.security.Role;
import fr.relais.storage.Sealer;
import fr.relais.worklist.WorklistService;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.springframework.beans.factory.annotation.Autowired;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The reading's end in headless Chromium: claim, write from the template, sign; the hospital sees the report live. */
class ReportBrowserIT extends BaseIntegrationTest {

    @Autowired
    Sealer sealer;

    @Autowired
    WorklistService worklist;

    private ReportFixtures fixtures;
    private long hospital;
    private TestAccount physician;
    private TestAccount radiologist;

    @BeforeEach
    void setUp() {
        assumeTrue(BrowserSession.available(), "chromium and chromium-driver are needed (./relais setup)");
        fixtures = new ReportFixtures(jdbc, sealer, worklist);
        hospital = createHospital(unique("CH Navigateur CR"), uniqueAeTitle("NCR"));
        physician = createAccount(Role.HOSPITAL_PHYSICIAN, hospital);
        radiologist = createAccount(Role.RADIOLOGIST, null);
        fixtures.onDuty(radiologist.id(), hospital, fixtures.center(unique("Centre Navigateur CR")));
    }

    @Test
    void aRadiologistClaimsWritesFromTheTemplateAndSignsAndTheHospitalSeesTheReportWithoutReloading() {
        long exam = fixtures.readyExam(hospital, physician.id(), Instant.now().minus(Duration.ofMinutes(9)));

        try (BrowserSession reader = new BrowserSession(port); BrowserSession doctor = new BrowserSession(port)) {
            doctor.login(physician.username(), physician.password()).open("/portal/requests/" + exam)
                    .waitForLiveStream().markPage();
            assertThat(doctor.driver().findElements(By.id("report-download"))).isEmpty();

            // Claim from the worklist: the viewer opens, with the report editor beside the images.
            reader.login(radiologist.username(), radiologist.password()).open("/worklist");
            reader.click(By.cssSelector("#queue-region tr[data-exam-id='" + exam + "'] button[type=submit]"));
            reader.waitUntil(d -> d.getCurrentUrl().endsWith("/reading/exams/" + exam + "/viewer"));
            assertThat(reader.driver().findElements(By.cssSelector("#report-panel #report-form"))).hasSize(1);
            // The same editor on its own page, from "Mes examens".
            reader.open("/worklist");
            reader.click(By.cssSelector("#mine-region tr[data-mine-id='" + exam + "'] a.button:not(.primary)"));
            reader.waitUntil(d -> d.getCurrentUrl().endsWith("/reading/exams/" + exam + "/report"));

            // The template of a head CT, with the request's context and protocol.
            assertThat(reader.byId("indication").getAttribute("value")).contains("Chute", "Saignement ?");
            assertThat(reader.byId("technique").getAttribute("value")).startsWith("Crâne sans injection");
            assertThat(reader.byId("findings").getAttribute("value")).contains("Pas d’hémorragie intra- ou extra-axiale.");
            assertThat(reader.text(By.id("draft-status"))).contains("modèle");
            // The critical-finding fields stay out of the way until the report is marked critical.
            assertThat(reader.byId("criticalCategory").isDisplayed()).isFalse();

            // A quick phrase goes into the findings; the conclusion is typed.
            reader.click(By.xpath("//button[contains(@class,'phrase') and @data-target='FINDINGS' and text()='Pas d’examen antérieur']"));
            assertThat(reader.byId("findings").getAttribute("value"))
                    .endsWith("Pas d’examen antérieur disponible pour comparaison.");
            reader.type("conclusion", "Pas d’anomalie intracrânienne aiguë.");
            reader.byId("conclusion").sendKeys(Keys.END, " Contrôle à discuter si aggravation.");

            // The draft saves itself about a second after the last keystroke.
            reader.waitForText(By.id("draft-status"), "Brouillon enregistré à");
            assertThat(jdbc.sql("select conclusion from report where exam_id = :id").param("id", exam)
                    .query(String.class).single())
                    .isEqualTo("Pas d’anomalie intracrânienne aiguë. Contrôle à discuter si aggravation.");

            reader.click(By.id("sign"));
            reader.waitUntil(d -> d.getCurrentUrl().endsWith("/worklist"));
            assertThat(reader.text(By.cssSelector(".flash"))).contains("Compte rendu de l’examen " + jdbc.sql("select accession_number from exam_request where exam_id = :e")
                    .param("e", exam).query(String.class).single() + " signé.");
            assertThat(reader.driver().findElements(By.cssSelector("#mine-region tr[data-mine-id='" + exam + "']"))).isEmpty();

            // The physician's page shows the signed report the moment it is signed.
            doctor.waitForText(By.id("report-region"), "Contrôle à discuter si aggravation.");
            assertThat(doctor.text(By.id("report-region")))
                    .contains("Pas d’examen antérieur disponible pour comparaison.", "Signé par Test Radiologist");
            assertThat(doctor.byId("report-download").getAttribute("href")).endsWith("/portal/requests/" + exam + "/report.txt");
            doctor.waitForText(By.id("request-state"), "Compte rendu signé");
            assertThat(doctor.pageWasNotReloaded()).isTrue();
        }
    }

    @Test
    void markingTheReportCriticalAsksForTheCallAndSignsWithIt() {
        long exam = fixtures.readyExam(hospital, physician.id(), Instant.now().minus(Duration.ofMinutes(5)));
        ReportFixtures.claim(as(radiologist), exam);

        try (BrowserSession reader = new BrowserSession(port)) {
            reader.login(radiologist.username(), radiologist.password()).open("/reading/exams/" + exam + "/report");
            reader.click(By.id("critical"));
            assertThat(reader.byId("criticalCategory").isDisplayed()).isTrue();
            reader.select("criticalCategory", "HAEMORRHAGE");
            reader.click(By.xpath("//button[contains(@class,'phrase') and text()='Hématome sous-dural']"));
            // The phrase's choices and gaps are the radiologist's to fill.
            reader.setValue("findings", reader.byId("findings").getAttribute("value").replace("[droit / gauche]", "droit")
                    .replaceFirst("\\[x]", "12").replace("[x]", "6"));
            reader.type("conclusion", "Hématome sous-dural aigu droit.");
            // Signing without saying how the call was made is stopped before the page is left: nothing is at stake.
            reader.markPage();
            reader.click(By.id("sign"));
            assertThat(((org.openqa.selenium.JavascriptExecutor) reader.driver())
                    .executeScript("return document.getElementById('callbackMode-called').validity.valid")).isEqualTo(false);
            assertThat(reader.pageWasNotReloaded()).isTrue();
            assertThat(reader.byId("conclusion").getAttribute("value")).isEqualTo("Hématome sous-dural aigu droit.");

            reader.click(By.id("callbackMode-called"));
            assertThat(reader.byId("calledName").getAttribute("value")).isEqualTo("Dr Test");
            reader.click(By.id("readBackConfirmed"));
            reader.click(By.id("sign"));
            reader.waitUntil(d -> d.getCurrentUrl().endsWith("/worklist"));
        }
        assertThat(jdbc.sql("""
                select rp.state || ' ' || rp.critical_category || ' ' || c.called_name from report rp
                join critical_callback c on c.report_id = rp.id where rp.exam_id = :id""")
                .param("id", exam).query(String.class).single()).isEqualTo("SIGNED HAEMORRHAGE Dr Test");
    }

    @Test
    void aSignatureRefusedKeepsEverythingTypedAndACriticalReportIsCheckedBeforeLeavingThePage() {
        long exam = fixtures.readyExam(hospital, physician.id(), Instant.now().minus(Duration.ofMinutes(5)));
        ReportFixtures.claim(as(radiologist), exam);

        try (BrowserSession reader = new BrowserSession(port)) {
            String page = "/reading/exams/" + exam + "/report";
            reader.login(radiologist.username(), radiologist.password()).open(page);
            reader.type("conclusion", "Hématome sous-dural aigu droit.");
            reader.click(By.id("critical"));
            // No category and no call: the browser says so, and the page is not left.
            reader.markPage();
            reader.click(By.id("sign"));
            assertThat(reader.driver().getCurrentUrl()).endsWith(page);
            assertThat(reader.pageWasNotReloaded()).isTrue();
            assertThat(((org.openqa.selenium.JavascriptExecutor) reader.driver())
                    .executeScript("return document.getElementById('criticalCategory').validity.valid")).isEqualTo(false);

            // A refusal the server makes (the call not read back) keeps every field as typed.
            reader.select("criticalCategory", "HAEMORRHAGE");
            reader.click(By.id("callbackMode-called"));
            reader.setValue("calledName", "Dr Régulateur");
            reader.type("findings", " Déviation de la ligne médiane de 6 mm.");
            String findings = reader.byId("findings").getAttribute("value");
            reader.click(By.id("sign"));
            reader.waitForText(By.cssSelector(".flash"), "relu");
            assertThat(reader.byId("findings").getAttribute("value")).isEqualTo(findings);
            assertThat(reader.byId("conclusion").getAttribute("value")).isEqualTo("Hématome sous-dural aigu droit.");
            assertThat(reader.byId("critical").isSelected()).isTrue();
            assertThat(reader.byId("criticalCategory").getAttribute("value")).isEqualTo("HAEMORRHAGE");
            assertThat(reader.byId("callbackMode-called").isSelected()).isTrue();
            assertThat(reader.byId("calledName").getAttribute("value")).isEqualTo("Dr Régulateur");
        }
        assertThat(jdbc.sql("select state from report where exam_id = :id").param("id", exam).query(String.class).single())
                .isEqualTo("DRAFT");
    }
}
