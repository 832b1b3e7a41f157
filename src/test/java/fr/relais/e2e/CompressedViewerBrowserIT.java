package fr.relais.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import fr.relais.BaseIntegrationTest;
import fr.relais.request.RequestFixtures;
import fr.relais.security.Role;
import fr.relais.sim.SyntheticCt;
import fr.relais.support.Await;
import fr.relais.support.Compression;
import fr.relais.support.Dcmtk;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The viewer in headless Chromium draws studies sent compressed as it draws the same study sent
 * uncompressed. Its loader asks frames with {@code transfer-syntax=*}, so it receives them as
 * stored (JPEG-LS, JPEG lossless, RLE, JPEG 2000) and decodes them with Cornerstone's codecs in
 * its web workers: the server transcodes only for clients that ask for explicit little endian.
 */
class CompressedViewerBrowserIT extends BaseIntegrationTest {

    private static final int SLICES = 3;
    private static final Duration IMAGES = Duration.ofSeconds(30);

    @TempDir
    Path work;

    @BeforeEach
    void browserInstalled() {
        assumeTrue(BrowserSession.available(), "chromium and chromium-driver are needed (./relais setup)");
    }

    @Test
    void aStudySentCompressedInAnySyntaxIsDrawnAsTheSameStudySentUncompressed() throws Exception {
        String ae = uniqueAeTitle("VCZ");
        long hospital = createHospital(unique("CH Visionneuse compressions"), ae);
        TestAccount physician = createAccount(Role.HOSPITAL_PHYSICIAN, hospital);
        TestAccount regulator = createAccount(Role.RADIOLOGIST, null);
        long plain = send(physician, regulator, ae, null);
        List<Long> compressed = new ArrayList<>();
        for (Compression.Kind kind : Compression.Kind.values()) {
            compressed.add(send(physician, regulator, ae, kind));
        }

        try (BrowserSession browser = new BrowserSession(port)) {
            browser.login("admin", ADMIN_PASSWORD);
            int[] reference = drawn(browser, plain);
            for (int k = 0; k < compressed.size(); k++) {
                String kind = Compression.Kind.values()[k].name();
                int[] histogram = drawn(browser, compressed.get(k));
                long differing = 0, total = 0;
                for (int v = 0; v < 256; v++) {
                    differing += Math.abs(histogram[v] - reference[v]);
                    total += reference[v];
                }
                assertThat((double) differing / total).as(kind + ": share of pixels drawn otherwise").isLessThan(0.01);
            }
        }
    }

    /** Opens the exam's viewer, waits for its first image drawn, and gives the canvas's grey histogram. */
    private int[] drawn(BrowserSession browser, long examId) {
        browser.open("/reading/exams/" + examId + "/viewer");
        WebDriverWait wait = new WebDriverWait(browser.driver(), IMAGES);
        wait.until(d -> sliceText(browser).startsWith("Image 1/" + SLICES));
        wait.until(d -> lit(histogram(browser)) > 2000);
        // Drawn once decoded; read again until two reads agree, so that no half-drawn frame is compared.
        int[][] last = {histogram(browser)};
        wait.until(d -> {
            int[] now = histogram(browser);
            boolean same = java.util.Arrays.equals(now, last[0]);
            last[0] = now;
            return same;
        });
        return last[0];
    }

    private static long lit(int[] histogram) {
        long lit = 0;
        for (int v = 11; v < 256; v++) {
            lit += histogram[v];
        }
        return lit;
    }

    private static int[] histogram(BrowserSession browser) {
        Object counts = ((JavascriptExecutor) browser.driver()).executeScript("""
                const source = document.querySelector('#viewport-1 canvas');
                const counts = new Array(256).fill(0);
                if (!source) return counts;
                const copy = document.createElement('canvas');
                copy.width = source.width;
                copy.height = source.height;
                const context = copy.getContext('2d');
                context.drawImage(source, 0, 0);
                const data = context.getImageData(0, 0, copy.width, copy.height).data;
                for (let i = 0; i < data.length; i += 4) counts[data[i]]++;
                return counts;""");
        List<?> list = (List<?>) counts;
        int[] out = new int[256];
        for (int v = 0; v < 256; v++) {
            out[v] = ((Number) list.get(v)).intValue();
        }
        return out;
    }

    private static String sliceText(BrowserSession browser) {
        List<WebElement> lines = browser.driver().findElements(By.cssSelector("#panel-1 [data-overlay=slice] div"));
        return lines.isEmpty() ? "" : lines.get(0).getText();
    }

    /** The same head, compressed or not, sent by storescu for its own request; READY. */
    private long send(TestAccount physician, TestAccount regulator, String ae, Compression.Kind kind) throws Exception {
        String patientId = uniqueAeTitle("IPP-VCZ");
        JsonNode filed = RequestFixtures.file(as(physician), RequestFixtures.headCt(patientId, "PATIENT_SIGNED"));
        long examId = filed.get("id").asLong();
        RequestFixtures.accept(jdbc, as(regulator), examId);
        Path folder = work.resolve(patientId);
        List<Path> files = SyntheticCt.generate(RequestFixtures.matching(filed, SyntheticCt.StudySpec.builder()
                .slices(SLICES).rows(128).columns(128).bleed(true).seed(704)).build(), folder).files();
        Compression.Sending sending = Compression.prepare(kind, files, folder, false);
        Dcmtk.Result sent = Dcmtk.storescu(dicomDoor.port(), ae, "RELAIS", sending.storescuOptions(), sending.files());
        assertThat(sent.exitCode()).as(sent.output()).isZero();
        Await.until("exam " + examId + " READY", () -> jdbc.sql("select state from exam where id = :e")
                .param("e", examId).query(String.class).single(), "READY"::equals);
        return examId;
    }
}
