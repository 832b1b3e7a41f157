package fr.relais.ops;

import com.fasterxml.jackson.databind.JsonNode;
import fr.relais.ApiClient;
import fr.relais.BaseIntegrationTest;
import fr.relais.report.ReportFixtures;
import fr.relais.security.Role;
import fr.relais.storage.Sealer;
import fr.relais.worklist.WorklistService;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.stream.StreamSupport;

import static fr.relais.report.ReportFixtures.draft;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The dashboard's figures from exams produced through the real paths: ready, claimed, drafted and
 * signed over the API. The database is shared with other test classes: figures are checked for
 * this test's own hospital and radiologist, or as lower bounds.
 */
class DashboardIT extends BaseIntegrationTest {

    @Autowired
    Sealer sealer;

    @Autowired
    WorklistService worklist;

    @Autowired
    MeterRegistry meters;

    private ReportFixtures fixtures;
    private String hospitalName;
    private long hospital;
    private TestAccount physician;
    private TestAccount radiologist;
    private TestAccount coordinator;

    @BeforeEach
    void setUp() {
        fixtures = new ReportFixtures(jdbc, sealer, worklist);
        hospitalName = unique("CH Tableau de bord");
        hospital = createHospital(hospitalName, uniqueAeTitle("OPS"));
        long center = fixtures.center(unique("Centre Ops"));
        physician = createAccount(Role.HOSPITAL_PHYSICIAN, hospital);
        radiologist = createAccount(Role.RADIOLOGIST, null);
        fixtures.onDuty(radiologist.id(), hospital, center);
        coordinator = createAccount(Role.COORDINATOR, null);
    }

    /** An exam whose first image came {@code minutesAgo} minutes ago, read and signed now. */
    private void signedExam(int minutesAgo) {
        long exam = fixtures.readyExam(hospital, physician.id(), Instant.now().minus(Duration.ofMinutes(minutesAgo)));
        ApiClient reader = as(radiologist);
        ReportFixtures.claim(reader, exam);
        ApiClient.Response saved = reader.put("/api/exams/" + exam + "/report", draft(0, "Normal.", "Pas d’anomalie."));
        assertThat(saved.status()).as(saved.body()).isEqualTo(200);
        ApiClient.Response signed = reader.post("/api/exams/" + exam + "/report/sign",
                Map.of("version", saved.json().get("version").asInt()));
        assertThat(signed.status()).as(signed.body()).isEqualTo(200);
    }

    private static JsonNode entry(JsonNode list, String field, String value) {
        return StreamSupport.stream(list.spliterator(), false).filter(n -> n.get(field).asText().equals(value))
                .findFirst().orElseThrow(() -> new AssertionError("no " + value + " in " + list));
    }

