package fr.relais.ai;

import com.fasterxml.jackson.databind.JsonNode;
import fr.relais.BaseIntegrationTest;
import fr.relais.request.RequestFixtures;
import fr.relais.security.Role;
import fr.relais.sim.SyntheticCt;
import fr.relais.storage.Sealer;
import fr.relais.support.Await;
import fr.relais.support.Dcmtk;
import fr.relais.worklist.WorklistFixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The built-in detector on studies that went the whole way, and what its findings do to the queue. */
class AiTriageIT extends BaseIntegrationTest {

    @Autowired
    Sealer sealer;

    @TempDir
    static Path work;

    @Test
    void aBleedFoundByTheDetectorOvertakesEarlierNegativeExamsInTheQueue() throws Exception {
        String ae = uniqueAeTitle("AI");
        long hospital = createHospital(unique("CH Triage"), ae);
        TestAccount physician = createAccount(Role.HOSPITAL_PHYSICIAN, hospital);
        TestAccount reader = createAccount(Role.RADIOLOGIST, null);
        WorklistFixtures seats = new WorklistFixtures(jdbc, sealer);
        seats.authorise(reader.id(), hospital);
        seats.checkIn(reader.id(), seats.center(unique("Centre IA"), 4));

        // Two normal heads arrive first, then one with a haematoma.
        List<Long> exams = new ArrayList<>();
        for (int k = 0; k < 3; k++) {
            boolean bleed = k == 2;
            JsonNode filed = RequestFixtures.file(as(physician), RequestFixtures.headCt("IPP-AI-" + k, "PATIENT_SIGNED"));
            long examId = filed.get("id").asLong();
            RequestFixtures.accept(jdbc, as(reader), examId);
            SyntheticCt.GeneratedStudy study = SyntheticCt.generate(RequestFixtures.studyFor(filed).slices(30).rows(128)
                    .columns(128).bleed(bleed).seed(700 + k).build(),
                    work.resolve("s" + k));
            Dcmtk.Result sent = Dcmtk.storescu(dicomDoor.port(), ae, "RELAIS", study.files());
            assertThat(sent.exitCode()).as(sent.output()).isZero();
            Await.until("exam " + examId + " analysed", () -> runState(examId), "DONE"::equals);
            exams.add(examId);
            if (bleed) {
                jdbc.sql("select positive, score, key_sop_instance_uid from ai_result where exam_id = :e")
                        .param("e", examId).query((rs, n) -> {
                            assertThat(rs.getBoolean("positive")).isTrue();
                            assertThat(rs.getDouble("score")).isGreaterThan(5);
                            assertThat(study.sopInstanceUids()).contains(rs.getString("key_sop_instance_uid"));
                            return true;
                        }).single();
            }
        }
        long positive = exams.get(2);
        for (long negative : exams.subList(0, 2)) {
            assertThat(jdbc.sql("select positive from ai_result where exam_id = :e").param("e", negative)
                    .query(Boolean.class).single()).isFalse();
            assertThat(jdbc.sql("select priority_class from exam where id = :e").param("e", negative)
                    .query(String.class).single()).isEqualTo("URGENT");
        }
        assertThat(jdbc.sql("select priority_class || ' ' || ai_positive from exam where id = :e").param("e", positive)
                .query(String.class).single()).isEqualTo("AI_POSITIVE true");

        JsonNode queue = as(reader).get("/api/worklist").json();
        List<Long> order = new ArrayList<>();
        queue.forEach(row -> {
            if (exams.contains(row.get("examId").asLong())) {
                order.add(row.get("examId").asLong());
            }
        });
        assertThat(order).containsExactly(positive, exams.get(0), exams.get(1));
        // The viewer flags it, "not for diagnosis", with a button to its key slice.
        String keySop = jdbc.sql("select key_sop_instance_uid from ai_result where exam_id = :e").param("e", positive)
                .query(String.class).single();
        var browser = browser();
        browser.login("admin", ADMIN_PASSWORD);
        String page = browser.get("/reading/exams/" + positive + "/viewer").body();
        assertThat(page).contains("id=\"ai-flags\"").contains("non diagnostique").contains("data-ai-key-sop=\"" + keySop + "\"");
        assertThat(browser.get("/reading/exams/" + exams.get(0) + "/viewer").body()).doesNotContain("id=\"ai-flags\"");
        // and "next" gives the positive one first
        assertThat(as(reader).post("/api/worklist/next", null).json().get("examId").asLong()).isEqualTo(positive);
    }

    private String runState(long examId) {
        return jdbc.sql("""
                        select r.state from ai_run r join ai_engine g on g.id = r.engine_id
                        where r.exam_id = :e and g.code = :code order by r.id desc limit 1""")
                .param("e", examId).param("code", HaemorrhageDetector.ENGINE).query(String.class).optional().orElse("NONE");
    }
}
