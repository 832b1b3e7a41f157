package fr.relais.prior;

import com.fasterxml.jackson.databind.JsonNode;
import fr.relais.ApiClient;
import fr.relais.BaseIntegrationTest;
import fr.relais.reading.ReadableStudies;
import fr.relais.request.RequestFixtures;
import fr.relais.security.Role;
import fr.relais.sim.SyntheticCt;
import fr.relais.sim.SyntheticCt.GeneratedStudy;
import fr.relais.support.Await;
import fr.relais.support.Dcmqrscp;
import fr.relais.support.Dcmtk;
import fr.relais.support.ImageSweep;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Priors from the hospital's PACS, against DCMTK's dcmqrscp: when a request is accepted, Relais
 * finds the patient's earlier studies there (C-FIND), keeps those of the same patient and body
 * region, has them sent (C-MOVE to its own DICOM door) and stores them, encrypted, as priors of the
 * request: no new exam, no unmatched entry, readable with the exam. A PACS that is down: tried a
 * bounded number of times, then recorded as failed with the reason. A PACS sending what was not
 * asked is refused.
 */
public class PriorsFromPacsIT extends BaseIntegrationTest {

    @TempDir
    Path work;

    @BeforeAll
    static void dcmtk() {
        Dcmtk.requireDcmtk();
        ImageSweep.alsoAccountedBy("exists (select 1 from prior_study p where p.study_id = s.id)");
    }

    /** A hospital, its physician, a PACS at pacsAe on pacsPort. */
    public record PacsHospital(long id, String ae, ApiClient physician) {}

    public static PacsHospital hospitalWithPacs(BaseIntegrationTest test, ApiClient admin, long id, String ae,
                                                ApiClient physician, String pacsAe, int pacsPort) {
        JsonNode current = admin.get("/api/hospitals/" + id).json();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", current.get("name").asText());
        body.put("finess", current.get("finess").asText());
        body.put("aeTitles", List.of(ae));
        body.put("pacs", Map.of("aeTitle", pacsAe, "host", "127.0.0.1", "port", pacsPort, "maxPriors", 3,
                "maxYears", 5, "relevance", "BODY_REGION"));
        ApiClient.Response saved = admin.put("/api/hospitals/" + id, body);
        if (saved.status() != 200) {
            throw new AssertionError("PACS not saved: " + saved.status() + " " + saved.body());
        }
        return new PacsHospital(id, ae, physician);
    }

    /** An earlier study of the request's patient (MARTIN Paul, 14/03/1950, M), as the PACS holds it. */
    public static GeneratedStudy earlier(String patientId, LocalDateTime when, String description, long seed, Path folder)
            throws Exception {
        GeneratedStudy study = SyntheticCt.generate(SyntheticCt.StudySpec.builder().slices(2).rows(64).columns(64)
                .seed(seed).patientId(patientId).patientName("MARTIN^Paul").birthDate(LocalDate.of(1950, 3, 14)).sex("M")
                .accession("OLD" + seed).studyDateTime(when).build(), folder);
        if (description != null) {
            List<String> modify = new ArrayList<>(List.of("dcmodify", "-nb", "-m", "StudyDescription=" + description));
            study.files().forEach(f -> modify.add(f.toString()));
            assertThat(Dcmtk.run(modify).exitCode()).isZero();
        }
        return study;
    }

