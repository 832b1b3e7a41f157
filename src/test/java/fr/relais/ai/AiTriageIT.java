package fr.relais.ai;

import com.fasterxml.jackson.databind.JsonNode;
import fr.relais.BaseIntegrationTest;
import fr.relais.Browser;
import fr.relais.request.RequestFixtures;
import fr.relais.security.Role;
import fr.relais.sim.SyntheticCt;
import fr.relais.storage.Sealer;
import fr.relais.support.Await;
import fr.relais.support.Compression;
import fr.relais.support.Dcmtk;
import fr.relais.worklist.WorklistFixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The built-in detector on studies that went the whole way, and what its findings do to the queue.
 * A compressed study is analysed like any other: the same head CT with a bleed sent JPEG-LS, JPEG
 * lossless, RLE (compressed by DCMTK) or JPEG 2000 gives the finding it gives uncompressed. An AI
 * that cannot see says so: a study whose compressed pixels do not decode is a failed analysis,
 * never a negative, shown on the worklist and the viewer, and the exam is read all the same.
 */
class AiTriageIT extends BaseIntegrationTest {

    private static final String JPEG_LS_LOSSLESS = "1.2.840.10008.1.2.4.80";

    /** What the detector found on an exam: positive, volume, and the instance number of its key slice. */
    private record Found(boolean positive, double score, Integer keyInstanceNumber) {}

    @Autowired
    Sealer sealer;

    @TempDir
    static Path work;

