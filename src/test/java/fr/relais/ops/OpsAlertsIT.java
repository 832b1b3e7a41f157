package fr.relais.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import fr.relais.BaseIntegrationTest;
import fr.relais.exam.ExamLifecycle;
import fr.relais.report.ReportFixtures;
import fr.relais.security.Role;
import fr.relais.storage.Sealer;
import fr.relais.support.Await;
import fr.relais.support.WebhookListener;
import fr.relais.worklist.WorklistService;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Alerts raised by the checks, shown on the dashboard and posted once to the operator's webhook (a
 * listener on loopback), until their condition clears. The database is shared: a hospital of this
 * test's own makes the silence; the queue's understaffing is read as the rule finds it.
 */
class OpsAlertsIT extends BaseIntegrationTest {

    @Autowired
    Sealer sealer;

    @Autowired
    WorklistService worklist;

    @Autowired
    OpsAlerts alerts;

    @Autowired
    StaffingService staffing;

    private final ObjectMapper json = new ObjectMapper();
    private ReportFixtures fixtures;
    private TestAccount coordinator;

    @BeforeEach
    void setUp() {
        fixtures = new ReportFixtures(jdbc, sealer, worklist);
        coordinator = createAccount(Role.COORDINATOR, null);
    }

    private List<JsonNode> posted(String kind, String field, String value) {
        return WebhookListener.shared().bodies().stream().map(b -> {
            try {
                return json.readTree(b.substring(0, b.lastIndexOf('\n')));
            } catch (Exception e) {
                throw new AssertionError(b, e);
            }
        }).filter(n -> n.get("alert").asText().equals(kind) && (field == null || value.equals(n.path(field).asText())))
                .toList();
    }

    private record Sender(long hospital, TestAccount physician) {}

    /** A hospital that sent five studies (the usual minimum over a week), the last three hours ago (silence: two). */
    private Sender silentHospital(String name) {
        long hospital = createHospital(name, uniqueAeTitle("SIL"));
        TestAccount physician = createAccount(Role.HOSPITAL_PHYSICIAN, hospital);
        for (int i = 0; i < 5; i++) {
            fixtures.readyExam(hospital, physician.id(), Instant.now().minus(Duration.ofHours(3 + i)));
        }
        return new Sender(hospital, physician);
    }

    @Test
    void aHospitalThatUsuallySendsAndFallsSilentRaisesOneAlertUntilImagesComeAgain() {
        String name = unique("CH Silencieux");
        Sender sender = silentHospital(name);
        long hospital = sender.hospital();

        alerts.check();
        List<JsonNode> sent = Await.until("the webhook for " + name, () -> posted("intake-stopped", "hospital", name),
                l -> !l.isEmpty());
        assertThat(sent).hasSize(1);
        assertThat(sent.get(0).get("text").asText()).startsWith("Plus d’images de " + name + " depuis ");
        assertThat(sent.get(0).get("lastImagesAt").asText()).isNotEmpty();
        assertThat(WebhookListener.shared().bodies()).anyMatch(b -> b.endsWith("POST application/json"));
        String page = as(coordinator).get("/coordination/dashboard").body();
        assertThat(page).contains("Plus d’images de " + name.replace("’", "&#39;").replace("'", "&#39;"));

        // The silence lasts: checked again, still one alert, no second message.
        alerts.check();
        assertThat(alerts.open()).filteredOn(a -> a.hospitalId() != null && a.hospitalId() == hospital).hasSize(1);
        assertThat(posted("intake-stopped", "hospital", name)).hasSize(1);

        // Images again: the alert clears and leaves the page.
        fixtures.readyExam(hospital, sender.physician().id(), Instant.now());
        alerts.check();
        assertThat(alerts.open()).noneMatch(a -> a.hospitalId() != null && a.hospitalId() == hospital);
        assertThat(as(coordinator).get("/coordination/dashboard").body()).doesNotContain(name);
    }

    @Test
    void aQueueThatWillBreachRaisesTheUnderstaffingAlertWithTheNumberToCall() {
        long hospital = createHospital(unique("CH Afflux"), uniqueAeTitle("AFX"));
        TestAccount physician = createAccount(Role.HOSPITAL_PHYSICIAN, hospital);
        // More head CTs (12 minutes each) due within half an hour than everyone on duty can open in time.
        int onDuty = staffing.assess(Instant.now()).onDuty();
        for (int i = 0; i < 3 * onDuty + 6; i++) {
            fixtures.readyExam(hospital, physician.id(), Instant.now().minus(Duration.ofMinutes(2)));
        }
        assertThat(staffing.assess(Instant.now()).understaffed()).isTrue();

        alerts.check();
        OpsAlert open = alerts.open().stream().filter(a -> a.kind() == OpsAlert.Kind.UNDERSTAFFED).findFirst()
                .orElseThrow();
        assertThat(open.figure()).isPositive();
        List<JsonNode> sent = Await.until("the understaffing webhook",
                () -> posted("understaffed", "raisedAt", open.raisedAt().toString()), l -> !l.isEmpty());
        assertThat(sent).hasSize(1);
        assertThat(sent.get(0).get("radiologistsToCall").asLong()).isPositive();
        assertThat(sent.get(0).get("text").asText()).contains("radiologue(s) à appeler");

        alerts.check();
        assertThat(posted("understaffed", "raisedAt", open.raisedAt().toString())).hasSize(1);

        JsonNode d = as(coordinator).get("/api/ops/dashboard").json();
        assertThat(d.get("staffing").get("toCall").asInt()).isPositive();
        assertThat(d.get("staffing").get("queueMinutes").asLong()).isGreaterThanOrEqualTo(12L * (3 * onDuty + 6));
        assertThat(as(coordinator).get("/coordination/dashboard").body()).contains("id=\"understaffing-alert\"")
                .contains("radiologue(s) à appeler");
    }

    @Test
    void aWebhookThatFailsIsTriedAgainAtTheNextCheck() {
        String name = unique("CH Relance");
        long hospital = silentHospital(name).hospital();
        WebhookListener.shared().answer(500);
        try {
            alerts.check();
            assertThat(posted("intake-stopped", "hospital", name)).hasSize(1);
            assertThat(jdbc.sql("select notified_at is null from ops_alert where hospital_id = :h and cleared_at is null")
                    .param("h", hospital).query(Boolean.class).single()).isTrue();
        } finally {
            WebhookListener.shared().answer(204);
        }
        alerts.check();
        assertThat(posted("intake-stopped", "hospital", name)).hasSize(2);
        assertThat(jdbc.sql("select notify_attempts from ops_alert where hospital_id = :h and cleared_at is null")
                .param("h", hospital).query(Integer.class).single()).isEqualTo(2);
        alerts.check();
        assertThat(posted("intake-stopped", "hospital", name)).hasSize(2);
    }
}