    /*
     * Turnarounds of about 10 and 20 minutes: mean 15, median 15, p90 = 10 + 0.9 * 10 = 19
     * (interpolated as percentile_cont does); a few seconds pass between the fixture and the signature.
     */
    @Test
    void tonightsTurnaroundQueueAndLoadComeFromTheExamsThemselves() {
        signedExam(10);
        signedExam(20);
        // An urgent exam ready 35 minutes ago (deadline 30 min): waiting, past its deadline.
        fixtures.readyExam(hospital, physician.id(), Instant.now().minus(Duration.ofMinutes(36)));

        // The last two hours rather than "tonight", which starts at 20:00 and would leave some of these
        // exams out when the test runs just after it.
        ApiClient.Response response = as(coordinator).get("/api/ops/dashboard?hours=2");
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        JsonNode d = response.json();

        JsonNode ours = entry(d.get("byHospital"), "key", hospitalName).get("turnaround");
        assertThat(ours.get("signed").asLong()).isEqualTo(2);
        assertThat(ours.get("meanMinutes").asDouble()).isCloseTo(15.0, within(0.5));
        assertThat(ours.get("medianMinutes").asDouble()).isCloseTo(15.0, within(0.5));
        assertThat(ours.get("p90Minutes").asDouble()).isCloseTo(19.0, within(0.5));
        assertThat(d.get("turnaround").get("signed").asLong()).isGreaterThanOrEqualTo(2);
        assertThat(entry(d.get("byUrgency"), "key", "P2").get("turnaround").get("signed").asLong()).isGreaterThanOrEqualTo(2);
        assertThat(entry(d.get("byExamType"), "key", "CT_HEAD").get("turnaround").get("signed").asLong()).isGreaterThanOrEqualTo(2);

        // Ready a minute after the first image, opened just now: about 9 and 19 minutes.
        JsonNode opened = entry(d.get("timeToOpen"), "priorityClass", "URGENT");
        assertThat(opened.get("opened").asLong()).isGreaterThanOrEqualTo(2);
        assertThat(opened.get("p90Minutes").asDouble()).isPositive();

        JsonNode urgent = entry(d.get("queue"), "priorityClass", "URGENT");
        assertThat(urgent.get("waiting").asLong()).isGreaterThanOrEqualTo(1);
        assertThat(urgent.get("late").asLong()).isGreaterThanOrEqualTo(1);
        assertThat(urgent.get("oldestWaitMinutes").asDouble()).isGreaterThanOrEqualTo(34.9);
        assertThat(entry(d.get("slaBreaches"), "priorityClass", "URGENT").get("beforeOpened").asLong()).isGreaterThanOrEqualTo(1);

        JsonNode me = entry(d.get("radiologists"), "userId", String.valueOf(radiologist.id()));
        assertThat(me.get("signedTonight").asLong()).isEqualTo(2);
        assertThat(me.get("reading").asLong()).isZero();
        assertThat(StreamSupport.stream(d.get("perHour").spliterator(), false)
                .mapToLong(h -> h.get("signed").asLong()).sum()).isGreaterThanOrEqualTo(2);

        // The gauges Prometheus scrapes read the same figures as tonight's page.
        JsonNode tonight = as(coordinator).get("/api/ops/dashboard").json();
        assertThat(meters.get("relais.tonight.signed").gauge().value())
                .isEqualTo(tonight.get("turnaround").get("signed").asDouble()).isGreaterThanOrEqualTo(2);
        assertThat(meters.get("relais.queue.waiting").tag("class", "URGENT").gauge().value())
                .isEqualTo(entry(tonight.get("queue"), "priorityClass", "URGENT").get("waiting").asDouble())
                .isGreaterThanOrEqualTo(1);
        assertThat(meters.get("relais.radiologists.checked.in").gauge().value())
                .isEqualTo(tonight.get("radiologists").size()).isGreaterThanOrEqualTo(1);
        assertThat(meters.get("relais.tonight.turnaround.minutes").tag("statistic", "mean").gauge().value())
                .isCloseTo(tonight.get("turnaround").get("meanMinutes").asDouble(), within(0.05));
        assertThat(meters.get("relais.tonight.turnaround.by.class.minutes").tags("class", "URGENT", "statistic", "p90")
                .gauge().value()).isCloseTo(entry(tonight.get("byClass"), "key", "URGENT").get("turnaround")
                .get("p90Minutes").asDouble(), within(0.05));
        assertThat(meters.get("relais.tonight.turnaround.by.urgency.minutes").tags("urgency", "P2", "statistic", "mean")
                .gauge().value()).isCloseTo(entry(tonight.get("byUrgency"), "key", "P2").get("turnaround")
                .get("meanMinutes").asDouble(), within(0.05));
        // (Just after 20:00 tonight's openings may not include these exams, made ready before it.)
        double openP90 = meters.get("relais.tonight.time.to.open.minutes").tags("class", "URGENT", "statistic", "p90")
                .gauge().value();
        StreamSupport.stream(tonight.get("timeToOpen").spliterator(), false)
                .filter(o -> o.get("priorityClass").asText().equals("URGENT")).findFirst()
                .ifPresentOrElse(o -> assertThat(openP90).isCloseTo(o.get("p90Minutes").asDouble(), within(0.05)),
                        () -> assertThat(openP90).isNaN());
        assertThat(meters.get("relais.tonight.sla.breaches.by.class").tags("class", "URGENT", "stage", "opened")
                .gauge().value()).isEqualTo(entry(tonight.get("slaBreaches"), "priorityClass", "URGENT")
                .get("beforeOpened").asDouble());
        JsonNode hours = tonight.get("perHour");
        assertThat(meters.get("relais.current.hour.reports.signed").gauge().value())
                .isEqualTo(hours.get(hours.size() - 1).get("signed").asDouble()).isGreaterThanOrEqualTo(2);

        // A radiologist whose shift has ended without a check-out is on a seat no more.
        jdbc.sql("update seat_presence set shift_ends_at = now() - interval '1 minute' where user_id = :u and checked_out_at is null")
                .param("u", radiologist.id()).update();
        JsonNode after = as(coordinator).get("/api/ops/dashboard?hours=2").json();
        assertThat(StreamSupport.stream(after.get("radiologists").spliterator(), false)
                .noneMatch(r -> r.get("userId").asLong() == radiologist.id())).isTrue();
        for (String bad : new String[] {"0", "49", "-1", "abc", "1e3", "999999999999"}) {
            ApiClient.Response refused = as(coordinator).get("/api/ops/dashboard?hours=" + bad);
            assertThat(refused.status()).as(bad).isEqualTo(400);
            assertThat(refused.contentType()).as(bad).startsWith("application/problem+json");
        }
    }

    @Test
    void coordinatorsAndAdminsSeeThePageWithItsCharts() {
        signedExam(12);
        ApiClient.Response page = as(coordinator).get("/coordination/dashboard");
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.body()).contains("Tableau de bord de la nuit", "id=\"chart-hours\"", "class=\"bar-signed\"", "id=\"time-to-open\"",
                hospitalName, "data-live=\"/live/worklist\"");
        // Both charts have their axes, graduated and named with their unit, and the values written on the bars.
        assertThat(page.body()).contains("id=\"chart-classes\"", "class=\"axis\"", "class=\"tick\"",
                ">Nombre</text>", ">Minutes</text>", ">Heure</text>", "class=\"value\"", " min</text>");
        // Reassigning and releasing are one link away, on the supervision page that does both per exam.
        assertThat(page.body()).contains("id=\"supervise\" href=\"/coordination/worklist\"");
        assertThat(admin().get("/coordination/dashboard").status()).isEqualTo(200);
        assertThat(admin().get("/api/ops/dashboard").status()).isEqualTo(200);
    }

    @Test
    void hospitalUsersAndRadiologistsAreRefused() {
        for (TestAccount refused : new TestAccount[] {physician, radiologist,
                createAccount(Role.HOSPITAL_TECHNOLOGIST, hospital), createAccount(Role.BILLING, null)}) {
            assertThat(as(refused).get("/api/ops/dashboard").status()).as(refused.role().name()).isEqualTo(403);
            assertThat(as(refused).get("/coordination/dashboard").status()).as(refused.role().name()).isEqualTo(403);
        }
        assertThat(anonymous().get("/api/ops/dashboard").status()).isIn(302, 401);
    }
}
