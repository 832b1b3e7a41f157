package fr.relais.intake;

import com.fasterxml.jackson.databind.JsonNode;
import fr.relais.ApiClient;
import fr.relais.BaseIntegrationTest;
import fr.relais.request.RequestFixtures;
import fr.relais.security.Role;
import fr.relais.sim.SyntheticCt;
import fr.relais.storage.ObjectStore;
import fr.relais.storage.Sealer;
import fr.relais.support.Await;
import fr.relais.support.Dcmtk;
import fr.relais.worklist.WorklistFixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static fr.relais.report.ReportFixtures.claim;
import static fr.relais.report.ReportFixtures.draft;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Images go after the hospital's retention, counted with the clock moved past it; requests, reports
 * and the audit stay; legal hold keeps them; a purge killed half-way is finished by the next run.
 */
class RetentionIT extends BaseIntegrationTest {

    @TempDir
    static Path work;

    @Autowired
    RetentionPurge retention;
    @Autowired
    ObjectStore store;
    @Autowired
    Sealer sealer;

    private String ae;
    private long hospital;
    private ApiClient physician;
    private TestAccount radiologist;

    /** An exam of the hospital whose two-image study has arrived and is READY. */
    private long readyExam(int seed) throws Exception {
        JsonNode filed = RequestFixtures.file(physician, RequestFixtures.headCt(unique("IPP-RT"), "PATIENT_SIGNED"));
        long exam = filed.get("id").asLong();
        RequestFixtures.accept(jdbc, as(radiologist), exam);
        SyntheticCt.GeneratedStudy study = SyntheticCt.generate(RequestFixtures.studyFor(filed).slices(2).rows(64)
                .columns(64).seed(seed).build(), work.resolve("s" + seed));
        assertThat(Dcmtk.storescu(dicomDoor.port(), ae, "RELAIS", study.files()).exitCode()).isZero();
        Await.until("exam " + exam + " ready", () -> state(exam), "READY"::equals);
        return exam;
    }

    /** Read and signed through the API, as a radiologist does; the hospital has nothing to push to. */
    private long signedExam(int seed) throws Exception {
        long exam = readyExam(seed);
        ApiClient reader = as(radiologist);
        claim(reader, exam);
        ApiClient.Response saved = reader.put("/api/exams/" + exam + "/report", draft(0, "Pas d’hémorragie.", "Normal."));
        assertThat(saved.status()).as(saved.body()).isEqualTo(200);
        ApiClient.Response signed = reader.post("/api/exams/" + exam + "/report/sign",
                Map.of("version", saved.json().get("version").asInt()));
        assertThat(signed.status()).as(signed.body()).isEqualTo(200);
        return exam;
    }

