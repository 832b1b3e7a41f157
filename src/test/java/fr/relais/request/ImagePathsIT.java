package fr.relais.request;

import com.fasterxml.jackson.databind.JsonNode;
import fr.relais.ApiClient;
import fr.relais.BaseIntegrationTest;
import fr.relais.reading.ReadableStudies;
import fr.relais.security.Role;
import fr.relais.sim.SyntheticCt;
import fr.relais.sim.SyntheticCt.GeneratedStudy;
import fr.relais.support.Await;
import fr.relais.support.Dcmtk;
import fr.relais.support.ImageSweep;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.springframework.beans.factory.annotation.Autowired;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The night's real paths of images (issue 18), through the doors a hospital uses (C-STORE with
 * DCMTK, STOW-RS over HTTP): images before the acceptance, before the request, under another
 * patient's identity, and a second person under the same patient ID. After each scenario the
 * database is swept: no acknowledged image is left where no screen shows it.
 */
class ImagePathsIT extends BaseIntegrationTest {

    private static final String BOUNDARY = "paths-boundary";

    /** How the scanner sends. */
    enum Door { DICOM, STOW }

    private record Hospital(long id, String ae, ApiClient physician, ApiClient technologist) {}

    @TempDir
    Path work;

    @Autowired
    HeldStudies held;

    private final List<Long> hospitals = new ArrayList<>();

    @AfterEach
    void noAcknowledgedImageIsLost() {
        ImageSweep.assertNothingLost(jdbc, hospitals.stream().mapToLong(Long::longValue).toArray());
    }

    // ---- images before the acceptance ------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(Door.class)
    void aP1SentBeforeAcceptanceIsReadyInTheWorklistWithinSecondsOfTheAcceptanceWithNoCoordinator(Door door)
            throws Exception {
        Hospital h = hospital();
        Map<String, Object> request = RequestFixtures.headCt(unique("IPP-P1"), "VITAL_EMERGENCY_WAIVER");
        request.put("urgency", "P1");
        request.put("consentJustification", "Patient inconscient, pas de proche joignable");
        JsonNode filed = RequestFixtures.file(h.physician(), request);
        long id = filed.get("id").asLong();
        ApiClient radiologist = onDutyRadiologist(h);

        GeneratedStudy study = send(door, h, RequestFixtures.studyFor(filed).slices(2).rows(64).columns(64).seed(1801));

        // Held with the request, unseen: neither unmatched nor readable before the regulator decides.
        awaitHeld(id);
        assertThat(state(id)).isEqualTo("REQUESTED");
        ApiClient coordinator = as(createAccount(Role.COORDINATOR, null));
        assertThat(unmatchedFor(coordinator, study.studyInstanceUid())).isEmpty();
        assertThat(coordinator.get("/dicomweb/studies/" + study.studyInstanceUid() + "/metadata").status()).isEqualTo(404);
        assertThat(h.physician().get("/api/requests/" + id).json().get("instanceCount").asInt()).isEqualTo(2);

        Instant accepted = Instant.now();
        RequestFixtures.accept(jdbc, radiologist, id);

        Await.until("exam " + id + " in the worklist", () -> worklistIds(radiologist), ids -> ids.contains(id));
        assertThat(Duration.between(accepted, Instant.now())).isLessThan(Duration.ofSeconds(10));
        assertThat(state(id)).isEqualTo("READY");
        assertThat(events(id)).containsExactly("REQUESTED", "PROTOCOLED", "ACQUIRING", "READY");
        assertThat(actors(id)).doesNotContain(coordinator.username());
    }

