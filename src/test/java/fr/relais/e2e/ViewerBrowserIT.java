package fr.relais.e2e;

import fr.relais.BaseIntegrationTest;
import fr.relais.reading.ReadableStudies;
import fr.relais.reading.ReadableStudies.ReadyExam;
import fr.relais.security.Role;
import fr.relais.sim.SyntheticCt;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.interactions.WheelInput;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.List;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The reading screen in headless Chromium: a radiologist takes an exam with real images from the
 * worklist and lands on its viewer; the first image is drawn (read back from the canvas), the
 * slice number follows the keyboard and the wheel, a preset changes the window and the pixels; a
 * prior study opens beside it; the same drawing on the CPU path that machines without WebGL take.
 */
class ViewerBrowserIT extends BaseIntegrationTest {

    private static final int SLICES = 40;
    private static final Duration IMAGES = Duration.ofSeconds(30);

    @TempDir
    Path work;

    @org.springframework.beans.factory.annotation.Autowired
    fr.relais.storage.ObjectStore store;

    @BeforeEach
    void browserInstalled() {
        assumeTrue(BrowserSession.available(), "chromium and chromium-driver are needed (./relais setup)");
    }

    @Test
    void aRadiologistTakesAnExamFromTheWorklistAndReadsItsImagesInTheViewer() throws Exception {
        String ae = uniqueAeTitle("VB");
        long hospital = createHospital(unique("CH Visionneuse navigateur"), ae);
        TestAccount physician = createAccount(Role.HOSPITAL_PHYSICIAN, hospital);
        TestAccount radiologist = createAccount(Role.RADIOLOGIST, null);
        // An earlier head CT of the same patient (same DICOM patient ID), then tonight's.
        String patientId = uniqueAeTitle("IPP-VB");
        ReadyExam prior = ReadableStudies.sendReadyExam(jdbc, dicomDoor.port(), ae, as(physician), as(radiologist),
                patientId, SyntheticCt.StudySpec.builder().slices(8).rows(128).columns(128).seed(700).patientId(patientId)
                        .studyDateTime(LocalDateTime.of(2026, 10, 1, 22, 15)), work.resolve("prior"));
        ReadyExam exam = ReadableStudies.sendReadyExam(jdbc, dicomDoor.port(), ae, as(physician), as(radiologist),
                patientId, SyntheticCt.StudySpec.builder().slices(SLICES).rows(256).columns(256).seed(701)
                        .patientId(patientId), work.resolve("study"));
        ReadableStudies.onDuty(jdbc, radiologist.id(), hospital, ReadableStudies.center(jdbc, unique("Centre VB")));

        try (BrowserSession browser = new BrowserSession(port)) {
            browser.login(radiologist.username(), radiologist.password()).open("/worklist");
            browser.click(By.cssSelector("#queue-region tr[data-exam-id='" + exam.examId() + "'] button[type=submit]"));
            browser.waitUntil(d -> d.getCurrentUrl().endsWith("/reading/exams/" + exam.examId() + "/viewer"));

            // The first image is drawn: the slice overlay says so and the canvas is not black.
            waitFor(browser, d -> sliceText(browser).startsWith("Image 1/" + SLICES));
            waitFor(browser, d -> litPixels(browser) > 2000);
            String mode = browser.byId("viewer").getAttribute("data-render-mode");
            System.out.println("viewer render mode in headless Chromium: " + mode);
            assertThat(mode).isIn("gpu", "cpu");
            assertThat(browser.text(By.cssSelector("#panel-1 [data-overlay=patient]"))).contains("MARTIN Paul", patientId);
            assertThat(browser.text(By.cssSelector("#panel-1 [data-overlay=study]")))
                    .contains("CH Visionneuse navigateur", "Scanner cérébral sans injection");
            assertThat(browser.text(By.cssSelector("#panel-1 [data-overlay=slice]"))).contains("Pos. ");

            // The series list shows a thumbnail that loaded.
            waitFor(browser, d -> Boolean.TRUE.equals(js(browser,
                    "const i = document.querySelector('#series-list img.series-thumb');"
                            + "return i !== null && i.complete && i.naturalWidth > 0;")));

            // The arrow key and the wheel move through the slices. Working in the viewer keeps the claim.
            jdbc.sql("update exam set last_activity_at = now() - interval '5 minutes' where id = :id")
                    .param("id", exam.examId()).update();
            new Actions(browser.driver()).sendKeys(Keys.ARROW_DOWN).perform();
            waitFor(browser, d -> sliceText(browser).startsWith("Image 2/" + SLICES));
            waitFor(browser, d -> jdbc.sql("select last_activity_at > now() - interval '1 minute' from exam where id = :id")
                    .param("id", exam.examId()).query(Boolean.class).single());
            WebElement viewport = browser.byId("viewport-1");
            new Actions(browser.driver()).scrollFromOrigin(WheelInput.ScrollOrigin.fromElement(viewport), 0, 120).perform();
            waitFor(browser, d -> sliceText(browser).startsWith("Image 3/" + SLICES));
            new Actions(browser.driver()).sendKeys(Keys.ARROW_UP).perform();
            waitFor(browser, d -> sliceText(browser).startsWith("Image 2/" + SLICES));

            // The lung preset changes the window shown and the pixels drawn.
            waitFor(browser, d -> litPixels(browser) > 2000);
            String voiBefore = browser.text(By.cssSelector("#panel-1 [data-overlay=voi]"));
            assertThat(voiBefore).contains("F 80 / C 40");
            js(browser, SNAPSHOT);
            browser.click(By.cssSelector("button[data-preset=lung]"));
            waitFor(browser, d -> browser.text(By.cssSelector("#panel-1 [data-overlay=voi]")).contains("F 1500 / C -600"));
            waitFor(browser, d -> changedPixels(browser) > 0.05);

            // The rest of the series loads behind the first image, with a visible count.
            waitFor(browser, d -> ("" + SLICES).equals(browser.byId("panel-1")
                    .findElement(By.cssSelector("[data-overlay=progress]")).getAttribute("data-done")));
            assertThat(browser.byId("panel-1").findElement(By.cssSelector("[data-overlay=progress]"))
                    .getAttribute("textContent")).isEqualTo(SLICES + " images chargées");

            // The earlier study is listed under the series; one of its series goes beside the current one.
            By priorButton = By.cssSelector("#priors-list li[data-study-uid='" + prior.study().studyInstanceUid() + "'] .prior-open");
            waitFor(browser, d -> !d.findElements(priorButton).isEmpty());
            assertThat(browser.text(priorButton)).contains("01/10/2026", "Scanner cérébral sans injection", "CT", "8 images");
            browser.click(priorButton);
            By priorSeries = By.cssSelector("#priors-list li[data-series-uid='" + prior.study().seriesInstanceUid() + "'] .series-pick");
            waitFor(browser, d -> !d.findElements(priorSeries).isEmpty());
            browser.click(priorSeries);
            waitFor(browser, d -> d.findElement(By.id("panel-2")).isDisplayed()
                    && "true".equals(d.findElement(By.id("panel-2")).getAttribute("data-rendered")));
            waitFor(browser, d -> browser.text(By.cssSelector("#panel-2 [data-overlay=slice]")).startsWith("Image 1/8"));
            assertThat(browser.text(By.cssSelector("#panel-2 [data-overlay=study]"))).contains("ANTÉRIORITÉ", "01/10/2026");
            assertThat(sliceText(browser)).startsWith("Image 2/" + SLICES);

            // Cine plays the series of the active viewport (the prior's, just chosen) until paused.
            browser.click(By.id("cine-toggle"));
            waitFor(browser, d -> !browser.text(By.cssSelector("#panel-2 [data-overlay=slice]")).startsWith("Image 1/8"));
            browser.click(By.id("cine-toggle"));
            String paused = browser.text(By.cssSelector("#panel-2 [data-overlay=slice]"));
            Thread.sleep(500);
            assertThat(browser.text(By.cssSelector("#panel-2 [data-overlay=slice]"))).isEqualTo(paused);

            // Without WebGL the viewer draws on the CPU: forced here, the same image comes out.
            browser.open("/reading/exams/" + exam.examId() + "/viewer?render=cpu");
            waitFor(browser, d -> "cpu".equals(d.findElement(By.id("viewer")).getAttribute("data-render-mode")));
            waitFor(browser, d -> sliceText(browser).startsWith("Image 1/" + SLICES));
            waitFor(browser, d -> litPixels(browser) > 2000);
            new Actions(browser.driver()).sendKeys(Keys.PAGE_DOWN).perform();
            waitFor(browser, d -> sliceText(browser).startsWith("Image 11/" + SLICES));

            // A length in millimetres and a density in Hounsfield units (UH), drawn over the image.
            WebElement viewport1 = browser.byId("viewport-1");
            browser.click(By.cssSelector("button[data-tool=length]"));
            new Actions(browser.driver()).moveToElement(viewport1, -80, 0).clickAndHold().moveByOffset(160, 0)
                    .release().perform();
            waitFor(browser, d -> svgText(browser).matches("(?s).*\\d+(,|\\.)?\\d* mm.*"));
            browser.click(By.cssSelector("button[data-tool=probe]"));
            new Actions(browser.driver()).moveToElement(viewport1, 0, 40).click().perform();
            new WebDriverWait(browser.driver(), IMAGES).withMessage(() -> "drawn over the image: " + svgText(browser))
                    .until(d -> svgText(browser).matches("(?s).*-?\\d+(,\\d+)? UH.*"));
        }
        assertThat(jdbc.sql("select count(*) from audit_event where action = 'STUDY_OPENED' and actor = :u")
                .param("u", radiologist.username()).query(Integer.class).single()).isGreaterThanOrEqualTo(2);
    }

