package fr.relais.e2e;

import fr.relais.BaseIntegrationTest;
import fr.relais.ai.AiEngines;
import fr.relais.ai.AiResults;
import fr.relais.exam.ExamReady;
import fr.relais.request.Urgency;
import fr.relais.security.Role;
import fr.relais.storage.Sealer;
import fr.relais.worklist.WorklistFixtures;
import fr.relais.worklist.WorklistService;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;
import org.springframework.beans.factory.annotation.Autowired;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The radiologist's worklist in headless Chromium, with the longest names and questions a night
 * brings: at 1366 and 1920 pixels nothing scrolls sideways and no cell spills out of its box; each
 * row shows its clinical question and its AI finding with the score; AI-positive and urgent rows
 * differ by a shape with a text alternative, not only by a colour (and their colours stay apart for
 * deuteranopes and protanopes); each filter narrows the list, and keeps doing so through live updates.
 */
class WorklistRowsBrowserIT extends BaseIntegrationTest {

    private static final String LONG_HOSPITAL = "Centre hospitalier intercommunal des vallées de l’Ossau, de l’Aspe"
            + " et du Barétous – site d’Oloron-Sainte-Marie, pavillon des urgences adultes et pédiatriques";
    private static final String LONG_EXAM_TYPE = "Scanner cérébral, des rochers, du massif facial et des troncs"
            + " supra-aortiques avec injection aux temps artériel et veineux";
    private static final String LONG_QUESTION = "Patient de 86 ans sous anticoagulants (AVK, INR 4,2) retrouvé au sol"
            + " à domicile, confusion fluctuante, céphalées, vomissements, anisocorie droite apparue aux urgences,"
            + " score de Glasgow passé de 14 à 11 en une heure ; hématome sous-dural aigu, contusion, engagement ?"
            + " Référence du dossier transmis : DOSSIERURGENCES20261202OLORONSAINTEMARIE000000000042BIS";

    @Autowired
    WorklistService worklist;

    @Autowired
    Sealer sealer;

    @Autowired
    AiResults aiResults;

    @Autowired
    AiEngines aiEngines;

    private WorklistFixtures fixtures;
    private long longHospital;
    private long shortHospital;
    private String longType;
    private long physicianLong;
    private long physicianShort;
    private TestAccount radiologist;

    @BeforeEach
    void setUp() {
        assumeTrue(BrowserSession.available(), "chromium and chromium-driver are needed (./relais setup)");
        fixtures = new WorklistFixtures(jdbc, sealer);
        longHospital = createHospital(unique(LONG_HOSPITAL), uniqueAeTitle("LGH"));
        shortHospital = createHospital(unique("CH Pau"), uniqueAeTitle("SHH"));
        longType = fixtures.examType(unique(LONG_EXAM_TYPE));
        physicianLong = createAccount(Role.HOSPITAL_PHYSICIAN, longHospital).id();
        physicianShort = createAccount(Role.HOSPITAL_PHYSICIAN, shortHospital).id();
        radiologist = createAccount(Role.RADIOLOGIST, null);
        fixtures.authorise(radiologist.id(), longHospital);
        fixtures.authorise(radiologist.id(), shortHospital);
        fixtures.checkIn(radiologist.id(), fixtures.center(unique("Centre Largeurs"), 7));
    }

    private long ready(long hospital, Urgency urgency, String type, String question) {
        Instant now = Instant.now();
        long id = fixtures.readyExam(hospital, hospital == longHospital ? physicianLong : physicianShort, urgency, now,
                type, question);
        worklist.onReady(new ExamReady(id, hospital, 0, now));
        return id;
    }

    private void aiFinds(long exam, double score) {
        aiResults.record(exam, aiEngines.byCode("relais-ich").orElseThrow(), "1.0",
                new AiResults.Incoming("ICH", score, null, null, null));
    }

    private static By queueRow(long exam) {
        return By.cssSelector("#queue-region tr[data-exam-id='" + exam + "']");
    }