    @Test
    void theTwoEarlierHeadStudiesOfThePatientAreFetchedWhenTheRequestIsAcceptedAndStoredAsPriors() throws Exception {
        String ae = uniqueAeTitle("PRI");
        long hospitalId = createHospital(unique("CH Antériorités"), ae);
        String patientId = uniqueAeTitle("IPP-PRI");
        String pacsAe = uniqueAeTitle("PACS");
        try (Dcmqrscp pacs = new Dcmqrscp(Files.createDirectories(work.resolve("pacs")), pacsAe, "RELAIS", dicomDoor.port())) {
            GeneratedStudy head2024 = earlier(patientId, LocalDateTime.of(2024, 5, 2, 3, 10), null, 4101, work.resolve("a"));
            GeneratedStudy head2025 = earlier(patientId, LocalDateTime.of(2025, 11, 20, 23, 40), null, 4102, work.resolve("b"));
            GeneratedStudy thorax = earlier(patientId, LocalDateTime.of(2025, 1, 8, 14, 0), "SCANNER THORAX", 4103,
                    work.resolve("c"));
            pacs.store(head2024.files());
            pacs.store(head2025.files());
            pacs.store(thorax.files());
            PacsHospital h = hospitalWithPacs(this, admin(), hospitalId, ae,
                    as(createAccount(Role.HOSPITAL_PHYSICIAN, hospitalId)), pacsAe, pacs.port());
            TestAccount radiologist = createAccount(Role.RADIOLOGIST, null);

            JsonNode filed = RequestFixtures.file(h.physician(), RequestFixtures.headCt(patientId, "PATIENT_SIGNED"));
            long examId = filed.get("id").asLong();
            RequestFixtures.accept(jdbc, as(radiologist), examId);

            JsonNode state = Await.until("priors of exam " + examId + " fetched", () -> fetchState(as(radiologist), examId),
                    s -> !s.get("state").asText().equals("PENDING"));
            assertThat(state.get("state").asText()).as(pacs.log()).isEqualTo("FETCHED");
            assertThat(state.get("found").asInt()).isEqualTo(2);
            assertThat(state.get("fetched").asInt()).isEqualTo(2);

            // Stored as studies of the hospital, with every image, under no exam of their own.
            for (GeneratedStudy s : List.of(head2024, head2025)) {
                assertThat(jdbc.sql("select instance_count from study where hospital_id = :h and study_uid = :uid")
                        .param("h", hospitalId).param("uid", s.studyInstanceUid()).query(Integer.class).single()).isEqualTo(2);
            }
            assertThat(jdbc.sql("select count(*) from study where hospital_id = :h and study_uid = :uid")
                    .param("h", hospitalId).param("uid", thorax.studyInstanceUid()).query(Long.class).single()).isZero();
            assertThat(jdbc.sql("select count(*) from exam where hospital_id = :h").param("h", hospitalId)
                    .query(Long.class).single()).isEqualTo(1L);
            assertThat(jdbc.sql("select count(*) from exam where hospital_id = :h and state = 'UNMATCHED'")
                    .param("h", hospitalId).query(Long.class).single()).isZero();
            // Encrypted at rest: no stored object holds the patient ID in clear.
            for (String key : jdbc.sql("""
                    select i.object_key from instance i join series x on x.id = i.series_id join study s on s.id = x.study_id
                    where s.hospital_id = :h""").param("h", hospitalId).query(String.class).list()) {
                assertThat(storedBytesContain(key, patientId)).as(key).isFalse();
            }

            // Tonight's images come; the radiologist reading the exam sees both priors and opens them.
            GeneratedStudy tonight = SyntheticCt.generate(RequestFixtures.studyFor(filed).slices(2).rows(64).columns(64)
                    .seed(4104).build(), work.resolve("tonight"));
            assertThat(Dcmtk.storescu(dicomDoor.port(), ae, "RELAIS", tonight.files()).exitCode()).isZero();
            Await.until("exam " + examId + " READY", () -> examState(examId), "READY"::equals);
            ApiClient reader = as(radiologist);
            ReadableStudies.onDuty(jdbc, radiologist.id(), hospitalId, ReadableStudies.center(jdbc, unique("Centre PRI")));
            Await.until("exam " + examId + " claimed", () -> reader.post("/api/worklist/" + examId + "/claim", null).status(),
                    status -> status == 200);
            ApiClient.Response listed = reader.get("/api/exams/" + examId + "/priors");
            assertThat(listed.status()).as(listed.body()).isEqualTo(200);
            JsonNode priors = listed.json();
            List<String> uids = new ArrayList<>();
            priors.forEach(p -> uids.add(p.get("studyInstanceUid").asText()));
            assertThat(uids).containsExactly(head2025.studyInstanceUid(), head2024.studyInstanceUid());
            assertThat(priors.get(0).get("fromPacs").asBoolean()).isTrue();
            assertThat(reader.get("/dicomweb/studies/" + head2024.studyInstanceUid() + "/series").status()).isEqualTo(200);
            // Another radiologist, who holds no exam of the patient, does not read them.
            assertThat(as(createAccount(Role.RADIOLOGIST, null)).get("/dicomweb/studies/" + head2024.studyInstanceUid()
                    + "/series").status()).isEqualTo(404);
            assertThat(jdbc.sql("select count(*) from audit_event where action = 'PRIORS_FETCHED' and object = :o")
                    .param("o", "exam:" + examId).query(Long.class).single()).isEqualTo(1L);

            // The PACS sending a study nobody asked for: refused with the reason, nothing kept.
            GeneratedStudy unasked = earlier(patientId, LocalDateTime.of(2023, 2, 2, 2, 2), null, 4105, work.resolve("d"));
            Dcmtk.Result pushed = Dcmtk.storescu(dicomDoor.port(), pacsAe, "RELAIS", List.of("-v"), unasked.files());
            assertThat(pushed.output()).contains("Received Store Response (Error: CannotUnderstand)");
            // Audited when the association ends, just after storescu has its answer.
            Await.until("the refusal audited", () -> jdbc.sql("select count(*) from audit_event where action = 'PRIORS_RECEIVED' "
                    + "and outcome = 'FAILED' and actor = :a").param("a", "dicom:" + pacsAe).query(Long.class).single(), n -> n == 1L);
            assertThat(jdbc.sql("select count(*) from study where study_uid = :uid").param("uid", unasked.studyInstanceUid())
                    .query(Long.class).single()).isZero();

            // The priors follow the exam's retention: purged with it.
            List<String> priorKeys = jdbc.sql("""
                    select i.object_key from instance i join series x on x.id = i.series_id join prior_study p on p.study_id = x.study_id
                    where p.exam_id = :exam""").param("exam", examId).query(String.class).list();
            assertThat(priorKeys).hasSize(4);
            jdbc.sql("update exam set state = 'CANCELLED', claimed_by = null, state_changed_at = now() - interval '1 day' where id = :id")
                    .param("id", examId).update();
            retention.purge(java.time.Instant.now().plus(java.time.Duration.ofDays(400)), false);
            assertThat(examState(examId)).isEqualTo("PURGED");
            assertThat(jdbc.sql("select coalesce(sum(s.instance_count), -1) from study s join prior_study p on p.study_id = s.id "
                    + "where p.exam_id = :exam").param("exam", examId).query(Long.class).single()).isZero();
            for (String key : priorKeys) {
                assertThat(dataDir().resolve("objects").resolve(key)).doesNotExist();
            }
        }
        ImageSweep.assertNothingLost(jdbc, hospitalId);
    }

