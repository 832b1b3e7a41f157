package fr.relais.e2e;

import fr.relais.BaseIntegrationTest;
import fr.relais.reading.ReadableStudies;
import fr.relais.reading.ReadableStudies.ReadyExam;
import fr.relais.security.Role;
import fr.relais.sim.SyntheticCt;
import fr.relais.support.Await;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The AI flag over the images, marked not for diagnosis, opens the key slice the detector chose. */
class AiFlagBrowserIT extends BaseIntegrationTest {

    private static final int SLICES = 30;

    @TempDir
    Path work;

    @BeforeEach
    void browserInstalled() {
        assumeTrue(BrowserSession.available(), "chromium and chromium-driver are needed (./relais setup)");
    }

    @Test
    void theFlagsButtonShowsTheKeySlice() throws Exception {
        String ae = uniqueAeTitle("AB");
        long hospital = createHospital(unique("CH Drapeau IA"), ae);
        TestAccount physician = createAccount(Role.HOSPITAL_PHYSICIAN, hospital);
        TestAccount radiologist = createAccount(Role.RADIOLOGIST, null);
        ReadyExam exam = ReadableStudies.sendReadyExam(jdbc, dicomDoor.port(), ae, as(physician), as(radiologist),
                "IPP-AB", SyntheticCt.StudySpec.builder().slices(SLICES).rows(128).columns(128).seed(811).bleed(true),
                work.resolve("study"));
        String keySop = Await.until("AI result", () -> jdbc.sql(
                        "select key_sop_instance_uid from ai_result where exam_id = :e and positive")
                .param("e", exam.examId()).query(String.class).optional().orElse(""), s -> !s.isEmpty());
        int keyNumber = exam.study().instances().stream().filter(i -> i.sopInstanceUid().equals(keySop))
                .findFirst().orElseThrow().instanceNumber();
        ReadableStudies.onDuty(jdbc, radiologist.id(), hospital, ReadableStudies.center(jdbc, unique("Centre AB")));
        assertThat(as(radiologist).post("/api/worklist/" + exam.examId() + "/claim", null).status()).isEqualTo(200);

        try (BrowserSession browser = new BrowserSession(port)) {
            browser.login(radiologist.username(), radiologist.password()).open("/reading/exams/" + exam.examId() + "/viewer");
            waitFor(browser, () -> sliceText(browser).startsWith("Image 1/" + SLICES));
            assertThat(browser.text(By.id("ai-flags"))).contains("non diagnostique").contains("Hémorragie intracrânienne");
            browser.click(By.cssSelector("[data-ai-go-to-key]"));
            waitFor(browser, () -> keySop.equals(browser.byId("panel-1").getAttribute("data-ai-key-shown")));
            assertThat(keyNumber).isGreaterThan(1);
            waitFor(browser, () -> sliceText(browser).startsWith("Image " + keyNumber + "/" + SLICES));
        }
    }

    private static String sliceText(BrowserSession browser) {
        List<WebElement> lines = browser.driver().findElements(By.cssSelector("#panel-1 [data-overlay=slice] div"));
        return lines.isEmpty() ? "" : lines.get(0).getText();
    }

    private static void waitFor(BrowserSession browser, java.util.function.Supplier<Boolean> condition) {
        new WebDriverWait(browser.driver(), Duration.ofSeconds(30)).until(d -> condition.get());
    }
}