    @Test
    void aStudyMatchedByPatientWhileTheRegulatorAsksForInformationWaitsAndGoesOnWithTheAcceptance() throws Exception {
        Hospital h = hospital();
        JsonNode filed = RequestFixtures.file(h.physician(), RequestFixtures.headCt(unique("IPP-INFO"), "PATIENT_SIGNED"));
        long id = filed.get("id").asLong();
        ApiClient radiologist = onDutyRadiologist(h);
        assertThat(radiologist.post("/api/requests/" + id + "/ask", Map.of("text", "Heure de la chute ?")).status())
                .isEqualTo(200);

        // The hospital's RIS numbered the study itself: it matches by patient ID and modality.
        send(Door.DICOM, h, RequestFixtures.studyFor(filed).accession("RIS-0042").slices(2).rows(64).columns(64).seed(1812));

        awaitHeld(id);
        assertThat(state(id)).isEqualTo("INFO_NEEDED");
        assertThat(h.physician().post("/api/requests/" + id + "/answer", Map.of("text", "Vers 21 h")).status())
                .isEqualTo(200);
        assertThat(state(id)).isEqualTo("REQUESTED");
        RequestFixtures.accept(jdbc, radiologist, id);
        Await.until("exam " + id + " in the worklist", () -> worklistIds(radiologist), ids -> ids.contains(id));
        assertThat(events(id)).containsExactly("REQUESTED", "INFO_NEEDED", "REQUESTED", "PROTOCOLED", "ACQUIRING", "READY");
    }

    @Test
    void imagesHeldWithARefusedRequestGoToTheUnmatchedList() throws Exception {
        Hospital h = hospital();
        JsonNode filed = RequestFixtures.file(h.physician(), RequestFixtures.headCt(unique("IPP-REF"), "PATIENT_SIGNED"));
        long id = filed.get("id").asLong();
        GeneratedStudy study = send(Door.STOW, h, RequestFixtures.studyFor(filed).slices(2).rows(64).columns(64).seed(1802));
        awaitHeld(id);
        ApiClient radiologist = as(createAccount(Role.RADIOLOGIST, null));
        RequestFixtures.authoriseFor(jdbc, radiologist.username(), id);

        ApiClient.Response refused = radiologist.post("/api/requests/" + id + "/refuse", Map.of("text", "Non indiqué"));

        assertThat(refused.status()).as(refused.body()).isEqualTo(200);
        assertThat(state(id)).isEqualTo("REFUSED");
        assertThat(studyOf(id)).isNull();
        JsonNode unmatched = unmatchedFor(as(createAccount(Role.COORDINATOR, null)), study.studyInstanceUid()).get(0);
        assertThat(unmatched.get("instanceCount").asInt()).isEqualTo(2);
        assertThat(unmatched.get("patientId").asText()).isEqualTo(filed.get("patientId").asText());
    }

    @Test
    void imagesHeldWithARequestWhoseConsentNeverComesGoToTheUnmatchedListAfterTheDelay() throws Exception {
        Hospital h = hospital();
        JsonNode filed = RequestFixtures.file(h.physician(), RequestFixtures.headCt(unique("IPP-NOC"), "PENDING"));
        long id = filed.get("id").asLong();
        GeneratedStudy study = send(Door.STOW, h, RequestFixtures.studyFor(filed).slices(1).rows(64).columns(64).seed(1813));
        awaitHeld(id);

        held.releaseExpired(Instant.now().plus(Duration.ofHours(23)));
        assertThat(studyOf(id)).as("still within the delay").isNotNull();

        held.releaseExpired(Instant.now().plus(Duration.ofHours(25)));

        assertThat(studyOf(id)).isNull();
        assertThat(state(id)).isEqualTo("REQUESTED");
        assertThat(unmatchedFor(as(createAccount(Role.COORDINATOR, null)), study.studyInstanceUid())).hasSize(1);
    }

    @Test
    void imagesOfACancelledRequestGoToTheUnmatchedList() throws Exception {
        Hospital h = hospital();
        JsonNode filed = RequestFixtures.file(h.physician(), RequestFixtures.headCt(unique("IPP-CAN"), "PATIENT_SIGNED"));
        long id = filed.get("id").asLong();
        RequestFixtures.accept(jdbc, as(createAccount(Role.RADIOLOGIST, null)), id);
        GeneratedStudy study = send(Door.DICOM, h, RequestFixtures.studyFor(filed).slices(2).rows(64).columns(64).seed(1803));
        awaitState(id, "READY");

        assertThat(h.physician().post("/api/requests/" + id + "/cancel", null).status()).isEqualTo(200);

        assertThat(state(id)).isEqualTo("CANCELLED");
        assertThat(unmatchedFor(as(createAccount(Role.COORDINATOR, null)), study.studyInstanceUid())).hasSize(1);
    }