    @Test
    void imagesPastRetentionGoAndTheRestStaysEvenAfterACrashHalfWay() throws Exception {
        ae = uniqueAeTitle("RT");
        hospital = createHospital(unique("CH rétention"), ae);
        jdbc.sql("update hospital set retention_days = 1 where id = :h").param("h", hospital).update();
        physician = as(createAccount(Role.HOSPITAL_PHYSICIAN, hospital));
        radiologist = createAccount(Role.RADIOLOGIST, null);
        WorklistFixtures seats = new WorklistFixtures(jdbc, sealer);
        seats.checkIn(radiologist.id(), seats.center(unique("Centre rétention"), 4));

        long read = signedExam(801);
        long held = signedExam(802);
        long interrupted = signedExam(803);
        long unread = readyExam(804);
        long cancelledRequest = readyExam(805);
        long cancelledStudy = jdbc.sql("select study_id from exam where id = :e").param("e", cancelledRequest)
                .query(Long.class).single();
        assertThat(physician.post("/api/requests/" + cancelledRequest + "/cancel", null).status()).isEqualTo(200);
        // A cancelled request's images wait on the unmatched list: retention counts from then.
        long cancelled = jdbc.sql("select id from exam where study_id = :s and state = 'UNMATCHED'")
                .param("s", cancelledStudy).query(Long.class).single();

        assertThat(admin().put("/api/exams/" + held + "/legal-hold", Map.of("hold", true, "reason", "Contentieux")).status())
                .isEqualTo(200);
        Map<Long, List<String>> files = new HashMap<>();
        Map<Long, Long> sizes = new HashMap<>();
        for (long exam : new long[] {read, held, interrupted, unread, cancelled}) {
            files.put(exam, keys(exam));
            sizes.put(exam, bytes(exam));
            assertThat(files.get(exam)).hasSize(2);
        }
        long bytesOfPurged = sizes.get(read) + sizes.get(interrupted) + sizes.get(cancelled);

        // Today, within the day of retention: nothing to purge for this hospital.
        retention.purge(Instant.now(), false);
        assertThat(state(read)).isEqualTo("REPORTED");

        // The clock moved two days on: past the hospital's one day, long before anyone else's 90.
        Instant later = Instant.now().plus(Duration.ofDays(2));

        RetentionPurge.Report dry = retention.purge(later, true);
        assertThat(dry.dryRun()).isTrue();
        assertThat(dry.exams()).isEqualTo(3);
        assertThat(dry.instances()).isEqualTo(6);
        assertThat(dry.bytes()).isEqualTo(bytesOfPurged);
        assertThat(dry.onLegalHold()).isEqualTo(1);
        assertThat(keys(read)).hasSize(2);
        assertThat(Files.exists(store.root().resolve(files.get(read).get(0)))).isTrue();

        // A run killed half-way through an exam: claimed, one of its two files deleted, its index untouched.
        jdbc.sql("update exam set purge_started_at = now() where id = :e").param("e", interrupted).update();
        store.delete(files.get(interrupted).get(0));
        // From then on its images cannot be held any more.
        ApiClient.Response tooLate = admin().put("/api/exams/" + interrupted + "/legal-hold",
                Map.of("hold", true, "reason", "Trop tard"));
        assertThat(tooLate.status()).isEqualTo(409);
        assertThat(tooLate.contentType()).startsWith("application/problem+json");

        RetentionPurge.Report report = retention.purge(later, false);

        assertThat(report.exams()).isEqualTo(3);
        assertThat(report.instances()).isEqualTo(6);
        assertThat(report.bytes()).isEqualTo(bytesOfPurged);
        for (long exam : new long[] {read, interrupted, cancelled}) {
            assertThat(state(exam)).isEqualTo("PURGED");
            assertThat(keys(exam)).isEmpty();
            for (String key : files.get(exam)) {
                assertThat(Files.exists(store.root().resolve(key))).as("file given back").isFalse();
            }
            assertThat(audit("IMAGES_PURGED", exam)).containsExactly("2 instances, " + sizes.get(exam) + " bytes, retention of hospital " + hospital);
        }
        assertThat(state(held)).isEqualTo("REPORTED"); // legal hold
        assertThat(keys(held)).hasSize(2);
        assertThat(Files.exists(store.root().resolve(files.get(held).get(0)))).isTrue();
        assertThat(state(unread)).isEqualTo("READY"); // no report yet: its clock has not started
        assertThat(keys(unread)).hasSize(2);
        assertThat(jdbc.sql("select detail from audit_event where action = 'RETENTION_PURGED' order by id desc limit 1")
                .query(String.class).single()).isEqualTo("3 exams, 6 instances, " + bytesOfPurged + " bytes, 1 on legal hold");

        // The request and the signed report stay, readable by the hospital.
        assertThat(physician.get("/api/requests/" + read).status()).isEqualTo(200);
        ApiClient.Response report0 = physician.get("/api/exams/" + read + "/report");
        assertThat(report0.status()).as(report0.body()).isEqualTo(200);
        assertThat(report0.json().get("conclusion").asText()).isEqualTo("Normal.");
        assertThat(physician.get("/api/exams/" + read + "/report.pdf").status()).isEqualTo(200);
        // The images do not: DICOMweb answers 404 for a purged study.
        String studyUid = jdbc.sql("select s.study_uid from exam e join study s on s.id = e.study_id where e.id = :e")
                .param("e", read).query(String.class).single();
        assertThat(admin().get("/dicomweb/studies/" + studyUid + "/metadata").status()).isEqualTo(404);

        // Run again: nothing left to do.
        assertThat(retention.purge(later, false).exams()).isZero();
        assertThat(state(held)).isEqualTo("REPORTED");

        // Released from hold, it goes at the next run.
        assertThat(admin().put("/api/exams/" + held + "/legal-hold", Map.of("hold", false)).status()).isEqualTo(200);
        assertThat(retention.purge(later, false).exams()).isEqualTo(1);
        assertThat(state(held)).isEqualTo("PURGED");
        assertThat(jdbc.sql("select count(*) from audit_event where action = 'LEGAL_HOLD_SET' and object = :o")
                .param("o", "exam:" + held).query(Integer.class).single()).isEqualTo(1);
    }

    @Test
    void onlyAdministratorsPurgeOrHoldAndAHoldNeedsAReason() {
        TestAccount coordinator = createAccount(Role.COORDINATOR, null);
        assertThat(as(coordinator).post("/api/retention/purge?dryRun=true", null).status()).isEqualTo(403);
        assertThat(as(coordinator).put("/api/exams/1/legal-hold", Map.of("hold", true, "reason", "x")).status()).isEqualTo(403);
        assertThat(admin().put("/api/exams/1/legal-hold", Map.of("hold", true)).status()).isEqualTo(400);
        assertThat(admin().put("/api/exams/999999999/legal-hold", Map.of("hold", true, "reason", "x")).status()).isEqualTo(404);
        JsonNode dry = admin().post("/api/retention/purge?dryRun=true", null).json();
        assertThat(dry.get("dryRun").asBoolean()).isTrue();
    }

    private String state(long examId) {
        return jdbc.sql("select state from exam where id = :id").param("id", examId).query(String.class).single();
    }

    private List<String> audit(String action, long examId) {
        return jdbc.sql("select detail from audit_event where action = :a and object = :o order by id")
                .param("a", action).param("o", "exam:" + examId).query(String.class).list();
    }

    private long bytes(long examId) {
        return jdbc.sql("""
                        select coalesce(sum(i.size_bytes), 0) from instance i join series x on x.id = i.series_id
                        join exam e on e.study_id = x.study_id where e.id = :id""")
                .param("id", examId).query(Long.class).single();
    }

    private List<String> keys(long examId) {
        return jdbc.sql("""
                        select i.object_key from instance i join series x on x.id = i.series_id
                        join exam e on e.study_id = x.study_id where e.id = :id order by i.id""")
                .param("id", examId).query(String.class).list();
    }
}
