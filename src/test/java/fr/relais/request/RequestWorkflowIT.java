package fr.relais.request;

import com.fasterxml.jackson.databind.JsonNode;
import fr.relais.ApiClient;
import fr.relais.BaseIntegrationTest;
import fr.relais.intake.ImagePurge;
import fr.relais.security.Role;
import fr.relais.sim.SyntheticCt;
import fr.relais.sim.SyntheticCt.GeneratedStudy;
import fr.relais.storage.ObjectStore;
import fr.relais.support.Await;
import fr.relais.support.Dcmtk;
import fr.relais.support.ImageSweep;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The front half of the workflow over HTTP and DICOM: request, decision, images, consent gate. */
class RequestWorkflowIT extends BaseIntegrationTest {

    @Autowired
    ImagePurge purge;

    @Autowired
    ObjectStore store;

    @TempDir
    Path work;

    private record Hospital(long id, String ae, ApiClient physician) {}

    private final List<Long> hospitals = new java.util.ArrayList<>();

    /** Whatever the path, no acknowledged image ends where no screen shows it. */
    @AfterEach
    void noAcknowledgedImageIsLost() {
        ImageSweep.assertNothingLost(jdbc, hospitals.stream().mapToLong(Long::longValue).toArray());
    }

    private Hospital hospital() {
        String ae = uniqueAeTitle("REQ");
        long id = createHospital(unique("CH Requests"), ae);
        hospitals.add(id);
        return new Hospital(id, ae, as(createAccount(Role.HOSPITAL_PHYSICIAN, id)));
    }

    private ApiClient radiologist() {
        return as(createAccount(Role.RADIOLOGIST, null));
    }

    @Test
    void anAcceptedRequestReceivesItsImagesByAccessionNumberAndBecomesReady() throws Exception {
        Hospital h = hospital();
        JsonNode filed = RequestFixtures.file(h.physician(), RequestFixtures.headCt("IPP-1", "PATIENT_SIGNED"));
        long id = filed.get("id").asLong();
        String accession = filed.get("accessionNumber").asText();
        assertThat(accession).matches("RL[2-9A-HJKMNP-Z]{9}");
        assertThat(AccessionNumbers.isValid(accession)).isTrue();
        assertThat(filed.get("state").asText()).isEqualTo("REQUESTED");
        assertThat(RequestFixtures.accept(jdbc, radiologist(), id).get("state").asText()).isEqualTo("PROTOCOLED");

        send(h, RequestFixtures.studyFor(filed).slices(3).seed(61).build());

        awaitState(id, "READY");
        JsonNode request = h.physician().get("/api/requests/" + id).json();
        assertThat(request.get("instanceCount").asInt()).isEqualTo(3);
        assertThat(request.get("seriesCount").asInt()).isEqualTo(1);
        assertThat(request.get("decidedBy").asText()).isNotBlank();
        assertThat(events(id)).containsExactly("REQUESTED", "PROTOCOLED", "ACQUIRING", "READY");
    }

    @Test
    void aStudyUnderAnotherPatientIdMatchesByAccessionButWaitsForACoordinatorToConfirmTheIdentity() throws Exception {
        Hospital h = hospital();
        JsonNode filed = RequestFixtures.file(h.physician(), RequestFixtures.headCt("IPP-1B", "PATIENT_SIGNED"));
        long id = filed.get("id").asLong();
        RequestFixtures.accept(jdbc, radiologist(), id);

        // The technologist scans under another patient ID by mistake: the accession number still
        // matches, but identity is checked, never assumed.
        send(h, RequestFixtures.studyFor(filed).slices(2).patientId("TYPO").seed(68).build());

        awaitState(id, "MISMATCHED");
        ApiClient coordinator = as(createAccount(Role.COORDINATOR, null));
        assertThat(coordinator.post("/api/mismatches/" + id + "/confirm", null).status()).isEqualTo(200);
        awaitState(id, "READY");
        assertThat(events(id)).containsExactly("REQUESTED", "PROTOCOLED", "MISMATCHED", "ACQUIRING", "READY");
    }