    // ---- images before the request ---------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(Door.class)
    void aStudyBeforeItsRequestIsTakenByPatientIdWhenTheRequestIsFiled(Door door) throws Exception {
        Hospital h = hospital();
        String patientId = unique("IPP-EARLY");
        Map<String, Object> request = RequestFixtures.headCt(patientId, "PATIENT_SIGNED");
        GeneratedStudy study = send(door, h, SyntheticCt.StudySpec.builder().slices(2).rows(64).columns(64).seed(1804)
                .patientId(patientId).patientName("MARTIN^Paul").birthDate(LocalDate.parse("1950-03-14")).sex("M")
                .accession("HOSP-RIS-7"));
        ApiClient coordinator = as(createAccount(Role.COORDINATOR, null));
        long placeholder = Await.until("the early study unmatched", () -> unmatchedFor(coordinator, study.studyInstanceUid()),
                list -> !list.isEmpty()).get(0).get("examId").asLong();

        long id = RequestFixtures.file(h.physician(), request).get("id").asLong();

        assertThat(studyOf(id)).isNotNull();
        assertThat(state(placeholder)).isEqualTo("CANCELLED");
        assertThat(unmatchedFor(coordinator, study.studyInstanceUid())).isEmpty();
        ApiClient radiologist = onDutyRadiologist(h);
        RequestFixtures.accept(jdbc, radiologist, id);
        Await.until("exam " + id + " in the worklist", () -> worklistIds(radiologist), ids -> ids.contains(id));
    }

    // ---- identity --------------------------------------------------------------------------------

    /** MARTIN Jeanne, F, 1941, is filed; the scanner sends ROUX^ALAIN, M, 2008 under her accession number. */
    private record Mismatch(Hospital hospital, JsonNode filed, long id, GeneratedStudy study, TestAccount coordinatorAccount,
                            TestAccount radiologistAccount, ApiClient coordinator, ApiClient radiologist) {}

    private Mismatch rouxUnderMartinsAccession(Door door, int seed) throws Exception {
        Hospital h = hospital();
        Map<String, Object> request = RequestFixtures.headCt(unique("IPP-MARTIN"), "PATIENT_SIGNED");
        request.put("familyName", "MARTIN");
        request.put("givenName", "Jeanne");
        request.put("birthDate", "1941-02-03");
        request.put("sex", "F");
        JsonNode filed = RequestFixtures.file(h.physician(), request);
        long id = filed.get("id").asLong();
        TestAccount radiologist = onDuty(h);
        RequestFixtures.accept(jdbc, as(radiologist), id);
        GeneratedStudy study = send(door, h, SyntheticCt.StudySpec.builder().slices(2).rows(64).columns(64).seed(seed)
                .patientId(unique("IPP-ROUX")).patientName("ROUX^ALAIN").birthDate(LocalDate.parse("2008-05-12")).sex("M")
                .accession(filed.get("accessionNumber").asText()));
        awaitState(id, "MISMATCHED");
        TestAccount coordinator = createAccount(Role.COORDINATOR, null);
        return new Mismatch(h, filed, id, study, coordinator, radiologist, as(coordinator), as(radiologist));
    }

