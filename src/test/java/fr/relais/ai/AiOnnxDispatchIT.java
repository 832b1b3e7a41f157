package fr.relais.ai;

import com.fasterxml.jackson.databind.JsonNode;
import fr.relais.ApiClient;
import fr.relais.BaseIntegrationTest;
import fr.relais.request.RequestFixtures;
import fr.relais.security.Role;
import fr.relais.sim.SyntheticCt;
import fr.relais.support.Await;
import fr.relais.support.Dcmtk;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** An operator's ONNX model configured for head CT runs on a READY exam, and its threshold decides. */
class AiOnnxDispatchIT extends BaseIntegrationTest {

    @TempDir
    static Path work;

    @Test
    void anOnnxEngineConfiguredForTheExamTypeAnalysesTheStudy() throws Exception {
        Path model = work.resolve("max.onnx");
        Files.write(model, AiOnnxModelEngineTest.reduceMaxModel(32, 32));
        String code = unique("onnx").replace(' ', '-');
        Map<String, Object> engineForm = new java.util.HashMap<>(Map.of("kind", "ONNX", "code", code, "name", "Modèle de test",
                "version", "0.1", "examTypes", "CT_HEAD", "model", model.toString(), "inputName", "x", "rows", 32,
                "columns", 32, "windowCenter", 70));
        engineForm.put("windowWidth", 40);
        engineForm.put("finding", "TEST");
        // A model that cannot run is refused when the engine is created, not at the first exam.
        Path notAModel = work.resolve("not-a-model.onnx");
        Files.writeString(notAModel, "this is no ONNX model");
        for (Map.Entry<String, Object> bad : List.<Map.Entry<String, Object>>of(Map.entry("model", notAModel.toString()),
                Map.entry("model", "relative/model.onnx"), Map.entry("model", work.resolve("missing.onnx").toString()),
                Map.entry("model", "/tmp/\u0000.onnx"),
                Map.entry("inputName", "no-such-input"), Map.entry("rows", 0), Map.entry("windowWidth", -1),
                Map.entry("finding", "lower case"))) {
            Map<String, Object> form = new java.util.HashMap<>(engineForm);
            form.put(bad.getKey(), bad.getValue());
            form.put("code", code + "-bad");
            ApiClient.Response refused = admin().post("/api/ai/engines", form);
            assertThat(refused.status()).as(bad.toString()).isEqualTo(400);
            assertThat(refused.contentType()).as(bad.toString()).startsWith("application/problem+json");
        }
        assertThat(jdbc.sql("select count(*) from ai_engine where code = :c").param("c", code + "-bad").query(Integer.class).single())
                .isZero();
        ApiClient.Response created = admin().post("/api/ai/engines", engineForm);
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        long engine = jdbc.sql("select id from ai_engine where code = :c").param("c", code).query(Long.class).single();
        assertThat(admin().put("/api/ai/engines/" + code + "/thresholds/TEST", Map.of("threshold", 0.5)).status()).isEqualTo(200);
        try {
            String ae = uniqueAeTitle("OX");
            long hospital = createHospital(unique("CH ONNX"), ae);
            TestAccount physician = createAccount(Role.HOSPITAL_PHYSICIAN, hospital);
            TestAccount radiologist = createAccount(Role.RADIOLOGIST, null);
            JsonNode filed = RequestFixtures.file(as(physician), RequestFixtures.headCt("IPP-OX", "PATIENT_SIGNED"));
            long examId = filed.get("id").asLong();
            RequestFixtures.accept(jdbc, as(radiologist), examId);
            SyntheticCt.GeneratedStudy study = SyntheticCt.generate(RequestFixtures.studyFor(filed).slices(8).rows(64)
                    .columns(64).seed(901).build(), work.resolve("s"));
            Dcmtk.Result sent = Dcmtk.storescu(dicomDoor.port(), ae, "RELAIS", study.files());
            assertThat(sent.exitCode()).as(sent.output()).isZero();

            String result = Await.until("ONNX result", () -> jdbc.sql("""
                    select r.score || ' ' || r.positive || ' ' || r.engine_version || ' ' || (r.key_sop_instance_uid is not null)
                    from ai_result r where r.exam_id = :x and r.engine_id = :e""")
                    .param("x", examId).param("e", engine).query(String.class).optional().orElse(""), s -> !s.isEmpty());
            // The skull saturates the 50–90 HU window: the brightest pixel scores 1, above the 0.5 threshold.
            assertThat(result).isEqualTo("1 true 0.1 true");
            // The run is closed just after its result is stored.
            Await.until("ONNX run DONE", () -> jdbc.sql("select state from ai_run where exam_id = :x and engine_id = :e")
                    .param("x", examId).param("e", engine).query(String.class).single(), "DONE"::equals);
        } finally {
            // The shared database serves the other tests: this engine must not analyse their exams.
            jdbc.sql("update ai_engine set enabled = false where id = :e").param("e", engine).update();
        }
    }
}