    @Test
    void twoRequestsFiledOneAfterTheOtherGetUnrelatedAccessionNumbersThatCannotBeGuessed() {
        Hospital h = hospital();
        String first = RequestFixtures.file(h.physician(), RequestFixtures.headCt("IPP-SEQ-1", "PATIENT_SIGNED"))
                .get("accessionNumber").asText();
        ApiClient.Response answer = h.physician().post("/api/requests", RequestFixtures.headCt("IPP-SEQ-2", "PATIENT_SIGNED"));
        assertThat(answer.status()).isEqualTo(201);
        String second = answer.json().get("accessionNumber").asText();
        // The README reads both from the answer with sed: the id comes first, on one line.
        assertThat(answer.body()).startsWith("{\"id\":" + answer.json().get("id").asLong() + ",")
                .contains("\"accessionNumber\":\"" + second + "\"").doesNotContain("\n");

        for (String accession : List.of(first, second)) {
            assertThat(accession).hasSize(11).matches("RL[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{9}");
            assertThat(AccessionNumbers.isValid(accession)).as(accession).isTrue();
        }
        assertThat(second).isNotEqualTo(first);
        // Not a counter: the random parts differ in more than their last characters.
        assertThat(second.substring(0, 8)).isNotEqualTo(first.substring(0, 8));
        assertThat(jdbc.sql("select count(*) from pg_class where relname = 'accession_number_seq'")
                .query(Long.class).single()).isZero();
    }

    @Test
    void anOlderSequentialAccessionNumberStillMatchesItsStudy() throws Exception {
        Hospital h = hospital();
        JsonNode filed = RequestFixtures.file(h.physician(), RequestFixtures.headCt("IPP-OLD", "PATIENT_SIGNED"));
        long id = filed.get("id").asLong();
        // As numbered before random accession numbers: RL and 8 digits.
        String old = String.format("RL%08d", 90_000_000 + id);
        owner().sql("update exam_request set accession_number = :a where exam_id = :id").param("a", old).param("id", id).update();
        RequestFixtures.accept(jdbc, radiologist(), id);

        send(h, RequestFixtures.studyFor(filed).accession(old).slices(2).seed(62).build());

        awaitState(id, "READY");
        assertThat(h.physician().get("/api/requests/" + id).json().get("accessionNumber").asText()).isEqualTo(old);
    }

    @Test
    void withoutAnAccessionNumberTheStudyMatchesByPatientAndModality() throws Exception {
        Hospital h = hospital();
        JsonNode filed = RequestFixtures.file(h.physician(), RequestFixtures.headCt("IPP-77", "PATIENT_SIGNED"));
        long id = filed.get("id").asLong();
        RequestFixtures.accept(jdbc, radiologist(), id);

        send(h, RequestFixtures.studyFor(filed).slices(2).accession("OTHER123").seed(62).build());

        awaitState(id, "READY");
    }

    @Test
    void imagesBeforeConsentAreQuarantinedAndReleasedByConsent() throws Exception {
        Hospital h = hospital();
        JsonNode filed = RequestFixtures.file(h.physician(), RequestFixtures.headCt("IPP-2", "PENDING"));
        long id = filed.get("id").asLong();
        RequestFixtures.accept(jdbc, radiologist(), id);

        send(h, RequestFixtures.studyFor(filed).slices(2).seed(63).build());

        awaitState(id, "QUARANTINED");
        Thread.sleep(1500); // longer than the stability window: a quarantined study never becomes READY
        assertThat(state(id)).isEqualTo("QUARANTINED");

        ApiClient.Response consent = h.physician().post("/api/requests/" + id + "/consent",
                Map.of("status", "TRUSTED_PERSON_SIGNED", "trustedPersonName", "Marie Martin (fille)"));
        assertThat(consent.status()).as(consent.body()).isEqualTo(200);

        awaitState(id, "READY");
        assertThat(jdbc.sql("select count(*) from consent_event where exam_id = :id").param("id", id)
                .query(Integer.class).single()).isEqualTo(2);
    }

