package fr.relais.exam;

import com.fasterxml.jackson.databind.JsonNode;
import fr.relais.ApiClient;
import fr.relais.BaseIntegrationTest;
import fr.relais.request.RequestFixtures;
import fr.relais.security.Role;
import fr.relais.sim.SyntheticCt;
import fr.relais.sim.SyntheticCt.GeneratedStudy;
import fr.relais.support.Await;
import fr.relais.support.Dcmtk;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.OffsetDateTime;

import static org.assertj.core.api.Assertions.assertThat;

class ExamApiIT extends BaseIntegrationTest {

    @TempDir
    Path work;

    @Test
    void coordinatorsSeeAReceivedStudyBecomeReadyWithItsImageClock() throws Exception {
        String ae = uniqueAeTitle("EXAM");
        long hospital = createHospital(unique("CH Exams"), ae);
        TestAccount physician = createAccount(Role.HOSPITAL_PHYSICIAN, hospital);
        TestAccount radiologist = createAccount(Role.RADIOLOGIST, null);
        JsonNode request = RequestFixtures.file(as(physician), RequestFixtures.headCt("IPP-E1", "PATIENT_SIGNED"));
        RequestFixtures.accept(jdbc, as(radiologist), request.get("id").asLong());
        GeneratedStudy study = SyntheticCt.generate(RequestFixtures.studyFor(request).slices(4)
                .seed(51).build(), work);
        assertThat(Dcmtk.storescu(dicomDoor.port(), ae, "RELAIS", study.files()).exitCode()).isZero();
        ApiClient coordinator = as(createAccount(Role.COORDINATOR, null));

        JsonNode exam = awaitExam(coordinator, hospital, "READY");

        assertThat(exam.get("studyInstanceUid").asText()).isEqualTo(study.studyInstanceUid());
        assertThat(exam.get("instanceCount").asInt()).isEqualTo(4);
        OffsetDateTime first = OffsetDateTime.parse(exam.get("firstImageAt").asText());
        OffsetDateTime last = OffsetDateTime.parse(exam.get("lastImageAt").asText());
        assertThat(first).isBeforeOrEqualTo(last);
        assertThat(OffsetDateTime.parse(exam.get("stateChangedAt").asText())).isAfterOrEqualTo(last.plusSeconds(1));
        // Every transition is recorded with its time and actor.
        assertThat(jdbc.sql("select string_agg(to_state || ':' || actor, ',' order by id) from exam_event where exam_id = :id")
                .param("id", exam.get("id").asLong()).query(String.class).single())
                .isEqualTo("REQUESTED:" + physician.username() + ",PROTOCOLED:" + radiologist.username()
                        + ",ACQUIRING:" + ae + ",READY:system");
    }

    @Test
    void theExamListIsForCoordinatorsAndAdministratorsOnly() {
        assertThat(anonymous().get("/api/exams").status()).isEqualTo(401);
        assertThat(as(createAccount(Role.RADIOLOGIST, null)).get("/api/exams").status()).isEqualTo(403);
        long hospital = createHospital(unique("CH Exams"), uniqueAeTitle("EXAM"));
        assertThat(as(createAccount(Role.HOSPITAL_PHYSICIAN, hospital)).get("/api/exams").status()).isEqualTo(403);
        assertThat(admin().get("/api/exams").status()).isEqualTo(200);
    }

    @Test
    void badParametersGetAProblem() {
        ApiClient.Response badState = admin().get("/api/exams?state=NOT_A_STATE");
        assertThat(badState.status()).isEqualTo(400);
        assertThat(badState.contentType()).startsWith("application/problem+json");
        assertThat(admin().get("/api/exams?limit=0").status()).isEqualTo(400);
    }

    private static JsonNode awaitExam(ApiClient client, long hospital, String state) {
        return Await.until("an exam of hospital " + hospital + " in state " + state,
                () -> client.get("/api/exams?hospitalId=" + hospital).json(),
                list -> list.size() == 1 && state.equals(list.get(0).get("state").asText())).get(0);
    }
}