    @Test
    void atBothWidthsNothingOverflowsAndEachRowSaysWhatMatters() {
        long vital = ready(longHospital, Urgency.P1, longType, LONG_QUESTION);
        long urgent = ready(longHospital, Urgency.P2, longType, LONG_QUESTION);
        long aiPositive = ready(longHospital, Urgency.P3, longType, LONG_QUESTION);
        aiFinds(aiPositive, 0.87);
        ready(shortHospital, Urgency.P3, "CT_HEAD", "Saignement ?");
        // Two exams of mine, with the same long data, under "Mes examens".
        for (int i = 0; i < 2; i++) {
            long held = ready(longHospital, Urgency.P2, longType, LONG_QUESTION);
            assertThat(as(radiologist).post("/api/worklist/" + held + "/claim", null).status()).isEqualTo(200);
        }

        try (BrowserSession browser = new BrowserSession(port)) {
            browser.login(radiologist.username(), radiologist.password());
            for (int width : new int[] {1366, 1920}) {
                browser.driver().manage().window().setSize(new Dimension(width, 900));
                browser.open("/worklist").waitForLiveStream();
                assertThat(innerWidth(browser)).as("the window is %d px wide", width).isBetween(width - 20L, (long) width);
                assertThat(browser.driver().findElements(By.cssSelector("#mine tbody tr"))).hasSize(2);
                assertThat(overflows(browser)).as("overflow at %d px", width).isEmpty();
            }

            WebElement aiRow = browser.driver().findElement(queueRow(aiPositive));
            WebElement urgentRow = browser.driver().findElement(queueRow(urgent));
            // The clinical question and the AI finding with its score, visible in the row.
            WebElement question = aiRow.findElement(By.cssSelector("td.question"));
            assertThat(question.isDisplayed()).isTrue();
            assertThat(question.getText()).startsWith("Patient de 86 ans sous anticoagulants");
            WebElement finding = aiRow.findElement(By.cssSelector("td.ai .ai-finding"));
            assertThat(finding.isDisplayed()).isTrue();
            assertThat(finding.getText()).contains("Hémorragie intracrânienne").contains("score 0,87");
            assertThat(urgentRow.findElements(By.cssSelector("td.ai .ai-finding"))).isEmpty();

            // Besides their colours, AI-positive and urgent rows carry shapes of their own, each with its words.
            WebElement aiSign = aiRow.findElement(By.cssSelector("td.cls svg.wl-icon"));
            WebElement urgentSign = urgentRow.findElement(By.cssSelector("td.cls svg.wl-icon"));
            WebElement vitalSign = browser.driver().findElement(queueRow(vital)).findElement(By.cssSelector("td.cls svg.wl-icon"));
            assertThat(aiSign.getAttribute("data-shape")).isEqualTo("diamond");
            assertThat(urgentSign.getAttribute("data-shape")).isEqualTo("triangle");
            assertThat(vitalSign.getAttribute("data-shape")).isEqualTo("octagon");
            assertThat(aiSign.getAttribute("role")).isEqualTo("img");
            assertThat(aiSign.getAttribute("aria-label")).isEqualTo("Signe d’un examen positif à l’IA (losange)");
            assertThat(urgentSign.getAttribute("aria-label")).isEqualTo("Signe de l’urgence (triangle)");
            assertThat(aiSign.findElement(By.tagName("polygon")).getAttribute("points"))
                    .isNotEqualTo(urgentSign.findElement(By.tagName("polygon")).getAttribute("points"));
            assertThat(aiRow.findElement(By.cssSelector("td.cls")).getText()).isEqualTo("IA positive");
            assertThat(urgentRow.findElement(By.cssSelector("td.cls")).getText()).isEqualTo("Urgent");

            // Their colours as drawn: apart for deuteranopes and protanopes, white text readable on each.
            int[] aiColour = ColourVision.rgb(aiRow.findElement(By.cssSelector(".wl-class")).getCssValue("background-color"));
            int[] urgentColour = ColourVision.rgb(urgentRow.findElement(By.cssSelector(".wl-class")).getCssValue("background-color"));
            int[] text = ColourVision.rgb(aiRow.findElement(By.cssSelector(".wl-class")).getCssValue("color"));
            for (ColourVision.Deficiency d : ColourVision.Deficiency.values()) {
                assertThat(ColourVision.distance(d, aiColour, urgentColour)).as("ΔE for %s", d).isGreaterThan(40);
            }
            assertThat(ColourVision.contrast(text, aiColour)).isGreaterThanOrEqualTo(4.5);
            assertThat(ColourVision.contrast(text, urgentColour)).isGreaterThanOrEqualTo(4.5);
            assertThat(ColourVision.contrast(ColourVision.rgb(finding.getCssValue("color")),
                    ColourVision.rgb(aiRow.getCssValue("background-color")))).isGreaterThanOrEqualTo(4.5);
        }
    }