    @Test
    void quarantinedImagesArePurgedAfterTheDelayWithAnAuditEntry() throws Exception {
        Hospital h = hospital();
        JsonNode filed = RequestFixtures.file(h.physician(), RequestFixtures.headCt("IPP-3", "PENDING"));
        long id = filed.get("id").asLong();
        RequestFixtures.accept(jdbc, radiologist(), id);
        send(h, RequestFixtures.studyFor(filed).slices(2).seed(64).build());
        awaitState(id, "QUARANTINED");
        List<String> keys = objectKeys(id);
        assertThat(keys).hasSize(2);

        assertThat(purge.purgeExpiredQuarantine(Instant.now().plus(Duration.ofHours(23)))).isZero();
        assertThat(state(id)).isEqualTo("QUARANTINED");

        purge.purgeExpiredQuarantine(Instant.now().plus(Duration.ofHours(25)));

        assertThat(state(id)).isEqualTo("PURGED");
        assertThat(objectKeys(id)).isEmpty();
        keys.forEach(key -> assertThat(store.exists(key)).isFalse());
        assertThat(jdbc.sql("select count(*) from audit_event where action = 'QUARANTINE_PURGED' and object = :o")
                .param("o", "exam:" + id).query(Integer.class).single()).isEqualTo(1);
    }

    @Test
    void aVitalEmergencyWaiverLetsTheImagesThroughAtOnce() throws Exception {
        Hospital h = hospital();
        Map<String, Object> request = RequestFixtures.headCt("IPP-4", "VITAL_EMERGENCY_WAIVER");
        request.put("urgency", "P1");
        request.put("consentJustification", "Patient inconscient, pas de proche joignable");
        JsonNode filed = RequestFixtures.file(h.physician(), request);
        long id = filed.get("id").asLong();
        RequestFixtures.accept(jdbc, radiologist(), id);

        send(h, RequestFixtures.studyFor(filed).slices(2).seed(65).build());

        awaitState(id, "READY");
    }

    @Test
    void anUnmatchedStudyWaitsForACoordinatorWhoAttachesItToItsRequest() throws Exception {
        Hospital h = hospital();
        long id = RequestFixtures.file(h.physician(), RequestFixtures.headCt("IPP-5", "PATIENT_SIGNED")).get("id").asLong();
        RequestFixtures.accept(jdbc, radiologist(), id);
        GeneratedStudy study = send(h, SyntheticCt.StudySpec.builder().slices(2).patientId("NOBODY").accession("NOPE")
                .seed(66).build());
        ApiClient coordinator = as(createAccount(Role.COORDINATOR, null));
        JsonNode unmatched = awaitUnmatched(coordinator, study.studyInstanceUid());
        assertThat(state(id)).isEqualTo("PROTOCOLED");

        ApiClient.Response attached = coordinator.post("/api/unmatched/" + unmatched.get("examId").asLong() + "/attach",
                Map.of("requestId", id));

        assertThat(attached.status()).as(attached.body()).isEqualTo(200);
        assertThat(state(unmatched.get("examId").asLong())).isEqualTo("CANCELLED");
        // Attached by hand, the study is still checked: its header names NOBODY, not the request's patient.
        awaitState(id, "MISMATCHED");
        assertThat(coordinator.post("/api/mismatches/" + id + "/confirm", null).status()).isEqualTo(200);
        awaitState(id, "READY");
    }

    @Test
    void aRejectedUnmatchedStudyLosesItsImages() throws Exception {
        Hospital h = hospital();
        GeneratedStudy study = send(h, SyntheticCt.StudySpec.builder().slices(2).seed(67).build());
        ApiClient coordinator = as(createAccount(Role.COORDINATOR, null));
        long examId = awaitUnmatched(coordinator, study.studyInstanceUid()).get("examId").asLong();
        List<String> keys = objectKeysOfExamStudy(examId);

        assertThat(coordinator.post("/api/unmatched/" + examId + "/reject", Map.of("text", "Envoi en double")).status())
                .isEqualTo(204);

        assertThat(state(examId)).isEqualTo("CANCELLED");
        keys.forEach(key -> assertThat(store.exists(key)).isFalse());
    }

