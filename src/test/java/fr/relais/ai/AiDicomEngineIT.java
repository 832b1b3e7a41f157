package fr.relais.ai;

import com.fasterxml.jackson.databind.JsonNode;
import fr.relais.BaseIntegrationTest;
import fr.relais.dicom.DicomHeader;
import fr.relais.dicom.MeasurementReport;
import fr.relais.dicom.StoreScu;
import fr.relais.request.RequestFixtures;
import fr.relais.security.Role;
import fr.relais.sim.SyntheticCt;
import fr.relais.storage.Sealer;
import fr.relais.support.Await;
import fr.relais.support.Dcmtk;
import fr.relais.worklist.WorklistFixtures;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * An external engine over DICOM, against a small test engine on a real port: the study goes to it
 * by C-STORE, its SR comes back on our SCP and moves the queue; a bad SR, an SR about a study it
 * was not sent, and an engine that never answers change nothing they should not.
 */
class AiDicomEngineIT extends BaseIntegrationTest {

    @TempDir
    static Path work;

    @Autowired
    AiEngines engines;
    @Autowired
    Sealer sealer;

    private final List<AutoCloseable> toClose = new ArrayList<>();
    private final List<String> engineCodes = new ArrayList<>();

    @AfterEach
    void closeEngines() throws Exception {
        // The shared database serves the other tests: these engines must not be sent their exams.
        engineCodes.forEach(engines::disable);
        for (AutoCloseable c : toClose) {
            c.close();
        }
    }

    /** A hospital, its physician, and a radiologist on a seat authorised for it. */
    private record Site(String ae, TestAccount physician, TestAccount reader) {}

    private Site site() {
        String ae = uniqueAeTitle("SR");
        long hospital = createHospital(unique("CH Moteur DICOM"), ae);
        TestAccount physician = createAccount(Role.HOSPITAL_PHYSICIAN, hospital);
        TestAccount reader = createAccount(Role.RADIOLOGIST, null);
        WorklistFixtures seats = new WorklistFixtures(jdbc, sealer);
        seats.authorise(reader.id(), hospital);
        seats.checkIn(reader.id(), seats.center(unique("Centre SR"), 4));
        return new Site(ae, physician, reader);
    }

    private FakeSrEngine engine(String code, FakeSrEngine.Answer answer, Integer timeoutSeconds) throws Exception {
        String ae = uniqueAeTitle("EN");
        FakeSrEngine engine = new FakeSrEngine(ae, dicomDoor.port(), answer);
        toClose.add(engine);
        engines.registerDicomEngine(code, "Moteur DICOM de test", "3.0", List.of("CT_HEAD"),
                new AiEngines.DicomConfig(ae, "localhost", engine.port(), timeoutSeconds));
        engineCodes.add(code);
        assertThat(admin().put("/api/ai/engines/" + code + "/thresholds/ICH", Map.of("threshold", 0.5)).status()).isEqualTo(200);
        return engine;
    }

    private record Sent(long examId, SyntheticCt.GeneratedStudy study) {}

    /** A normal head CT (no bleed: the built-in detector finds nothing) sent by the hospital, READY. */
    private Sent headCt(Site site, int seed) throws Exception {
        JsonNode filed = RequestFixtures.file(as(site.physician()), RequestFixtures.headCt("IPP-SR-" + seed, "PATIENT_SIGNED"));
        long examId = filed.get("id").asLong();
        RequestFixtures.accept(jdbc, as(site.reader()), examId);
        SyntheticCt.GeneratedStudy study = SyntheticCt.generate(RequestFixtures.studyFor(filed).slices(12).rows(64)
                .columns(64).seed(seed).build(), work.resolve("s" + seed));
        Dcmtk.Result sent = Dcmtk.storescu(dicomDoor.port(), site.ae(), "RELAIS", study.files());
        assertThat(sent.exitCode()).as(sent.output()).isZero();
        return new Sent(examId, study);
    }

    private String run(long examId, String code) {
        return jdbc.sql("""
                select r.state || coalesce(' ' || r.detail, '') from ai_run r join ai_engine g on g.id = r.engine_id
                where r.exam_id = :x and g.code = :code order by r.id desc limit 1""")
                .param("x", examId).param("code", code).query(String.class).optional().orElse("NONE");
    }