    @Test
    void eachFilterNarrowsTheListAndSurvivesLiveUpdates() {
        long longOne = ready(longHospital, Urgency.P2, longType, LONG_QUESTION);
        long shortOne = ready(shortHospital, Urgency.P2, "CT_HEAD", "Saignement ?");
        long aiOne = ready(shortHospital, Urgency.P3, "CT_HEAD", "Céphalées brutales ?");
        aiFinds(aiOne, 0.5);

        try (BrowserSession browser = new BrowserSession(port)) {
            browser.login(radiologist.username(), radiologist.password());
            browser.driver().manage().window().setSize(new Dimension(1366, 900));
            browser.open("/worklist").waitForLiveStream();
            assertThat(rowIds(browser)).containsExactlyInAnyOrder(longOne, shortOne, aiOne);
            // Only his hospitals are offered.
            assertThat(options(browser, "filter-hospital")).containsExactlyInAnyOrder(
                    String.valueOf(longHospital), String.valueOf(shortHospital));

            // Hospital: choosing it applies it.
            choose(browser, "filter-hospital", String.valueOf(shortHospital));
            assertThat(rowIds(browser)).containsExactlyInAnyOrder(shortOne, aiOne);
            assertThat(overflows(browser)).isEmpty();
            browser.waitForLiveStream().markPage();
            long otherHospitalLater = ready(longHospital, Urgency.P1, longType, LONG_QUESTION);
            long sameHospitalLater = ready(shortHospital, Urgency.P2, "CT_HEAD", "Fracture ?");
            browser.waitUntil(d -> !d.findElements(queueRow(sameHospitalLater)).isEmpty());
            assertThat(rowIds(browser)).containsExactlyInAnyOrder(shortOne, aiOne, sameHospitalLater)
                    .doesNotContain(otherHospitalLater);
            assertThat(browser.pageWasNotReloaded()).isTrue();
            assertThat(new Select(browser.byId("filter-hospital")).getFirstSelectedOption().getAttribute("value"))
                    .isEqualTo(String.valueOf(shortHospital));

            // Exam type.
            browser.open("/worklist").waitForLiveStream();
            choose(browser, "filter-exam-type", longType);
            assertThat(rowIds(browser)).containsExactlyInAnyOrder(longOne, otherHospitalLater);
            browser.waitForLiveStream().markPage();
            long headLater = ready(longHospital, Urgency.P2, "CT_HEAD", "Saignement ?");
            long longTypeLater = ready(shortHospital, Urgency.P3, longType, "Fracture du rocher ?");
            browser.waitUntil(d -> !d.findElements(queueRow(longTypeLater)).isEmpty());
            assertThat(rowIds(browser)).doesNotContain(headLater, shortOne, aiOne).contains(longTypeLater);
            assertThat(browser.pageWasNotReloaded()).isTrue();

            // Class: the AI-positive ones; an exam the AI flags meanwhile joins them live.
            browser.open("/worklist").waitForLiveStream();
            choose(browser, "filter-class", "AI_POSITIVE");
            assertThat(rowIds(browser)).containsExactly(aiOne);
            browser.waitForLiveStream().markPage();
            aiFinds(shortOne, 0.9);
            browser.waitUntil(d -> !d.findElements(queueRow(shortOne)).isEmpty());
            assertThat(rowIds(browser)).containsExactlyInAnyOrder(aiOne, shortOne);
            assertThat(browser.pageWasNotReloaded()).isTrue();
            assertThat(browser.byId("filter-next-hint").getText()).contains("« Suivant » prend toujours");
        }
    }