    /** Keeps the canvas's pixels in the page, to compare after a change. */
    private static final String SNAPSHOT = "window.relaisSnapshot = " + "(" + pixelsFunction() + ")().data;";

    private static String pixelsFunction() {
        return """
                function () {
                  const source = document.querySelector('#viewport-1 canvas');
                  const copy = document.createElement('canvas');
                  copy.width = source.width;
                  copy.height = source.height;
                  const context = copy.getContext('2d');
                  context.drawImage(source, 0, 0);
                  return context.getImageData(0, 0, copy.width, copy.height);
                }""";
    }

    /** Pixels of the viewport's canvas brighter than near-black. */
    private static long litPixels(BrowserSession browser) {
        Object lit = js(browser, "const image = (" + pixelsFunction() + ")(); let lit = 0;"
                + "for (let i = 0; i < image.data.length; i += 4) {"
                + "  if (image.data[i] + image.data[i + 1] + image.data[i + 2] > 30) lit++; }"
                + "return lit;");
        return ((Number) lit).longValue();
    }

    /** The share of pixels that differ from the snapshot. */
    private static double changedPixels(BrowserSession browser) {
        Object share = js(browser, "const now = (" + pixelsFunction() + ")().data; const before = window.relaisSnapshot;"
                + "if (!before || before.length !== now.length) return 1;"
                + "let changed = 0; for (let i = 0; i < now.length; i += 4) { if (now[i] !== before[i]) changed++; }"
                + "return changed / (now.length / 4);");
        return ((Number) share).doubleValue();
    }