    @Test
    void aRadiologistMayAskForInformationAndTheHospitalAnswersInTheSameThread() {
        Hospital h = hospital();
        long id = RequestFixtures.file(h.physician(), RequestFixtures.headCt("IPP-6", "PATIENT_SIGNED")).get("id").asLong();
        ApiClient radiologist = radiologist();
        RequestFixtures.authoriseFor(jdbc, radiologist.username(), id);

        assertThat(radiologist.post("/api/requests/" + id + "/ask", Map.of("text", "Heure de la chute ?")).json()
                .get("state").asText()).isEqualTo("INFO_NEEDED");
        assertThat(h.physician().post("/api/requests/" + id + "/answer", Map.of("text", "Vers 21 h")).json()
                .get("state").asText()).isEqualTo("REQUESTED");
        JsonNode thread = h.physician().get("/api/requests/" + id + "/messages").json();
        assertThat(thread).hasSize(2);
        assertThat(thread.get(1).get("body").asText()).isEqualTo("Vers 21 h");
        assertThat(radiologist.post("/api/requests/" + id + "/refuse", Map.of("text", "Non justifié")).json()
                .get("state").asText()).isEqualTo("REFUSED");
        // A refused request cannot be accepted any more: a clear 409.
        ApiClient.Response late = radiologist.post("/api/requests/" + id + "/accept", Map.of("text", "x"));
        assertThat(late.status()).isEqualTo(409);
        assertThat(late.contentType()).startsWith("application/problem+json");
    }

    @Test
    void anotherHospitalsRequestIsNotFoundAndTheAttemptAudited() {
        Hospital mine = hospital();
        Hospital other = hospital();
        long id = RequestFixtures.file(other.physician(), RequestFixtures.headCt("IPP-8", "PATIENT_SIGNED")).get("id").asLong();

        ApiClient.Response response = mine.physician().get("/api/requests/" + id);

        assertThat(response.status()).isEqualTo(404);
        assertThat(mine.physician().get("/api/requests").json().findValuesAsText("id")).doesNotContain(String.valueOf(id));
        assertThat(mine.physician().post("/api/requests/" + id + "/cancel", null).status()).isEqualTo(404);
        assertThat(jdbc.sql("select count(*) from audit_event where action = 'REQUEST_ACCESS_DENIED' and object = :o")
                .param("o", "exam:" + id).query(Integer.class).single()).isGreaterThanOrEqualTo(2);
    }

    @Test
    void everyReadingOfARequestIsAuditedWithWhoSawIt() {
        Hospital h = hospital();
        TestAccount physician = createAccount(Role.HOSPITAL_PHYSICIAN, h.id());
        long id = RequestFixtures.file(as(physician), RequestFixtures.headCt("IPP-9", "PATIENT_SIGNED")).get("id").asLong();
        String who = physician.username();

        assertThat(as(physician).get("/api/requests/" + id).status()).isEqualTo(200);
        assertThat(jdbc.sql("select count(*) from audit_event where action = 'REQUEST_READ' and object = :o and actor = :a")
                .param("o", "exam:" + id).param("a", who).query(Integer.class).single()).isEqualTo(1);

        assertThat(as(physician).get("/api/requests").json().findValuesAsText("id")).containsExactly(String.valueOf(id));
        String listed = jdbc.sql("select detail from audit_event where action = 'REQUESTS_LISTED' and actor = :a order by id desc limit 1")
                .param("a", who).query(String.class).single();
        assertThat(listed).startsWith("1 requests: exam " + id);

        // The portal's pages too.
        var browser = browser();
        browser.login(who, physician.password());
        assertThat(browser.get("/portal/requests/" + id).statusCode()).isEqualTo(200);
        assertThat(jdbc.sql("select count(*) from audit_event where action = 'REQUEST_READ' and object = :o and actor = :a")
                .param("o", "exam:" + id).param("a", who).query(Integer.class).single()).isEqualTo(2);
    }

