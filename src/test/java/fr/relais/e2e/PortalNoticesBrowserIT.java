package fr.relais.e2e;

import fr.relais.BaseIntegrationTest;
import fr.relais.report.ReportFixtures;
import fr.relais.security.Role;
import fr.relais.storage.Sealer;
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
 * In headless Chromium: an emergency physician writing a new request hears of a critical result
 * the moment it is signed (a notice on top of the page, a sound, no reload), opens it and
 * acknowledges it in their name; the notice is then gone.
 */
class PortalNoticesBrowserIT extends BaseIntegrationTest {

    @Autowired
    Sealer sealer;

    @Autowired
    WorklistService worklist;

    @BeforeEach
    void browserInstalled() {
        assumeTrue(BrowserSession.available(), "chromium and chromium-driver are needed (./relais setup)");
    }

    @Test
    void aCriticalResultReachesThePhysicianOnAnyPortalPageAndIsAcknowledged() {
        long hospital = createHospital(unique("CH Notification"), uniqueAeTitle("NOTIF"));
        TestAccount physician = createAccount(Role.HOSPITAL_PHYSICIAN, hospital);
        TestAccount radiologist = createAccount(Role.RADIOLOGIST, null);
        ReportFixtures fixtures = new ReportFixtures(jdbc, sealer, worklist);
        fixtures.onDuty(radiologist.id(), hospital, fixtures.center(unique("Centre notification")));
        long exam = fixtures.readyExam(hospital, physician.id(), Instant.now().minus(Duration.ofMinutes(8)));
        ReportFixtures.claim(as(radiologist), exam);

        try (BrowserSession doctor = new BrowserSession(port)) {
            doctor.login(physician.username(), physician.password()).open("/portal/requests/new");
            doctor.waitUntil(d -> "open".equals(d.findElement(By.tagName("body")).getAttribute("data-notices-stream")));
            doctor.markPage();

            ReportFixtures.sign(as(radiologist), exam, true);

            By notice = By.cssSelector("#portal-notices li[data-exam-id='" + exam + "'][data-critical='true']");
            doctor.waitUntil(d -> !d.findElements(notice).isEmpty());
            assertThat(doctor.text(notice)).contains("Résultat critique (hémorragie) à acquitter");
            doctor.waitUntil(d -> d.findElement(By.tagName("body")).getAttribute("data-beeps") != null);
            assertThat(doctor.pageWasNotReloaded()).isTrue();

            doctor.click(By.cssSelector("#portal-notices li[data-exam-id='" + exam + "'] a"));
            doctor.waitUntil(d -> d.getCurrentUrl().endsWith("/portal/requests/" + exam));
            doctor.click(By.id("acknowledge-critical"));
            doctor.waitForText(By.id("critical-acknowledgement"), "Résultat critique acquitté par " + displayNameOf(Role.HOSPITAL_PHYSICIAN));
            doctor.waitUntil(d -> d.findElements(notice).isEmpty());
        }
        assertThat(jdbc.sql("select count(*) from critical_acknowledgement a join report r on r.id = a.report_id"
                + " where r.exam_id = :e and a.acknowledged_by = :u").param("e", exam).param("u", physician.id())
                .query(Long.class).single()).isOne();
    }
}
