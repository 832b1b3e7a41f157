package fr.relais.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import fr.relais.BaseIntegrationTest;
import fr.relais.report.ReportFixtures;
import fr.relais.security.Role;
import fr.relais.storage.Sealer;
import fr.relais.worklist.WorklistFixtures;
import fr.relais.worklist.WorklistService;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.springframework.beans.factory.annotation.Autowired;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The coordinator's dashboard, open in headless Chromium, raises the understaffing alert by itself
 * (live, with its beep) when a burst of exams arrives that the radiologists on duty cannot open
 * before their deadlines, and says how many radiologists to call.
 */
class UnderstaffingBrowserIT extends BaseIntegrationTest {

    @Autowired
    Sealer sealer;

    @Autowired
    WorklistService worklist;

    @BeforeEach
    void browserInstalled() {
        assumeTrue(BrowserSession.available(), "chromium and chromium-driver are needed (./relais setup)");
    }

    private JsonNode staffing(TestAccount coordinator) {
        return as(coordinator).get("/api/ops/dashboard").json().get("staffing");
    }

    @Test
    void aBurstOfExamsRaisesTheUnderstaffingAlertLiveWithTheNumberToCall() {
        TestAccount coordinator = createAccount(Role.COORDINATOR, null);
        WorklistFixtures places = new WorklistFixtures(jdbc, sealer);
        // The database is shared: first enough free radiologists for the queue other tests left.
        for (int round = 0; round < 5 && staffing(coordinator).get("toCall").asInt() > 0; round++) {
            int toCall = staffing(coordinator).get("toCall").asInt();
            for (int i = 0; i < toCall; i++) {
                long center = places.center(unique("Centre Renfort"), 1);
                places.checkIn(createAccount(Role.RADIOLOGIST, null).id(), center);
            }
        }
        assertThat(staffing(coordinator).get("toCall").asInt()).isZero();

        long hospital = createHospital(unique("CH Afflux"), uniqueAeTitle("AFB"));
        TestAccount physician = createAccount(Role.HOSPITAL_PHYSICIAN, hospital);
        ReportFixtures fixtures = new ReportFixtures(jdbc, sealer, worklist);
        int onDuty = staffing(coordinator).get("onDuty").asInt();

        try (BrowserSession browser = new BrowserSession(port)) {
            browser.login(coordinator.username(), coordinator.password()).open("/coordination/dashboard")
                    .waitForLiveStream().markPage();
            assertThat(browser.driver().findElements(By.id("understaffing-alert"))).isEmpty();

            // Head CTs of 12 minutes, all due within half an hour: each radiologist opens at most three in time.
            for (int i = 0; i < 3 * onDuty + 4; i++) {
                fixtures.readyExam(hospital, physician.id(), Instant.now().minus(Duration.ofMinutes(2)));
            }

            browser.waitForText(By.id("understaffing-alert"), "radiologue(s) à appeler");
            int toCall = staffing(coordinator).get("toCall").asInt();
            assertThat(toCall).isPositive();
            browser.waitForText(By.id("understaffing-alert"), "Effectif insuffisant : " + toCall + " radiologue(s) à appeler");
            assertThat(browser.text(By.id("understaffing-alert"))).contains("dépasseront leur délai");
            assertThat(browser.byId("understaffing-alert").getAttribute("role")).isEqualTo("alert");
            // It came live, with the alarm's two tones, without the page being reloaded.
            browser.waitUntil(d -> d.findElement(By.tagName("body")).getAttribute("data-beeps") != null);
            assertThat(browser.pageWasNotReloaded()).isTrue();
        }
    }
}