    @Test
    void theSupervisionFiltersTheSameRowsLiveAndFitsAt1366() {
        long longOne = ready(longHospital, Urgency.P2, longType, LONG_QUESTION);
        aiFinds(longOne, 0.66);
        TestAccount coordinator = createAccount(Role.COORDINATOR, null);
        try (BrowserSession browser = new BrowserSession(port)) {
            browser.login(coordinator.username(), coordinator.password());
            browser.driver().manage().window().setSize(new Dimension(1366, 900));
            browser.open("/coordination/worklist").waitForLiveStream();
            choose(browser, "filter-hospital", String.valueOf(longHospital));
            By rows = By.cssSelector("#supervision-region tr[data-exam-id]");
            assertThat(browser.driver().findElements(rows)).extracting(r -> r.getAttribute("data-exam-id"))
                    .containsExactly(String.valueOf(longOne));
            assertThat(browser.text(By.cssSelector("#supervision-region tr[data-exam-id='" + longOne + "'] td.ai")))
                    .contains("Hémorragie intracrânienne", "score 0,66");
            assertThat(overflows(browser)).isEmpty();
            browser.waitForLiveStream().markPage();
            long elsewhere = ready(shortHospital, Urgency.P1, "CT_HEAD", "Saignement ?");
            long later = ready(longHospital, Urgency.P1, longType, LONG_QUESTION);
            browser.waitUntil(d -> !d.findElements(By.cssSelector("#supervision-region tr[data-exam-id='" + later + "']")).isEmpty());
            assertThat(browser.driver().findElements(rows)).extracting(r -> r.getAttribute("data-exam-id"))
                    .containsExactlyInAnyOrder(String.valueOf(longOne), String.valueOf(later))
                    .doesNotContain(String.valueOf(elsewhere));
            assertThat(browser.pageWasNotReloaded()).isTrue();
            assertThat(overflows(browser)).isEmpty();
        }
    }

    /** Picks a filter value as a person would; the page applies it at once (a new address). */
    private static void choose(BrowserSession browser, String selectId, String value) {
        String before = browser.driver().getCurrentUrl();
        new Select(browser.byId(selectId)).selectByValue(value);
        browser.waitUntil(d -> !d.getCurrentUrl().equals(before) && d.getCurrentUrl().contains("=" + value));
        browser.waitUntil(d -> "complete".equals(((JavascriptExecutor) d).executeScript("return document.readyState")));
    }

    private static List<Long> rowIds(BrowserSession browser) {
        return browser.driver().findElements(By.cssSelector("#queue-region tr[data-exam-id]")).stream()
                .map(r -> Long.parseLong(r.getAttribute("data-exam-id"))).toList();
    }

    private static List<String> options(BrowserSession browser, String selectId) {
        return new Select(browser.byId(selectId)).getOptions().stream().map(o -> o.getAttribute("value"))
                .filter(v -> !v.isEmpty()).toList();
    }

    private static long innerWidth(BrowserSession browser) {
        return ((Number) ((JavascriptExecutor) browser.driver()).executeScript("return window.innerWidth;")).longValue();
    }

    /**
     * Everything that sticks out: the page wider than the window, a worklist table wider than the
     * page's main column, a cell whose content is wider than the cell, an element outside its cell.
     */
    @SuppressWarnings("unchecked")
    private static List<String> overflows(BrowserSession browser) {
        return (List<String>) ((JavascriptExecutor) browser.driver()).executeScript("""
                var bad = [];
                var doc = document.documentElement;
                if (doc.scrollWidth > window.innerWidth) {
                  bad.push('page ' + doc.scrollWidth + ' > window ' + window.innerWidth);
                }
                var main = document.getElementById('main').getBoundingClientRect();
                document.querySelectorAll('table.worklist').forEach(function (table) {
                  var t = table.getBoundingClientRect();
                  if (t.right > main.right + 1 || t.left < main.left - 1) {
                    bad.push('table ' + table.id + ' [' + t.left + ', ' + t.right + '] outside main [' + main.left + ', ' + main.right + ']');
                  }
                  table.querySelectorAll('tr').forEach(function (row) {
                    var r = row.getBoundingClientRect();
                    if (r.right > t.right + 1) { bad.push('row of ' + table.id + ' ends at ' + r.right + ' > ' + t.right); }
                  });
                  table.querySelectorAll('td, th').forEach(function (cell) {
                    var what = table.id + ' ' + (cell.className || cell.tagName);
                    if (cell.scrollWidth > cell.clientWidth + 1) {
                      bad.push(what + ': content ' + cell.scrollWidth + ' > cell ' + cell.clientWidth);
                    }
                    var c = cell.getBoundingClientRect();
                    cell.querySelectorAll('*').forEach(function (el) {
                      var e = el.getBoundingClientRect();
                      if (e.width > 0 && (e.right > c.right + 1 || e.left < c.left - 1)) {
                        bad.push(what + ': ' + el.tagName + ' [' + e.left + ', ' + e.right + '] outside [' + c.left + ', ' + c.right + ']');
                      }
                    });
                  });
                });
                return bad;""");
    }
}
