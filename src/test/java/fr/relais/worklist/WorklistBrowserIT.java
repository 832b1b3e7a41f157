package fr.relais.worklist;

import fr.relais.BaseIntegrationTest;
import fr.relais.e2e.BrowserSession;
import fr.relais.exam.ExamReady;
import fr.relais.request.Urgency;
import fr.relais.security.Role;
import fr.relais.storage.Sealer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.springframework.beans.factory.annotation.Autowired;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The common worklist in headless Chromium: two radiologists and a coordinator, one claim, no reload. */
class WorklistBrowserIT extends BaseIntegrationTest {

    @Autowired
    WorklistService worklist;

    @Autowired
    Sealer sealer;

    @Autowired
    org.springframework.context.ApplicationEventPublisher events;

    private WorklistFixtures fixtures;
    private long hospital;
    private long center;
    private TestAccount physician;

    @BeforeEach
    void setUp() {
        assumeTrue(BrowserSession.available(), "chromium and chromium-driver are needed (./relais setup)");
        fixtures = new WorklistFixtures(jdbc, sealer);
        hospital = createHospital(unique("CH Navigateur WL"), uniqueAeTitle("NWL"));
        center = fixtures.center(unique("Centre Navigateur"), 7);
        physician = createAccount(Role.HOSPITAL_PHYSICIAN, hospital);
    }

    private TestAccount radiologistOnDuty() {
        TestAccount r = createAccount(Role.RADIOLOGIST, null);
        fixtures.authorise(r.id(), hospital);
        fixtures.checkIn(r.id(), center);
        return r;
    }

    private long ready(Urgency urgency) {
        Instant now = Instant.now();
        long id = fixtures.readyExam(hospital, physician.id(), urgency, now);
        worklist.onReady(new ExamReady(id, hospital, 0, now));
        return id;
    }

    private static By row(long exam) {
        return By.cssSelector("#queue-region tr[data-exam-id='" + exam + "']");
    }

    @Test
    void oneRadiologistTakesAnExamAndItLeavesTheOthersListLiveAndTheCoordinatorSeesWhoReadsIt() {
        long exam = ready(Urgency.P2);
        TestAccount first = radiologistOnDuty();
        TestAccount second = radiologistOnDuty();
        TestAccount coordinator = createAccount(Role.COORDINATOR, null);

        try (BrowserSession one = new BrowserSession(port); BrowserSession two = new BrowserSession(port);
             BrowserSession boss = new BrowserSession(port)) {
            two.login(second.username(), second.password()).open("/worklist").waitForLiveStream().markPage();
            boss.login(coordinator.username(), coordinator.password()).open("/coordination/worklist")
                    .waitForLiveStream().markPage();
            assertThat(two.driver().findElements(row(exam))).hasSize(1);
            // The clocks tick in the browser.
            String clock = two.text(By.cssSelector("#queue-region tr[data-exam-id='" + exam + "'] td[data-since]"));
            two.waitUntil(d -> !d.findElement(By.cssSelector("#queue-region tr[data-exam-id='" + exam + "'] td[data-since]"))
                    .getText().equals(clock));

            one.login(first.username(), first.password()).open("/worklist");
            one.click(By.cssSelector("#queue-region tr[data-exam-id='" + exam + "'] button[type=submit]"));
            one.waitUntil(d -> d.getCurrentUrl().endsWith("/reading/exams/" + exam + "/viewer"));
            one.open("/worklist").waitForLiveStream();
            assertThat(one.driver().findElements(By.cssSelector("#mine-region tr[data-mine-id='" + exam + "']"))).hasSize(1);

            // The other radiologist's list loses it without a reload.
            two.waitUntil(d -> d.findElements(row(exam)).isEmpty());
            assertThat(two.pageWasNotReloaded()).isTrue();

            // The coordinator sees who reads it, live too.
            boss.waitForText(By.cssSelector("#supervision-region tr[data-exam-id='" + exam + "'] td.reader"), "Test Radiologist");
            assertThat(boss.driver().findElement(By.cssSelector("#supervision-region tr[data-exam-id='" + exam + "']"))
                    .getAttribute("data-state")).isEqualTo("IN_READING");
            assertThat(boss.pageWasNotReloaded()).isTrue();

            // The holder is warned, without a reload, when the claim is about to expire; the colleague is not.
            one.markPage();
            events.publishEvent(new WorklistChanged(exam, hospital, "claim-expiring", first.id()));
            one.waitUntil(d -> d.findElement(By.id("claim-warning")).isDisplayed());
            assertThat(one.text(By.id("claim-warning"))).contains("l’examen " + accession(exam) + " va bientôt vous être retiré");
            assertThat(one.pageWasNotReloaded()).isTrue();
            assertThat(two.byId("claim-warning").isDisplayed()).isFalse();

            // A new vital exam appears on the second radiologist's list, with a beep.
            long vital = ready(Urgency.P1);
            two.waitUntil(d -> !d.findElements(row(vital)).isEmpty());
            two.waitUntil(d -> d.findElement(By.tagName("body")).getAttribute("data-beeps") != null);
            assertThat(two.pageWasNotReloaded()).isTrue();
        }
    }

    /** The accession number pages name the exam by. */
    private String accession(long examId) {
        return jdbc.sql("select accession_number from exam_request where exam_id = :e").param("e", examId)
                .query(String.class).single();
    }
}
