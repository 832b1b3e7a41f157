package fr.relais.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import fr.relais.ApiClient;
import fr.relais.BaseIntegrationTest;
import fr.relais.prior.PriorsFromPacsIT;
import fr.relais.reading.ReadableStudies;
import fr.relais.request.RequestFixtures;
import fr.relais.security.Role;
import fr.relais.sim.SyntheticCt;
import fr.relais.sim.SyntheticCt.GeneratedStudy;
import fr.relais.support.Await;
import fr.relais.support.Dcmqrscp;
import fr.relais.support.Dcmtk;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The viewer in headless Chromium lists the priors fetched from the hospital's PACS (a DCMTK
 * dcmqrscp holding two earlier head CTs of the patient) and opens one; for a hospital whose PACS is
 * down it says that the priors could not be fetched, and why, never "no prior".
 */
class PriorsBrowserIT extends BaseIntegrationTest {

    @TempDir
    Path work;

    @BeforeEach
    void browserInstalled() {
        assumeTrue(BrowserSession.available(), "chromium and chromium-driver are needed (./relais setup)");
        Dcmtk.requireDcmtk();
    }

    @Test
    void theViewerShowsThePriorsFetchedFromThePacsAndSaysWhenThePacsCouldNotGiveThem() throws Exception {
        TestAccount radiologist = createAccount(Role.RADIOLOGIST, null);
        long center = ReadableStudies.center(jdbc, unique("Centre antériorités"));
        String pacsAe = uniqueAeTitle("PACSB");
        try (Dcmqrscp pacs = new Dcmqrscp(Files.createDirectories(work.resolve("pacs")), pacsAe, "RELAIS", dicomDoor.port())) {
            // A hospital whose PACS holds two earlier head CTs of the patient.
            String ae = uniqueAeTitle("PBU");
            long hospital = createHospital(unique("CH Antériorités navigateur"), ae);
            String patientId = uniqueAeTitle("IPP-PB");
            GeneratedStudy older = PriorsFromPacsIT.earlier(patientId, LocalDateTime.of(2024, 3, 9, 4, 0), null, 5101,
                    work.resolve("older"));
            GeneratedStudy newer = PriorsFromPacsIT.earlier(patientId, LocalDateTime.of(2025, 9, 17, 1, 30), null, 5102,
                    work.resolve("newer"));
            pacs.store(older.files());
            pacs.store(newer.files());
            ApiClient physician = as(createAccount(Role.HOSPITAL_PHYSICIAN, hospital));
            PriorsFromPacsIT.hospitalWithPacs(this, admin(), hospital, ae, physician, pacsAe, pacs.port());
            long examId = readyExam(hospital, ae, physician, radiologist, patientId, center, 5103);

            // A hospital whose PACS does not answer.
            String downAe = uniqueAeTitle("PBD");
            long downHospital = createHospital(unique("CH PACS en panne navigateur"), downAe);
            ApiClient downPhysician = as(createAccount(Role.HOSPITAL_PHYSICIAN, downHospital));
            PriorsFromPacsIT.hospitalWithPacs(this, admin(), downHospital, downAe, downPhysician, uniqueAeTitle("PACSX"),
                    Dcmqrscp.freePort());
            long downExamId = readyExam(downHospital, downAe, downPhysician, radiologist, uniqueAeTitle("IPP-PBD"), center,
                    5104);

            try (BrowserSession browser = new BrowserSession(port)) {
                browser.login(radiologist.username(), radiologist.password());
                claim(radiologist, examId);
                browser.open("/reading/exams/" + examId + "/viewer");
                By newerPrior = By.cssSelector("#priors-list li[data-study-uid='" + newer.studyInstanceUid() + "'] .prior-open");
                By olderPrior = By.cssSelector("#priors-list li[data-study-uid='" + older.studyInstanceUid() + "'] .prior-open");
                browser.waitUntil(d -> !d.findElements(newerPrior).isEmpty() && !d.findElements(olderPrior).isEmpty());
                assertThat(browser.text(newerPrior)).contains("17/09/2025", "CT", "2 images");
                assertThat(browser.text(olderPrior)).contains("09/03/2024");
                assertThat(browser.driver().findElements(By.id("priors-fetch-failed"))).isEmpty();
                // A fetched prior opens like any: its series are listed.
                browser.click(newerPrior);
                By priorSeries = By.cssSelector("#priors-list li[data-series-uid='" + newer.seriesInstanceUid() + "'] .series-pick");
                browser.waitUntil(d -> !d.findElements(priorSeries).isEmpty());

                claim(radiologist, downExamId);
                browser.open("/reading/exams/" + downExamId + "/viewer");
                browser.waitForText(By.id("priors-fetch-failed"),
                        "Antériorités du PACS non récupérées : Le PACS de l'hôpital ne répond pas (connexion refusée)");
                assertThat(browser.driver().findElements(By.id("priors-empty"))).isEmpty();
            }
        }
    }

    /** A request accepted, its images come: READY; the fetch of its priors has ended (fetched or failed). */
    private long readyExam(long hospital, String ae, ApiClient physician, TestAccount radiologist, String patientId,
                           long center, long seed) throws Exception {
        JsonNode filed = RequestFixtures.file(physician, RequestFixtures.headCt(patientId, "PATIENT_SIGNED"));
        long examId = filed.get("id").asLong();
        RequestFixtures.accept(jdbc, as(radiologist), examId);
        GeneratedStudy tonight = SyntheticCt.generate(RequestFixtures.studyFor(filed).slices(2).rows(64).columns(64)
                .seed(seed).build(), work.resolve("tonight-" + seed));
        assertThat(Dcmtk.storescu(dicomDoor.port(), ae, "RELAIS", tonight.files()).exitCode()).isZero();
        Await.until("exam " + examId + " READY", () -> ReadableStudies.state(jdbc, examId), "READY"::equals);
        Await.until("priors of exam " + examId, () -> jdbc.sql("select state from prior_fetch where exam_id = :id")
                .param("id", examId).query(String.class).optional().orElse("NONE"), s -> s.equals("FETCHED") || s.equals("FAILED"));
        if (jdbc.sql("select count(*) from seat_presence where user_id = :u").param("u", radiologist.id())
                .query(Long.class).single() == 0) {
            ReadableStudies.onDuty(jdbc, radiologist.id(), hospital, center);
        } else {
            authorise(radiologist, hospital);
        }
        return examId;
    }

    private void claim(TestAccount radiologist, long examId) {
        ApiClient reader = as(radiologist);
        Await.until("exam " + examId + " claimed", () -> reader.post("/api/worklist/" + examId + "/claim", null).status(),
                s -> s == 200);
    }
}