    @Test
    void aBleedFoundByTheDetectorOvertakesEarlierNegativeExamsInTheQueue() throws Exception {
        String ae = uniqueAeTitle("AI");
        long hospital = createHospital(unique("CH Triage"), ae);
        TestAccount physician = createAccount(Role.HOSPITAL_PHYSICIAN, hospital);
        TestAccount reader = readerOnDutyFor(hospital);

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
            Await.until("exam " + examId + " analysed", () -> run(examId), "DONE"::equals);
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

    @Test
    void aBleedSentCompressedInAnySyntaxGivesTheSameFindingAsSentUncompressed() throws Exception {
        String ae = uniqueAeTitle("CMP");
        long hospital = createHospital(unique("CH Compressions"), ae);
        TestAccount physician = createAccount(Role.HOSPITAL_PHYSICIAN, hospital);
        TestAccount reader = readerOnDutyFor(hospital);

        long plain = sendHeadWithBleed(physician, reader, ae, "IPP-CMP-PLAIN", null, false);
        Map<Compression.Kind, Long> compressed = new EnumMap<>(Compression.Kind.class);
        for (Compression.Kind kind : Compression.Kind.values()) {
            long exam = sendHeadWithBleed(physician, reader, ae, "IPP-CMP-" + kind.ordinal(), kind, false);
            assertThat(syntaxes(exam)).as(kind.name()).containsExactly(kind.transferSyntax);
            compressed.put(kind, exam);
        }
        Await.until("exam " + plain + " analysed", () -> run(plain), r -> !"RUNNING".equals(r));
        assertThat(run(plain)).isEqualTo("DONE");
        Found uncompressed = found(plain);
        assertThat(uncompressed.positive()).isTrue();
        assertThat(uncompressed.score()).isGreaterThan(5);
        for (Map.Entry<Compression.Kind, Long> e : compressed.entrySet()) {
            long exam = e.getValue();
            Await.until("exam " + exam + " analysed", () -> run(exam), r -> !"RUNNING".equals(r));
            assertThat(run(exam)).as(e.getKey().name()).isEqualTo("DONE");
            // Lossless: the very same voxels, hence the very same volume and key slice.
            assertThat(found(exam)).as(e.getKey().name()).isEqualTo(uncompressed);
        }
    }

    @Test
    void aBleedWhosePixelsDoNotDecodeIsAFailedAnalysisOnTheWorklistAndTheViewerNotANegative() throws Exception {
        String ae = uniqueAeTitle("BAD");
        long hospital = createHospital(unique("CH Illisible"), ae);
        TestAccount physician = createAccount(Role.HOSPITAL_PHYSICIAN, hospital);
        TestAccount reader = readerOnDutyFor(hospital);

        long plain = sendHeadWithBleed(physician, reader, ae, "IPP-PLAIN", null, false);
        long broken = sendHeadWithBleed(physician, reader, ae, "IPP-BROKEN", Compression.Kind.JPEG_LS, true);
        assertThat(syntaxes(broken)).containsExactly(JPEG_LS_LOSSLESS);

        Await.until("exam " + plain + " analysed", () -> run(plain), r -> !"RUNNING".equals(r));
        Await.until("exam " + broken + " analysed", () -> run(broken), r -> !"RUNNING".equals(r));
        assertThat(run(plain)).isEqualTo("DONE");
        assertThat(found(plain).positive()).isTrue();
        // The detector could not see one image: a failed analysis with its reason, and no result at all.
        assertThat(run(broken)).isEqualTo("FAILED UNREADABLE_IMAGES");
        assertThat(jdbc.sql("""
                        select r.detail from ai_run r join ai_engine g on g.id = r.engine_id
                        where r.exam_id = :e and g.code = :code order by r.id desc limit 1""")
                .param("e", broken).param("code", HaemorrhageDetector.ENGINE).query(String.class).single())
                .contains("does not decode");
        assertThat(jdbc.sql("select count(*) from ai_result where exam_id = :e").param("e", broken)
                .query(Integer.class).single()).isZero();

        // The worklist says so, on the row and in the API. (The positive one is not checked for the
        // mark: HTTP engines other tests leave on the shared server may time out on it.)
        JsonNode queue = as(reader).get("/api/worklist").json();
        assertThat(rowOf(queue, broken).get("aiFailed").asBoolean()).isTrue();
        Browser page = browser().loggedInAs(reader.username(), reader.password());
        assertThat(rowHtml(page.get("/worklist").body(), broken)).contains("Échec IA");

        // The viewer tells the reader, in French, why the AI did not see the images.
        Browser admin = browser().loggedInAs("admin", ADMIN_PASSWORD);
        String viewer = admin.get("/reading/exams/" + broken + "/viewer").body();
        assertThat(viewer).contains("id=\"ai-failures\"").contains("analyse impossible")
                .contains("ne sont pas lisibles").doesNotContain("id=\"ai-flags\"");
        String positiveViewer = admin.get("/reading/exams/" + plain + "/viewer").body();
        assertThat(positiveViewer).contains("id=\"ai-flags\"").doesNotContain("ne sont pas lisibles");

        // A failed analysis does not hold up the reading: the exam is taken and opened as any other.
        assertThat(as(reader).post("/api/worklist/" + broken + "/claim", null).status()).isEqualTo(200);
        assertThat(jdbc.sql("select state from exam where id = :e").param("e", broken).query(String.class).single())
                .isEqualTo("IN_READING");
        assertThat(page.get("/reading/exams/" + broken + "/report").body()).contains("analyse impossible");
    }

    private List<String> syntaxes(long exam) {
        return jdbc.sql("""
                select distinct i.transfer_syntax from instance i join series se on se.id = i.series_id
                join exam e on e.study_id = se.study_id where e.id = :e""").param("e", exam).query(String.class).list();
    }

    private Found found(long exam) {
        return jdbc.sql("""
                        select r.positive, r.score, i.instance_number from ai_result r
                        left join instance i on i.sop_instance_uid = r.key_sop_instance_uid
                        where r.exam_id = :e""").param("e", exam)
                .query((rs, n) -> new Found(rs.getBoolean("positive"), rs.getDouble("score"),
                        (Integer) rs.getObject("instance_number"))).single();
    }

    /** A radiologist authorised for the hospital and checked in to a seat. */
    private TestAccount readerOnDutyFor(long hospital) {
        TestAccount reader = createAccount(Role.RADIOLOGIST, null);
        WorklistFixtures seats = new WorklistFixtures(jdbc, sealer);
        seats.authorise(reader.id(), hospital);
        seats.checkIn(reader.id(), seats.center(unique("Centre IA"), 4));
        return reader;
    }

    /**
     * Files and accepts a head CT request, then sends the same generated bleed, uncompressed or
     * compressed ({@code kind}), its images' compressed data broken or not.
     */
    private long sendHeadWithBleed(TestAccount physician, TestAccount reader, String ae, String patientId,
                                   Compression.Kind kind, boolean broken) throws Exception {
        JsonNode filed = RequestFixtures.file(as(physician), RequestFixtures.headCt(patientId, "PATIENT_SIGNED"));
        long examId = filed.get("id").asLong();
        RequestFixtures.accept(jdbc, as(reader), examId);
        Path folder = work.resolve(patientId + "-" + examId);
        SyntheticCt.GeneratedStudy study = SyntheticCt.generate(RequestFixtures.matching(filed,
                SyntheticCt.StudySpec.builder().slices(30).rows(128).columns(128).bleed(true).seed(702)).build(), folder);
        // One slice in the middle of the bleed has its compressed data broken when asked.
        Compression.Sending sending = Compression.prepare(kind, study.files(), folder, broken);
        Dcmtk.Result sent = Dcmtk.storescu(dicomDoor.port(), ae, "RELAIS", sending.storescuOptions(), sending.files());
        assertThat(sent.exitCode()).as(sent.output()).isZero();
        Await.until("exam " + examId + " ready", () -> jdbc.sql("select state from exam where id = :e")
                .param("e", examId).query(String.class).single(), "READY"::equals);
        return examId;
    }

    /** The built-in detector's latest run on the exam: its state, and its failure if any. */
    private String run(long examId) {
        return jdbc.sql("""
                        select r.state || ' ' || coalesce(r.failure, '') from ai_run r join ai_engine g on g.id = r.engine_id
                        where r.exam_id = :e and g.code = :code order by r.id desc limit 1""")
                .param("e", examId).param("code", HaemorrhageDetector.ENGINE).query(String.class).optional()
                .map(String::strip).orElse("RUNNING");
    }

    private static JsonNode rowOf(JsonNode queue, long examId) {
        for (JsonNode row : queue) {
            if (row.get("examId").asLong() == examId) {
                return row;
            }
        }
        throw new AssertionError("exam " + examId + " is not in the worklist: " + queue);
    }

    private static String rowHtml(String page, long examId) {
        int start = page.indexOf("data-exam-id=\"" + examId + "\"");
        assertThat(start).as("row of exam " + examId).isNotNegative();
        return page.substring(start, page.indexOf("</tr>", start));
    }
}
