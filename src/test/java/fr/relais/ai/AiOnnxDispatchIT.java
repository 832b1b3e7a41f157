package fr.relais.ai;

import com.fasterxml.jackson.databind.JsonNode;
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
        long engine = jdbc.sql("""
                insert into ai_engine (code, name, kind, version, exam_types, config)
                values (:code, 'Modèle de test', 'ONNX', '0.1', '{CT_HEAD}', cast(:config as jsonb)) returning id""")
                .param("code", code)
                .param("config", "{\"model\":\"" + model + "\",\"inputName\":\"x\",\"rows\":32,\"columns\":32,"
                        + "\"windowCenter\":70,\"windowWidth\":40,\"finding\":\"TEST\"}")
                .query(Long.class).single();
        jdbc.sql("insert into ai_threshold (engine_id, finding, threshold, source, set_at) values (:e, 'TEST', 0.5, 'GIVEN', now())")
                .param("e", engine).update();
        try {
            String ae = uniqueAeTitle("OX");
            long hospital = createHospital(unique("CH ONNX"), ae);
            TestAccount physician = createAccount(Role.HOSPITAL_PHYSICIAN, hospital);
            TestAccount radiologist = createAccount(Role.RADIOLOGIST, null);
            JsonNode filed = RequestFixtures.file(as(physician), RequestFixtures.headCt("IPP-OX", "PATIENT_SIGNED"));
            long examId = filed.get("id").asLong();
            RequestFixtures.accept(jdbc, as(radiologist), examId);
            SyntheticCt.GeneratedStudy study = SyntheticCt.generate(SyntheticCt.StudySpec.builder().slices(8).rows(64)
                    .columns(64).seed(901).accession(filed.get("accessionNumber").asText()).build(), work.resolve("s"));
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