    @Test
    void aRadiologistSeesAndRegulatesOnlyTheRequestsOfHospitalsHeIsAuthorisedFor() {
        Hospital h = hospital();
        long id = RequestFixtures.file(h.physician(), RequestFixtures.headCt("IPP-9", "PATIENT_SIGNED")).get("id").asLong();
        ApiClient outsider = radiologist();
        ApiClient regulator = radiologist();
        RequestFixtures.authoriseFor(jdbc, regulator.username(), id);

        assertThat(outsider.get("/api/requests/" + id).status()).isEqualTo(404);
        assertThat(outsider.get("/api/justification-queue").json().findValuesAsText("id")).doesNotContain(String.valueOf(id));
        assertThat(outsider.get("/api/requests").json().findValuesAsText("id")).doesNotContain(String.valueOf(id));
        assertThat(outsider.post("/api/requests/" + id + "/accept", Map.of("text", "Crâne sans injection")).status())
                .isEqualTo(404);
        assertThat(state(id)).isEqualTo("REQUESTED");
        assertThat(regulator.get("/api/justification-queue").json().findValuesAsText("id")).contains(String.valueOf(id));
        assertThat(regulator.post("/api/requests/" + id + "/accept", Map.of("text", "Crâne sans injection")).status())
                .isEqualTo(200);
        // Billing reads acts, not requests.
        ApiClient billing = as(createAccount(Role.BILLING, null));
        assertThat(billing.get("/api/requests/" + id).status()).isEqualTo(404);
        assertThat(billing.get("/api/requests").json().findValuesAsText("id")).doesNotContain(String.valueOf(id));
    }

    @Test
    void missingOrUnsafeFieldsAreRefusedAndNothingIsFiled() {
        Hospital h = hospital();
        long before = jdbc.sql("select count(*) from exam_request where hospital_id = :h").param("h", h.id())
                .query(Long.class).single();

        Map<String, Object> noQuestion = RequestFixtures.headCt("IPP-9", "PATIENT_SIGNED");
        noQuestion.remove("question");
        assertField(h.physician().post("/api/requests", noQuestion), "question");

        Map<String, Object> contrast = RequestFixtures.headCt("IPP-9", "PATIENT_SIGNED");
        contrast.put("examTypeCode", "CT_PULM_ANGIO");
        assertField(h.physician().post("/api/requests", contrast), "creatinineUmolPerL");

        Map<String, Object> waiver = RequestFixtures.headCt("IPP-9", "VITAL_EMERGENCY_WAIVER");
        waiver.put("consentJustification", "inconscient");
        assertField(h.physician().post("/api/requests", waiver), "consent");

        Map<String, Object> trusted = RequestFixtures.headCt("IPP-9", "TRUSTED_PERSON_SIGNED");
        assertField(h.physician().post("/api/requests", trusted), "trustedPersonName");

        Map<String, Object> woman = RequestFixtures.headCt("IPP-9", "PATIENT_SIGNED");
        woman.put("sex", "F");
        woman.put("birthDate", "1995-01-01");
        assertField(h.physician().post("/api/requests", woman), "pregnancy");

        Map<String, Object> tooLong = RequestFixtures.headCt("IPP-9", "PATIENT_SIGNED");
        tooLong.put("clinicalContext", "x".repeat(4001));
        assertField(h.physician().post("/api/requests", tooLong), "clinicalContext");

        assertThat(h.physician().post("/api/requests", "{\"patientId\": ").status()).isEqualTo(400);
        assertThat(jdbc.sql("select count(*) from exam_request where hospital_id = :h").param("h", h.id())
                .query(Long.class).single()).isEqualTo(before);
    }

