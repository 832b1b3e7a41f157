package fr.relais.e2e;

import fr.relais.BaseIntegrationTest;
import fr.relais.reading.ReadableStudies;
import fr.relais.reading.ReadableStudies.ReadyExam;
import fr.relais.report.ReportFixtures;
import fr.relais.request.LateImagesIT;
import fr.relais.security.Role;
import fr.relais.sim.SyntheticCt;
import fr.relais.support.Dcmtk;
import fr.relais.support.ImageSweep;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A series arrives while the radiologist reads the exam: in headless Chromium, the open viewer says
 * "Nouvelles images" at once, without a reload, and its button lists the new series beside the first.
 */
class ViewerNewImagesBrowserIT extends BaseIntegrationTest {

    @TempDir
    Path work;

    @BeforeEach
    void browserInstalled() {
        assumeTrue(BrowserSession.available(), "chromium and chromium-driver are needed (./relais setup)");
        ImageSweep.alsoAccountedBy(LateImagesIT.ACCOUNTED_BY_TASK);
    }

    @Test
    void imagesArrivingDuringTheReadingAreAnnouncedLiveAndListedOnRequest() throws Exception {
        String ae = uniqueAeTitle("VNI");
        long hospital = createHospital(unique("CH Nouvelles images"), ae);
        TestAccount physician = createAccount(Role.HOSPITAL_PHYSICIAN, hospital);
        TestAccount radiologist = createAccount(Role.RADIOLOGIST, null);
        String patientId = uniqueAeTitle("IPP-VNI");
        ReadyExam exam = ReadableStudies.sendReadyExam(jdbc, dicomDoor.port(), ae, as(physician), as(radiologist),
                patientId, SyntheticCt.StudySpec.builder().slices(4).rows(64).columns(64).seed(2181).patientId(patientId),
                work.resolve("study"));
        ReadableStudies.onDuty(jdbc, radiologist.id(), hospital, ReadableStudies.center(jdbc, unique("Centre VNI")));
        ReportFixtures.claim(as(radiologist), exam.examId());

        try (BrowserSession browser = new BrowserSession(port)) {
            browser.login(radiologist.username(), radiologist.password())
                    .open("/reading/exams/" + exam.examId() + "/viewer");
            By seriesItems = By.cssSelector("#series-list li.series-item");
            browser.waitUntil(d -> d.findElements(seriesItems).size() == 1);
            browser.waitUntil(d -> "open".equals(d.findElement(By.id("new-images")).getAttribute("data-live-state")));
            assertThat(browser.byId("new-images").isDisplayed()).isFalse();
            browser.markPage();

            // The technologist sends a forgotten series into the study.
            SyntheticCt.GeneratedStudy extra = SyntheticCt.generate(SyntheticCt.StudySpec.builder().slices(2).rows(64)
                    .columns(64).seed(2182).patientId(patientId).build(), work.resolve("late"));
            Dcmtk.intoStudy(exam.study().studyInstanceUid(), extra.files());
            Dcmtk.Result sent = Dcmtk.storescu(dicomDoor.port(), ae, "RELAIS", extra.files());
            assertThat(sent.exitCode()).as(sent.output()).isZero();

            WebElement banner = browser.waitUntil(d -> {
                WebElement b = d.findElement(By.id("new-images"));
                return b.isDisplayed() ? b : null;
            });
            assertThat(banner.getText()).contains("Nouvelles images");
            assertThat(browser.driver().findElements(seriesItems)).hasSize(1);
            assertThat(browser.pageWasNotReloaded()).isTrue();

            browser.click(By.id("new-images-reload"));

            browser.waitUntil(d -> "1".equals(d.findElement(By.id("new-images")).getAttribute("data-reloads")));
            List<String> listed = browser.driver().findElements(seriesItems).stream()
                    .map(li -> li.getAttribute("data-series-uid")).toList();
            assertThat(listed).containsExactlyInAnyOrder(exam.study().seriesInstanceUid(), extra.seriesInstanceUid());
            assertThat(browser.byId("new-images").isDisplayed()).isFalse();
            assertThat(browser.pageWasNotReloaded()).isTrue();
            assertThat(ReadableStudies.state(jdbc, exam.examId())).isEqualTo("IN_READING");
        }
        ImageSweep.assertNothingLost(jdbc, hospital);
    }
}