    private static String svgText(BrowserSession browser) {
        return String.valueOf(js(browser, "return Array.from(document.querySelectorAll('#viewport-1 svg text'))"
                + ".map(t => t.textContent).join(' | ');"));
    }

    @Test
    void anOldInstanceAnnouncingMillionsOfFramesIsLeftOutAndTheOthersAreRead() throws Exception {
        String ae = uniqueAeTitle("VBX");
        long hospital = createHospital(unique("CH Visionneuse ancienne"), ae);
        TestAccount physician = createAccount(Role.HOSPITAL_PHYSICIAN, hospital);
        TestAccount radiologist = createAccount(Role.RADIOLOGIST, null);
        ReadyExam exam = ReadableStudies.sendReadyExam(jdbc, dicomDoor.port(), ae, as(physician), as(radiologist),
                uniqueAeTitle("IPP-VBX"), SyntheticCt.StudySpec.builder().slices(4).rows(64).columns(64).seed(702),
                work.resolve("old"));
        // One instance replaced by what a store could hold from before intake checked pixel modules.
        java.util.Map<String, Object> row = jdbc.sql("""
                select i.id, i.sop_instance_uid, se.series_uid from instance i join series se on se.id = i.series_id
                where se.study_id = :s order by i.id limit 1""").param("s", exam.studyId()).query().singleRow();
        String crafted = (String) row.get("sop_instance_uid");
        byte[] dataSet = fr.relais.dicom.TestObjects.image().uids(exam.study().studyInstanceUid(),
                (String) row.get("series_uid"), crafted).rows(1).columns(1).frames("300000000").bits(8, 8, 7).dataSet();
        fr.relais.storage.ObjectStore.StoredObject object = store.put(List.of(
                fr.relais.storage.ObjectStore.Segment.of(fr.relais.dicom.Part10.fileMetaHeader("1.2.840.10008.5.1.4.1.1.2",
                        crafted, fr.relais.dicom.Uids.EXPLICIT_VR_LITTLE_ENDIAN, ae, null)),
                fr.relais.storage.ObjectStore.Segment.of(dataSet)));
        jdbc.sql("update instance set object_key = :k, size_bytes = :n, metadata = null where id = :id")
                .param("k", object.key()).param("n", object.size()).param("id", row.get("id")).update();
        ReadableStudies.onDuty(jdbc, radiologist.id(), hospital, ReadableStudies.center(jdbc, unique("Centre VBX")));

        try (BrowserSession browser = new BrowserSession(port)) {
            browser.login(radiologist.username(), radiologist.password()).open("/worklist");
            browser.click(By.cssSelector("#queue-region tr[data-exam-id='" + exam.examId() + "'] button[type=submit]"));
            browser.waitUntil(d -> d.getCurrentUrl().endsWith("/reading/exams/" + exam.examId() + "/viewer"));

            // The three sound slices make the stack, drawn; the page did not try 300 million.
            waitFor(browser, d -> sliceText(browser).startsWith("Image 1/3"));
            waitFor(browser, d -> litPixels(browser) > 200);
        }
    }

    private static String sliceText(BrowserSession browser) {
        List<WebElement> lines = browser.driver().findElements(By.cssSelector("#panel-1 [data-overlay=slice] div"));
        return lines.isEmpty() ? "" : lines.get(0).getText();
    }

    private static Object js(BrowserSession browser, String script) {
        return ((JavascriptExecutor) browser.driver()).executeScript(script);
    }

    private static void waitFor(BrowserSession browser, Function<org.openqa.selenium.WebDriver, Boolean> condition) {
        new WebDriverWait(browser.driver(), IMAGES).until(condition::apply);
    }
}