    @Test
    void theRequestApiIsDocumentedInOpenApi() {
        ApiClient.Response docs = admin().get("/v3/api-docs");
        assertThat(docs.status()).isEqualTo(200);
        assertThat(docs.json().get("paths").has("/api/requests")).isTrue();
        assertThat(docs.json().get("paths").has("/api/requests/{id}/accept")).isTrue();
        assertThat(docs.json().get("paths").has("/api/unmatched/{examId}/attach")).isTrue();
    }

    @Test
    void onlyPhysiciansFileAndOnlyRadiologistsDecide() {
        Hospital h = hospital();
        ApiClient technologist = as(createAccount(Role.HOSPITAL_TECHNOLOGIST, h.id()));
        assertThat(technologist.post("/api/requests", RequestFixtures.headCt("IPP-10", "PATIENT_SIGNED")).status())
                .isEqualTo(403);
        long id = RequestFixtures.file(h.physician(), RequestFixtures.headCt("IPP-10", "PATIENT_SIGNED")).get("id").asLong();
        assertThat(h.physician().post("/api/requests/" + id + "/accept", Map.of("text", "x")).status()).isEqualTo(403);
        assertThat(technologist.get("/api/requests/" + id).status()).isEqualTo(200);
    }

    @Test
    void aConsentScanMustBeWhatItsTypeSays() {
        Hospital h = hospital();
        long id = RequestFixtures.file(h.physician(), RequestFixtures.headCt("IPP-11", "PATIENT_SIGNED")).get("id").asLong();

        assertThat(h.physician().putBytes("/api/requests/" + id + "/consent/document", "application/pdf",
                "%PDF-1.4 minimal".getBytes()).status()).isEqualTo(204);
        ApiClient.Response fake = h.physician().putBytes("/api/requests/" + id + "/consent/document", "application/pdf",
                "<html>not a pdf</html>".getBytes());
        assertThat(fake.status()).isEqualTo(400);
        assertThat(jdbc.sql("select count(*) from consent_event where exam_id = :id and document_key is not null")
                .param("id", id).query(Integer.class).single()).isEqualTo(1);
    }

    private GeneratedStudy send(Hospital h, SyntheticCt.StudySpec spec) throws Exception {
        GeneratedStudy study = SyntheticCt.generate(spec, work.resolve("s" + spec.seed()));
        Dcmtk.Result sent = Dcmtk.storescu(dicomDoor.port(), h.ae(), "RELAIS", study.files());
        assertThat(sent.exitCode()).as(sent.output()).isZero();
        return study;
    }

    private String state(long examId) {
        return jdbc.sql("select state from exam where id = :id").param("id", examId).query(String.class).single();
    }

    private List<String> events(long examId) {
        return jdbc.sql("select to_state from exam_event where exam_id = :id order by id").param("id", examId)
                .query(String.class).list();
    }

    private List<String> objectKeys(long examId) {
        return objectKeysOfExamStudy(examId);
    }

    private List<String> objectKeysOfExamStudy(long examId) {
        return jdbc.sql("""
                select i.object_key from instance i join series se on se.id = i.series_id
                join exam e on e.study_id = se.study_id where e.id = :id""").param("id", examId).query(String.class).list();
    }

    private void awaitState(long examId, String wanted) {
        Await.until("exam " + examId + " in state " + wanted, () -> state(examId), wanted::equals);
    }

    private static JsonNode awaitUnmatched(ApiClient coordinator, String studyUid) {
        return Await.until("study " + studyUid + " listed as unmatched", () -> {
            for (JsonNode n : coordinator.get("/api/unmatched").json()) {
                if (studyUid.equals(n.get("studyInstanceUid").asText())) {
                    return n;
                }
            }
            return null;
        }, n -> true);
    }

    private static void assertField(ApiClient.Response response, String field) {
        assertThat(response.status()).as(response.body()).isEqualTo(400);
        assertThat(response.contentType()).startsWith("application/problem+json");
        assertThat(response.body()).contains(field);
    }
}