    @ParameterizedTest
    @EnumSource(Door.class)
    void theRouxStudyUnderMartinsAccessionIsHeldAndAConfirmationSendsItOnShowingBothIdentities(Door door)
            throws Exception {
        Mismatch m = rouxUnderMartinsAccession(door, 1805);

        // Held, audited, and never given to a reader silently.
        assertThat(jdbc.sql("select count(*) from audit_event where action = 'IDENTITY_MISMATCH' and object = :o")
                .param("o", "exam:" + m.id()).query(Integer.class).single()).isEqualTo(1);
        assertThat(worklistIds(m.radiologist())).doesNotContain(m.id());
        assertThat(m.radiologist().post("/api/worklist/" + m.id() + "/claim", null).status()).isNotEqualTo(200);
        JsonNode held = mismatchFor(m.coordinator(), m.id());
        assertThat(StreamSupport.stream(held.get("differences").spliterator(), false).map(JsonNode::asText))
                .containsExactly("patientId", "name", "birthDate", "sex");
        assertThat(held.at("/images/name").asText()).isEqualTo("ROUX^ALAIN");
        assertThat(held.at("/request/name").asText()).isEqualTo("MARTIN Jeanne");
        String page = browser().loggedInAs(m.coordinatorAccount().username(), m.coordinatorAccount().password())
                .get("/coordination/unmatched").body();
        assertThat(page).contains("mismatch-" + m.id()).contains("ROUX ALAIN").contains("MARTIN Jeanne")
                .contains("12/05/2008").contains("03/02/1941");

        ApiClient.Response confirmed = m.coordinator().post("/api/mismatches/" + m.id() + "/confirm", null);

        assertThat(confirmed.status()).as(confirmed.body()).isEqualTo(200);
        Await.until("exam " + m.id() + " in the worklist", () -> worklistIds(m.radiologist()), ids -> ids.contains(m.id()));
        assertThat(events(m.id())).containsExactly("REQUESTED", "PROTOCOLED", "MISMATCHED", "ACQUIRING", "READY");
        assertThat(jdbc.sql("select count(*) from audit_event where action = 'IDENTITY_CONFIRMED' and object = :o")
                .param("o", "exam:" + m.id()).query(Integer.class).single()).isEqualTo(1);
        // The reader sees the images' own identity, and the request's beside it.
        assertThat(m.radiologist().post("/api/worklist/" + m.id() + "/claim", null).status()).isEqualTo(200);
        String viewer = browser().loggedInAs(m.radiologistAccount().username(), m.radiologistAccount().password())
                .get("/reading/exams/" + m.id() + "/viewer").body();
        assertThat(viewer).contains("data-patient-name=\"ROUX ALAIN\"").contains("id=\"identity-differs\"")
                .contains("MARTIN Jeanne");
    }

    @ParameterizedTest
    @EnumSource(Door.class)
    void theRouxStudyDetachedGoesToTheUnmatchedListAndTheRequestTakesItsOwnImages(Door door) throws Exception {
        Mismatch m = rouxUnderMartinsAccession(door, 1806);

        ApiClient.Response detached = m.coordinator().post("/api/mismatches/" + m.id() + "/detach", null);

        assertThat(detached.status()).as(detached.body()).isEqualTo(200);
        assertThat(detached.json().get("patientName").asText()).isEqualTo("ROUX ALAIN");
        assertThat(detached.json().get("birthDate").asText()).isEqualTo("2008-05-12");
        assertThat(detached.json().get("sex").asText()).isEqualTo("M");
        assertThat(state(m.id())).isEqualTo("PROTOCOLED");
        assertThat(studyOf(m.id())).isNull();
        assertThat(unmatchedFor(m.coordinator(), m.study().studyInstanceUid())).hasSize(1);
        assertThat(jdbc.sql("select count(*) from audit_event where action = 'IDENTITY_DETACHED' and object = :o")
                .param("o", "exam:" + m.id()).query(Integer.class).single()).isEqualTo(1);

        send(door, m.hospital(), RequestFixtures.studyFor(m.filed()).slices(2).rows(64).columns(64).seed(1807));
        Await.until("exam " + m.id() + " in the worklist", () -> worklistIds(m.radiologist()), ids -> ids.contains(m.id()));
    }

