package fr.relais.live;

import fr.relais.BaseIntegrationTest;
import fr.relais.request.RequestFixtures;
import com.fasterxml.jackson.databind.JsonNode;
import fr.relais.security.Role;
import fr.relais.sim.SyntheticCt;
import fr.relais.support.Dcmtk;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The live stream tells each viewer what they may know: their hospital's requests, or all for the platform's staff. */
class LiveRequestsIT extends BaseIntegrationTest {

    private final HttpClient http = HttpClient.newHttpClient();

    /** Opens /live/requests for an account and queues the lines it receives. */
    private BlockingQueue<String> listen(TestAccount account) throws InterruptedException {
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        String basic = Base64.getEncoder().encodeToString(
                (account.username() + ":" + account.password()).getBytes(StandardCharsets.UTF_8));
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/live/requests"))
                .header("Accept", "text/event-stream").header("Authorization", "Basic " + basic).GET().build();
        http.sendAsync(request, HttpResponse.BodyHandlers.ofLines())
                .thenAccept(response -> {
                    lines.add("status:" + response.statusCode());
                    response.body().forEach(lines::add);
                });
        assertThat(lines.poll(10, TimeUnit.SECONDS)).isEqualTo("status:200");
        assertThat(lines.poll(10, TimeUnit.SECONDS)).isEqualTo(":ouvert");
        return lines;
    }

    private static String nextData(BlockingQueue<String> lines, long seconds) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        String line;
        while ((line = lines.poll(end - System.nanoTime(), TimeUnit.NANOSECONDS)) != null) {
            if (line.startsWith("data:")) {
                return line;
            }
        }
        return null;
    }

    @Test
    void aHospitalHearsOfItsOwnRequestsOnlyAndRadiologistsOfAll() throws Exception {
        TestAccount physicianA = createAccount(Role.HOSPITAL_PHYSICIAN, createHospital(unique("CH Live A"), uniqueAeTitle("LA")));
        TestAccount physicianB = createAccount(Role.HOSPITAL_PHYSICIAN, createHospital(unique("CH Live B"), uniqueAeTitle("LB")));
        TestAccount radiologist = createAccount(Role.RADIOLOGIST, null);
        BlockingQueue<String> a = listen(physicianA);
        BlockingQueue<String> b = listen(physicianB);
        BlockingQueue<String> r = listen(radiologist);

        long id = RequestFixtures.file(as(physicianA), RequestFixtures.headCt("IPP-LIVE-1", "PATIENT_SIGNED"))
                .get("id").asLong();

        String toA = nextData(a, 10);
        assertThat(toA).contains("\"examId\":" + id, "\"state\":\"REQUESTED\"", "\"urgency\":\"P2\"")
                .doesNotContain("MARTIN", "IPP-LIVE-1", "Paul");
        assertThat(nextData(r, 10)).contains("\"examId\":" + id);
        assertThat(nextData(b, 2)).isNull();
    }

    @Test
    void theHospitalHearsWhenImagesArriveForItsRequest(@TempDir Path work) throws Exception {
        String ae = uniqueAeTitle("LI");
        long hospital = createHospital(unique("CH Live Images"), ae);
        TestAccount physician = createAccount(Role.HOSPITAL_PHYSICIAN, hospital);
        TestAccount technologist = createAccount(Role.HOSPITAL_TECHNOLOGIST, hospital);
        JsonNode filed = RequestFixtures.file(as(physician), RequestFixtures.headCt("IPP-LIVE-2", "PATIENT_SIGNED"));
        RequestFixtures.accept(jdbc, as(createAccount(Role.RADIOLOGIST, null)), filed.get("id").asLong());
        BlockingQueue<String> t = listen(technologist);
        SyntheticCt.GeneratedStudy study = SyntheticCt.generate(RequestFixtures.studyFor(filed).slices(1)
                .seed(81).build(), work);

        assertThat(Dcmtk.storescu(dicomDoor.port(), ae, "RELAIS", study.files()).exitCode()).isZero();

        assertThat(nextData(t, 10)).contains("\"examId\":" + filed.get("id").asLong(), "\"what\":\"images\"",
                "\"state\":\"ACQUIRING\"");
    }
}