    private String result(long examId, String code) {
        return jdbc.sql("""
                select r.finding || ' ' || r.score || ' ' || r.positive || ' ' || coalesce(r.key_sop_instance_uid, '-')
                from ai_result r join ai_engine g on g.id = r.engine_id where r.exam_id = :x and g.code = :code""")
                .param("x", examId).param("code", code).query(String.class).optional().orElse("NONE");
    }

    private String priority(long examId) {
        return jdbc.sql("select state || ' ' || priority_class || ' ' || ai_positive from exam where id = :x")
                .param("x", examId).query(String.class).single();
    }

    /** The middle slice the test engine names as its key image. */
    private static DicomHeader middle(List<DicomHeader> received) {
        List<DicomHeader> byNumber = received.stream()
                .sorted(java.util.Comparator.comparing(h -> Integer.parseInt(h.instanceNumber().trim()))).toList();
        return byNumber.get(byNumber.size() / 2);
    }

    @Test
    void theEngineGetsTheWholeStudyAndItsSrLiftsTheExamIntoTheAiPositiveClass() throws Exception {
        Site site = site();
        String code = unique("sr-engine").replace(' ', '-');
        FakeSrEngine engine = engine(code, received -> FakeSrEngine.report(received.get(0), "ICH", 0.93, middle(received)), null);
        Sent sent = headCt(site, 811);

        Await.until("the engine's SR", () -> run(sent.examId(), code), s -> s.startsWith("DONE"));
        assertThat(engine.received()).extracting(DicomHeader::sopInstanceUid)
                .containsExactlyInAnyOrderElementsOf(sent.study().sopInstanceUids());
        assertThat(engine.associations()).as("the whole study on one association").isEqualTo(1);
        // The run is closed before our SCP answers the engine's C-STORE: wait for the engine to hear it.
        Await.until("the answer to the engine's SR", () -> engine.answers().size(), n -> n == 1);
        assertThat(engine.answers()).extracting(StoreScu.Status::code).containsExactly(0);
        String key = middle(engine.received()).sopInstanceUid();
        assertThat(result(sent.examId(), code)).isEqualTo("ICH 0.93 true " + key);
        assertThat(jdbc.sql("select engine_version from ai_result r join ai_engine g on g.id = r.engine_id where r.exam_id = :x and g.code = :c")
                .param("x", sent.examId()).param("c", code).query(String.class).single()).isEqualTo("3.0");
        // The worklist's own policy lifts it; the reader sees it in the AI-positive class.
        assertThat(priority(sent.examId())).isEqualTo("READY AI_POSITIVE true");
        JsonNode row = null;
        for (JsonNode r : as(site.reader()).get("/api/worklist").json()) {
            if (r.get("examId").asLong() == sent.examId()) {
                row = r;
            }
        }
        assertThat(row).isNotNull();
        assertThat(row.get("priorityClass").asText()).isEqualTo("AI_POSITIVE");
        // The viewer shows the flag with its key slice.
        assertThat(as(site.reader()).post("/api/worklist/" + sent.examId() + "/claim", null).status()).isEqualTo(200);
        assertThat(jdbc.sql("select count(*) from audit_event where actor = :a and action = 'AI_STUDY_SENT'")
                .param("a", "ai:" + code).query(Integer.class).single()).isEqualTo(1);
    }