    // ---- one patient ID, two people ----------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(Door.class)
    void aSecondStudyUnderTheSamePatientIdShowsItsOwnNameAndIsNoPriorOfTheOtherPerson(Door door) throws Exception {
        Hospital h = hospital();
        String sharedId = unique("IPP-SHARED");
        ApiClient radiologist = onDutyRadiologist(h);
        long dupont = readyExam(door, h, radiologist, sharedId, "DUPONT", "Marie", "1950-06-01", "F", 1808);
        long leroy = readyExam(door, h, radiologist, sharedId, "LEROY", "Paul", "1980-01-15", "M", 1809);
        ApiClient coordinator = as(createAccount(Role.COORDINATOR, null));

        assertThat(patientNameInMetadata(coordinator, leroy)).isEqualTo("LEROY^Paul");
        assertThat(patientNameInMetadata(coordinator, dupont)).isEqualTo("DUPONT^Marie");
        TestAccount coordinatorAccount = createAccount(Role.COORDINATOR, null);
        assertThat(browser().loggedInAs(coordinatorAccount.username(), coordinatorAccount.password())
                .get("/reading/exams/" + leroy + "/viewer").body())
                .contains("data-patient-name=\"LEROY Paul\"").doesNotContain("DUPONT").doesNotContain("identity-differs");

        // Mme Dupont's study is no prior of M. Leroy's; her own next study has it as its prior.
        assertThat(radiologist.post("/api/worklist/" + leroy + "/claim", null).status()).isEqualTo(200);
        assertThat(radiologist.get("/api/exams/" + leroy + "/priors").json()).isEmpty();
        assertThat(radiologist.post("/api/worklist/" + leroy + "/release", null).status()).isEqualTo(204);
        long dupontAgain = readyExam(door, h, radiologist, sharedId, "Dupont", "MARIE", "1950-06-01", "F", 1810);
        assertThat(radiologist.post("/api/worklist/" + dupontAgain + "/claim", null).status()).isEqualTo(200);
        JsonNode priors = radiologist.get("/api/exams/" + dupontAgain + "/priors").json();
        assertThat(StreamSupport.stream(priors.spliterator(), false).map(p -> p.get("examId").asLong()))
                .containsExactly(dupont);
    }

    // ---- the sweep itself ------------------------------------------------------------------------------

    @Test
    void theSweepFindsImagesThatAClosedExamHoldsAndNoScreenShows() throws Exception {
        Hospital h = hospital();
        GeneratedStudy study = send(Door.DICOM, h, SyntheticCt.StudySpec.builder().slices(1).rows(64).columns(64).seed(1811));
        ApiClient coordinator = as(createAccount(Role.COORDINATOR, null));
        long examId = Await.until("the study unmatched", () -> unmatchedFor(coordinator, study.studyInstanceUid()),
                list -> !list.isEmpty()).get(0).get("examId").asLong();
        assertThat(ImageSweep.lostImages(jdbc, h.id())).isEmpty();

        // As a cancellation left them before: the exam closed, its images still indexed, on no screen.
        jdbc.sql("update exam set state = 'CANCELLED' where id = :id").param("id", examId).update();
        try {
            assertThat(ImageSweep.lostImages(jdbc, h.id())).singleElement()
                    .satisfies(lost -> assertThat(lost.exams()).isEqualTo(examId + ":CANCELLED"));
        } finally {
            jdbc.sql("update exam set state = 'UNMATCHED' where id = :id").param("id", examId).update();
        }
    }

    // ---- helpers -----------------------------------------------------------------------------------

    private Hospital hospital() {
        String ae = uniqueAeTitle("PATH");
        long id = createHospital(unique("CH Chemins"), ae);
        hospitals.add(id);
        return new Hospital(id, ae, as(createAccount(Role.HOSPITAL_PHYSICIAN, id)),
                as(createAccount(Role.HOSPITAL_TECHNOLOGIST, id)));
    }

    /** A radiologist authorised for the hospital and on a seat, who regulates and reads. */
    private TestAccount onDuty(Hospital h) {
        TestAccount account = createAccount(Role.RADIOLOGIST, null);
        ReadableStudies.onDuty(jdbc, account.id(), h.id(), ReadableStudies.center(jdbc, unique("Centre Chemins")));
        return account;
    }