    @Test
    void aPacsThatIsDownIsTriedABoundedNumberOfTimesThenTheFetchIsRecordedAsFailedWithItsReason() throws Exception {
        String ae = uniqueAeTitle("PRD");
        long hospitalId = createHospital(unique("CH PACS en panne"), ae);
        PacsHospital h = hospitalWithPacs(this, admin(), hospitalId, ae, as(createAccount(Role.HOSPITAL_PHYSICIAN, hospitalId)),
                uniqueAeTitle("PACSD"), Dcmqrscp.freePort());
        TestAccount radiologist = createAccount(Role.RADIOLOGIST, null);
        JsonNode filed = RequestFixtures.file(h.physician(), RequestFixtures.headCt(uniqueAeTitle("IPP-PRD"), "PATIENT_SIGNED"));
        long examId = filed.get("id").asLong();

        RequestFixtures.accept(jdbc, as(radiologist), examId);

        // The acceptance went through at once; the fetch fails in the background.
        assertThat(examState(examId)).isEqualTo("PROTOCOLED");
        JsonNode state = Await.until("priors of exam " + examId + " given up", () -> fetchState(as(radiologist), examId),
                s -> s.get("state").asText().equals("FAILED"));
        assertThat(state.get("reason").asText()).isEqualTo("Le PACS de l'hôpital ne répond pas (connexion refusée)");
        assertThat(jdbc.sql("select attempts from prior_fetch where exam_id = :id").param("id", examId)
                .query(Integer.class).single()).isEqualTo(3);
        assertThat(jdbc.sql("select count(*) from audit_event where action = 'PRIORS_FETCH_FAILED' and object = :o")
                .param("o", "exam:" + examId).query(Long.class).single()).isEqualTo(3L);
        assertThat(examState(examId)).isEqualTo("PROTOCOLED");
    }

    @Test
    void aHospitalWithoutPacsHasNoFetch() {
        String ae = uniqueAeTitle("PRN");
        long hospitalId = createHospital(unique("CH Sans PACS"), ae);
        ApiClient physician = as(createAccount(Role.HOSPITAL_PHYSICIAN, hospitalId));
        TestAccount radiologist = createAccount(Role.RADIOLOGIST, null);
        long examId = RequestFixtures.file(physician, RequestFixtures.headCt(uniqueAeTitle("IPP-PRN"), "PATIENT_SIGNED"))
                .get("id").asLong();
        RequestFixtures.accept(jdbc, as(radiologist), examId);
        jdbc.sql("update exam set claimed_by = :u where id = :id").param("u", radiologist.id()).param("id", examId).update();

        assertThat(admin().get("/api/exams/" + examId + "/priors/fetch").json().get("state").asText()).isEqualTo("NONE");
        assertThat(jdbc.sql("select count(*) from prior_fetch where exam_id = :id").param("id", examId)
                .query(Long.class).single()).isZero();
    }

    private JsonNode fetchState(ApiClient client, long examId) {
        // The exam is readable by coordinators and administrators before anyone claims it.
        ApiClient.Response r = admin().get("/api/exams/" + examId + "/priors/fetch");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json();
    }

    private String examState(long examId) {
        return jdbc.sql("select state from exam where id = :id").param("id", examId).query(String.class).single();
    }

    @org.springframework.beans.factory.annotation.Autowired
    fr.relais.storage.ObjectStore store;

    @org.springframework.beans.factory.annotation.Autowired
    fr.relais.intake.RetentionPurge retention;

    /** The object as stored on disk (sealed), and as the store gives it back (opened). */
    private boolean storedBytesContain(String key, String text) throws Exception {
        Path file = dataDir().resolve("objects").resolve(key);
        assertThat(file).exists();
        assertThat(new String(store.read(key), java.nio.charset.StandardCharsets.ISO_8859_1)).contains(text);
        return new String(Files.readAllBytes(file), java.nio.charset.StandardCharsets.ISO_8859_1).contains(text);
    }
}
