package fr.relais.worklist;

import fr.relais.BaseIntegrationTest;
import fr.relais.exam.ExamReady;
import fr.relais.request.Urgency;
import fr.relais.security.Role;
import fr.relais.storage.Sealer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationEventPublisher;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** /live/worklist tells each viewer what they may know: ids only, for their hospitals, their own warnings. */
class LiveWorklistIT extends BaseIntegrationTest {

    @Autowired
    WorklistService worklist;

    @Autowired
    Sealer sealer;

    @Autowired
    ApplicationEventPublisher events;

    private final HttpClient http = HttpClient.newHttpClient();
    private WorklistFixtures fixtures;
    private long hospital;
    private long otherHospital;
    private long center;
    private TestAccount physician;

    @BeforeEach
    void setUp() {
        fixtures = new WorklistFixtures(jdbc, sealer);
        hospital = createHospital(unique("CH Live WL"), uniqueAeTitle("LW"));
        otherHospital = createHospital(unique("CH Live WL autre"), uniqueAeTitle("LO"));
        center = fixtures.center(unique("Centre Live"), 7);
        physician = createAccount(Role.HOSPITAL_PHYSICIAN, hospital);
    }

    private TestAccount radiologistFor(long hospitalId) {
        TestAccount r = createAccount(Role.RADIOLOGIST, null);
        fixtures.authorise(r.id(), hospitalId);
        fixtures.checkIn(r.id(), center);
        return r;
    }

    private BlockingQueue<String> listen(TestAccount account) throws InterruptedException {
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        String basic = Base64.getEncoder().encodeToString(
                (account.username() + ":" + account.password()).getBytes(StandardCharsets.UTF_8));
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/live/worklist"))
                .header("Accept", "text/event-stream").header("Authorization", "Basic " + basic).GET().build();
        http.sendAsync(request, HttpResponse.BodyHandlers.ofLines())
                .thenAccept(response -> {
                    lines.add("status:" + response.statusCode());
                    response.body().forEach(lines::add);
                });
        String status = lines.poll(10, TimeUnit.SECONDS);
        if ("status:200".equals(status)) {
            assertThat(lines.poll(10, TimeUnit.SECONDS)).isEqualTo(":ouvert");
        } else {
            lines.add(status);
        }
        return lines;
    }

    /** The next data line about this exam, or null after the given time. */
    private static String nextAbout(BlockingQueue<String> lines, long examId, long seconds) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        String line;
        while ((line = lines.poll(Math.max(0, end - System.nanoTime()), TimeUnit.NANOSECONDS)) != null) {
            if (line.startsWith("data:") && line.contains("\"examId\":" + examId + ",")) {
                return line;
            }
        }
        return null;
    }

    @Test
    void radiologistsHearOfTheirHospitalsCoordinatorsOfAllAndNobodyElse() throws Exception {
        TestAccount reader = radiologistFor(hospital);
        TestAccount elsewhere = radiologistFor(otherHospital);
        TestAccount coordinator = createAccount(Role.COORDINATOR, null);
        BlockingQueue<String> r = listen(reader);
        BlockingQueue<String> o = listen(elsewhere);
        BlockingQueue<String> c = listen(coordinator);
        assertThat(listen(physician).poll(5, TimeUnit.SECONDS)).isEqualTo("status:403");

        Instant now = Instant.now();
        long exam = fixtures.readyExam(hospital, physician.id(), Urgency.P1, now);
        worklist.onReady(new ExamReady(exam, hospital, 0, now)); // through NOTIFY and LISTEN

        assertThat(nextAbout(r, exam, 10)).contains("\"what\":\"ready\"").doesNotContain("NOMPATIENT", "Zephyrine");
        assertThat(nextAbout(c, exam, 10)).contains("\"what\":\"ready\"");
        assertThat(nextAbout(o, exam, 2)).isNull();
    }

    @Test
    void aClaimExpiringWarningGoesToItsHolderOnly() throws Exception {
        TestAccount holder = radiologistFor(hospital);
        TestAccount colleague = radiologistFor(hospital);
        BlockingQueue<String> h = listen(holder);
        BlockingQueue<String> c = listen(colleague);

        events.publishEvent(new WorklistChanged(987_654_321L, hospital, "claim-expiring", holder.id()));

        assertThat(nextAbout(h, 987_654_321L, 10)).contains("\"what\":\"claim-expiring\"", "\"mine\":true");
        assertThat(nextAbout(c, 987_654_321L, 2)).isNull();
    }
}