    private ApiClient onDutyRadiologist(Hospital h) {
        return as(onDuty(h));
    }

    private long readyExam(Door door, Hospital h, ApiClient radiologist, String patientId, String family, String given,
                           String birth, String sex, int seed) throws Exception {
        Map<String, Object> request = RequestFixtures.headCt(patientId, "PATIENT_SIGNED");
        request.put("familyName", family);
        request.put("givenName", given);
        request.put("birthDate", birth);
        request.put("sex", sex);
        if ("F".equals(sex)) {
            request.put("pregnancy", "NOT_PREGNANT");
        }
        JsonNode filed = RequestFixtures.file(h.physician(), request);
        long id = filed.get("id").asLong();
        RequestFixtures.accept(jdbc, radiologist, id);
        send(door, h, RequestFixtures.studyFor(filed).slices(1).rows(64).columns(64).seed(seed));
        awaitState(id, "READY");
        return id;
    }

    private GeneratedStudy send(Door door, Hospital h, SyntheticCt.Builder spec) throws Exception {
        GeneratedStudy study = SyntheticCt.generate(spec.build(), Files.createTempDirectory(work, "study"));
        if (door == Door.DICOM) {
            Dcmtk.Result sent = Dcmtk.storescu(dicomDoor.port(), h.ae(), "RELAIS", study.files());
            assertThat(sent.exitCode()).as(sent.output()).isZero();
        } else {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            for (Path file : study.files()) {
                body.writeBytes(("--" + BOUNDARY + "\r\nContent-Type: application/dicom\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                body.writeBytes(Files.readAllBytes(file));
                body.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
            }
            body.writeBytes(("--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.US_ASCII));
            ApiClient.Response stored = h.technologist().postBytes("/dicomweb/studies",
                    "multipart/related; type=\"application/dicom\"; boundary=" + BOUNDARY, body.toByteArray());
            assertThat(stored.status()).as(stored.body()).isEqualTo(200);
        }
        return study;
    }

    private void awaitHeld(long id) {
        Await.until("images held with request " + id, () -> studyOf(id), study -> true);
    }

    private void awaitState(long id, String state) {
        Await.until("exam " + id + " " + state, () -> state(id), state::equals);
    }

    private String state(long id) {
        return ReadableStudies.state(jdbc, id);
    }

    private Long studyOf(long id) {
        return jdbc.sql("select study_id from exam where id = :id").param("id", id).query(Long.class).optional().orElse(null);
    }

    private List<String> events(long id) {
        return jdbc.sql("select to_state from exam_event where exam_id = :id order by at, id").param("id", id)
                .query(String.class).list();
    }

    private List<String> actors(long id) {
        return jdbc.sql("select actor from exam_event where exam_id = :id").param("id", id).query(String.class).list();
    }

    private List<Long> worklistIds(ApiClient radiologist) {
        return StreamSupport.stream(radiologist.get("/api/worklist").json().spliterator(), false)
                .map(row -> row.get("examId").asLong()).toList();
    }

    private List<JsonNode> unmatchedFor(ApiClient coordinator, String studyUid) {
        return StreamSupport.stream(coordinator.get("/api/unmatched").json().spliterator(), false)
                .filter(u -> studyUid.equals(u.get("studyInstanceUid").asText())).toList();
    }

    private JsonNode mismatchFor(ApiClient coordinator, long examId) {
        return StreamSupport.stream(coordinator.get("/api/mismatches").json().spliterator(), false)
                .filter(m -> m.get("examId").asLong() == examId).findFirst().orElseThrow();
    }

    private String patientNameInMetadata(ApiClient coordinator, long examId) {
        String uid = jdbc.sql("select s.study_uid from exam e join study s on s.id = e.study_id where e.id = :id")
                .param("id", examId).query(String.class).single();
        return coordinator.get("/dicomweb/studies/" + uid + "/metadata").json().get(0).at("/00100010/Value/0/Alphabetic")
                .asText();
    }
}