    @Test
    void aMalformedSrOrOneAboutAStudyTheEngineWasNotSentIsRefusedWithAReasonAndChangesNothing() throws Exception {
        Site site = site();
        String code = unique("sr-engine").replace(' ', '-');
        // This engine analyses, but says nothing until the test makes it.
        FakeSrEngine engine = engine(code, received -> null, null);
        Sent sent = headCt(site, 812);
        Await.until("the study sent", () -> engine.received().size(), n -> n == sent.study().files().size());
        DicomHeader any = engine.received().get(0);
        String before = priority(sent.examId());

        // bytes that are no data set
        StoreScu.Status garbage = engine.sendRaw(FakeSrEngine.newUid(),
                syntax -> "this is not DICOM at all, only text".getBytes(StandardCharsets.US_ASCII));
        assertThat(garbage.stored()).isFalse();
        assertThat(garbage.code()).isEqualTo(0xC000);
        assertThat(garbage.errorComment()).isNotBlank();
        // a well-formed SR with no finding in it
        MeasurementReport.Report empty = new MeasurementReport.Report(any.studyInstanceUid(), FakeSrEngine.newUid(),
                FakeSrEngine.newUid(), any.patientId(), null, List.of());
        StoreScu.Status noFinding = engine.send(empty);
        assertThat(noFinding.code()).isEqualTo(0xC000);
        assertThat(noFinding.errorComment()).contains("Finding");
        // a key image that is not in the study
        MeasurementReport.Report strayKey = new MeasurementReport.Report(any.studyInstanceUid(), FakeSrEngine.newUid(),
                FakeSrEngine.newUid(), any.patientId(), null, List.of(new MeasurementReport.Finding("ICH", 0.9, null,
                List.of(new MeasurementReport.KeyImage(any.sopClassUid(), "1.2.3.4.5.6", null)))));
        assertThat(engine.send(strayKey).errorComment()).contains("not in the study");
        // a study this engine was never sent (another hospital's, sent before it existed, or none at all)
        for (String study : List.of(FakeSrEngine.newUid(), otherStudyUid())) {
            StoreScu.Status notSent = engine.send(new MeasurementReport.Report(study, FakeSrEngine.newUid(),
                    FakeSrEngine.newUid(), "X", null, List.of(new MeasurementReport.Finding("ICH", 0.99, true, List.of()))));
            assertThat(notSent.stored()).isFalse();
            assertThat(notSent.errorComment()).contains("was not sent");
        }

        assertThat(result(sent.examId(), code)).isEqualTo("NONE");
        assertThat(run(sent.examId(), code)).isEqualTo("RUNNING");
        assertThat(priority(sent.examId())).isEqualTo(before);
        assertThat(jdbc.sql("select count(*) from audit_event where actor = :a and action = 'AI_RESULT_REFUSED'")
                .param("a", "ai:" + code).query(Integer.class).single()).isEqualTo(5);

        // A disabled engine's AE title is no longer let in: it is a stranger like any other.
        engines.disable(code);
        assertThatThrownBy(() -> engine.send(FakeSrEngine.report(any, "ICH", 0.99, null)))
                .hasMessageContaining("association rejected");
        assertThat(result(sent.examId(), code)).isEqualTo("NONE");
    }

    /** A READY study of this platform that no engine of this test was sent. */
    private String otherStudyUid() {
        return jdbc.sql("""
                select s.study_uid from study s join exam e on e.study_id = s.id
                where e.state = 'READY' and not exists (select 1 from ai_run r join ai_engine g on g.id = r.engine_id
                                                        where r.exam_id = e.id and g.kind = 'DICOM' and g.enabled)
                order by e.id limit 1""").query(String.class).optional().orElse("1.2.3.999");
    }

    @Test
    void anEngineThatNeverAnswersTimesOutWithoutHoldingUpReadingAndALateAnswerIsRecordedAsLate() throws Exception {
        Site site = site();
        String code = unique("sr-silent").replace(' ', '-');
        FakeSrEngine engine = engine(code, received -> null, 3);
        // and an engine whose row is broken (no address): its run fails, the exam's move to READY does not
        String broken = unique("sr-broken").replace(' ', '-');
        jdbc.sql("insert into ai_engine (code, name, kind, exam_types) values (:c, 'Cassé', 'DICOM', '{CT_HEAD}')")
                .param("c", broken).update();
        engineCodes.add(broken);
        Sent sent = headCt(site, 813);
        Await.until("the study sent", () -> engine.received().size(), n -> n == sent.study().files().size());
        // The exam can be read while its engine is silent.
        assertThat(run(sent.examId(), code)).isEqualTo("RUNNING");
        String waiting = priority(sent.examId());
        assertThat(waiting).startsWith("READY").endsWith("false");
        assertThat(run(sent.examId(), broken)).startsWith("FAILED").contains("has no config");

        Await.until("the run given up", () -> run(sent.examId(), code), s -> s.startsWith("TIMED_OUT"));
        assertThat(run(sent.examId(), code)).contains("no result within PT3S");
        assertThat(result(sent.examId(), code)).isEqualTo("NONE");
        assertThat(priority(sent.examId())).isEqualTo(waiting);
        assertThat(as(site.reader()).post("/api/worklist/" + sent.examId() + "/claim", null).status()).isEqualTo(200);

        // A negative answer after the timeout is recorded, as an HTTP one would be; the run stays TIMED_OUT.
        assertThat(engine.send(FakeSrEngine.report(engine.received().get(0), "ICH", 0.1, null)).stored()).isTrue();
        assertThat(result(sent.examId(), code)).isEqualTo("ICH 0.1 false -");
        assertThat(run(sent.examId(), code)).startsWith("TIMED_OUT").contains("late SR [ICH] recorded");
    }
}
