package fr.relais.request;

import com.fasterxml.jackson.databind.JsonNode;
import fr.relais.ApiClient;
import fr.relais.BaseIntegrationTest;
import fr.relais.intake.RetentionPurge;
import fr.relais.reading.ReadableStudies;
import fr.relais.report.ReportFixtures;
import fr.relais.security.Role;
import fr.relais.sim.SyntheticCt;
import fr.relais.sim.SyntheticCt.GeneratedStudy;
import fr.relais.storage.ObjectStore;
import fr.relais.support.Await;
import fr.relais.support.Dcmtk;
import fr.relais.support.ImageSweep;
import fr.relais.support.Stow;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.transaction.support.TransactionTemplate;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Late and re-sent images (issue 18, item 4), sent as a hospital sends them (DCMTK's storescu,
 * STOW-RS over HTTP) into a study already received: after the signature they raise a task for the
 * report's author that ends with an addendum or "nothing new"; after a rejection or a purge they
 * open a new unmatched exam; a cancelled request's images stay on the unmatched list; a study
 * complete and then growing keeps them in its exam. After each scenario the database is swept.
 */
public class LateImagesIT extends BaseIntegrationTest {

    /** A late-image task accounts for the instances of its study that arrived within its span. */
    public static final String ACCOUNTED_BY_TASK = """
            exists (select 1 from late_image_task t where t.study_id = s.id
                    and i.received_at between t.first_arrival_at and t.last_arrival_at)""";

    enum Door { DICOM, STOW }

    private record Hospital(long id, String ae, ApiClient physician, ApiClient technologist) {}

    private record Signed(Hospital hospital, long examId, GeneratedStudy study, TestAccount author) {}

    @TempDir
    Path work;

    @Autowired
    RetentionPurge retention;
    @Autowired
    ObjectStore store;
    @Autowired
    TransactionTemplate tx;
    @Autowired
    DataSource dataSource;

    private final List<Long> hospitals = new ArrayList<>();

    @BeforeAll
    static void tasksAccountForLateImages() {
        ImageSweep.alsoAccountedBy(ACCOUNTED_BY_TASK);
    }

    @AfterEach
    void noAcknowledgedImageIsLost() {
        ImageSweep.assertNothingLost(jdbc, hospitals.stream().mapToLong(Long::longValue).toArray());
    }

    // ---- after the signature -----------------------------------------------------------------------

    @Test
    void imagesAfterTheSignatureRaiseATaskForTheAuthorThatHisAddendumCloses() throws Exception {
        Signed s = signedExam(Door.DICOM, 2101);

        sendInto(Door.DICOM, s.hospital(), s.study().studyInstanceUid(), 2, 2102);

        ApiClient author = as(s.author());
        JsonNode task = Await.until("a late-image task for exam " + s.examId(), () -> openTasks(author, s.examId()),
                tasks -> !tasks.isEmpty()).get(0);
        assertThat(task.get("instanceCount").asInt()).isEqualTo(2);
        assertThat(task.get("state").asText()).isEqualTo("OPEN");
        assertThat(task.get("author").asText()).isEqualTo(s.author().username());
        assertThat(state(s.examId())).isEqualTo("REPORTED");
        assertThat(audits("LATE_IMAGES_TASK_OPENED", s.examId())).isEqualTo(1);
        // Another radiologist does not get it; a coordinator does, on the API and on the supervision page.
        assertThat(openTasks(as(createAccount(Role.RADIOLOGIST, null)), s.examId())).isEmpty();
        TestAccount coordinator = createAccount(Role.COORDINATOR, null);
        assertThat(openTasks(as(coordinator), s.examId())).hasSize(1);
        String supervision = browser().loggedInAs(coordinator.username(), coordinator.password())
                .get("/coordination/worklist").body();
        assertThat(supervision).contains("Images après compte rendu").contains("data-late-task-id=\"" + task.get("id").asLong() + "\"")
                .contains(s.author().username());
        String worklist = browser().loggedInAs(s.author().username(), s.author().password()).get("/worklist").body();
        assertThat(worklist).contains("Images après compte rendu").contains("data-late-task-id=\"" + task.get("id").asLong() + "\"")
                .contains("Ajouter un addendum").contains("Rien de nouveau");
        // The late images are the task's: without it, the sweep finds them on no screen.
        assertThat(lostWithoutTasks(s.hospital().id())).hasSize(2);

        ApiClient.Response addendum = author.post("/api/exams/" + s.examId() + "/report/addenda",
                Map.of("text", "Série complémentaire reçue après signature : pas de modification des conclusions."));

        assertThat(addendum.status()).as(addendum.body()).isEqualTo(201);
        assertThat(openTasks(author, s.examId())).isEmpty();
        JsonNode closed = allTasks(author, s.examId()).get(0);
        assertThat(closed.get("state").asText()).isEqualTo("ADDENDUM");
        assertThat(closed.get("closedBy").asText()).isEqualTo(s.author().username());
        assertThat(audits("LATE_IMAGES_ADDENDUM", s.examId())).isEqualTo(1);
        assertThat(instanceCount(s.examId())).isEqualTo(4);
    }

    @Test
    void imagesAfterTheSignatureEndWithNothingNewByTheAuthorAndNobodyElse() throws Exception {
        Signed s = signedExam(Door.STOW, 2111);

        sendInto(Door.STOW, s.hospital(), s.study().studyInstanceUid(), 1, 2112);

        ApiClient author = as(s.author());
        long taskId = Await.until("a late-image task for exam " + s.examId(), () -> openTasks(author, s.examId()),
                tasks -> !tasks.isEmpty()).get(0).get("id").asLong();
        // More of the same series: the one open task counts them.
        sendInto(Door.STOW, s.hospital(), s.study().studyInstanceUid(), 2, 2113);
        assertThat(openTasks(author, s.examId())).singleElement()
                .satisfies(t -> assertThat(t.get("instanceCount").asInt()).isEqualTo(3));
        ApiClient.Response stranger = as(createAccount(Role.RADIOLOGIST, null))
                .post("/api/late-image-tasks/" + taskId + "/nothing-new", null);
        assertThat(stranger.status()).isEqualTo(404);
        assertThat(stranger.contentType()).startsWith("application/problem+json");

        ApiClient.Response nothingNew = author.post("/api/late-image-tasks/" + taskId + "/nothing-new", null);

        assertThat(nothingNew.status()).as(nothingNew.body()).isEqualTo(200);
        assertThat(nothingNew.json().get("state").asText()).isEqualTo("NOTHING_NEW");
        assertThat(nothingNew.json().get("closedBy").asText()).isEqualTo(s.author().username());
        assertThat(openTasks(author, s.examId())).isEmpty();
        assertThat(audits("LATE_IMAGES_NOTHING_NEW", s.examId())).isEqualTo(1);
        ApiClient.Response again = author.post("/api/late-image-tasks/" + taskId + "/nothing-new", null);
        assertThat(again.status()).isEqualTo(409);
        assertThat(jdbc.sql("select count(*) from report_addendum d join report r on r.id = d.report_id where r.exam_id = :e")
                .param("e", s.examId()).query(Integer.class).single()).isZero();
    }

    @Test
    void aCoordinatorSaysNothingNewFromTheSupervisionPage() throws Exception {
        Signed s = signedExam(Door.DICOM, 2121);
        sendInto(Door.DICOM, s.hospital(), s.study().studyInstanceUid(), 1, 2122);
        TestAccount coordinator = createAccount(Role.COORDINATOR, null);
        long taskId = Await.until("a late-image task for exam " + s.examId(), () -> openTasks(as(coordinator), s.examId()),
                tasks -> !tasks.isEmpty()).get(0).get("id").asLong();

        var page = browser().loggedInAs(coordinator.username(), coordinator.password());
        assertThat(page.get("/coordination/worklist").body()).contains("data-late-task-id=\"" + taskId + "\"");
        var posted = page.postForm("/reading/late-images/" + taskId + "/nothing-new?back=supervision", List.of());

        assertThat(posted.statusCode()).isEqualTo(302);
        assertThat(posted.headers().firstValue("Location").orElse("")).endsWith("/coordination/worklist");
        assertThat(openTasks(as(coordinator), s.examId())).isEmpty();
        assertThat(allTasks(as(coordinator), s.examId()).get(0).get("closedBy").asText()).isEqualTo(coordinator.username());
        assertThat(page.get("/coordination/worklist").body()).doesNotContain("data-late-task-id=\"" + taskId + "\"");
    }

    // ---- after a rejection, a purge, a cancellation --------------------------------------------------

    @Test
    void imagesAfterARejectionOpenANewUnmatchedExam() throws Exception {
        Hospital h = hospital();
        GeneratedStudy study = send(Door.DICOM, h, SyntheticCt.StudySpec.builder().slices(2).rows(64).columns(64).seed(2131)
                .accession("RIS-INCONNU"));
        ApiClient coordinator = as(createAccount(Role.COORDINATOR, null));
        long rejectedExam = Await.until("the study unmatched", () -> unmatchedFor(coordinator, study.studyInstanceUid()),
                list -> !list.isEmpty()).get(0).get("examId").asLong();
        assertThat(coordinator.post("/api/unmatched/" + rejectedExam + "/reject", Map.of("text", "Patient d’un autre site"))
                .status()).isEqualTo(204);
        assertThat(instancesOfStudy(study.studyInstanceUid(), h.id())).isZero();

        List<String> late = sendInto(Door.DICOM, h, study.studyInstanceUid(), 2, 2132);

        JsonNode reopened = Await.until("the late images unmatched", () -> unmatchedFor(coordinator, study.studyInstanceUid()),
                list -> !list.isEmpty()).get(0);
        assertThat(reopened.get("examId").asLong()).isNotEqualTo(rejectedExam);
        assertThat(reopened.get("instanceCount").asInt()).isEqualTo(2);
        assertThat(state(rejectedExam)).isEqualTo("CANCELLED");
        assertThat(jdbc.sql("select count(*) from audit_event where action = 'LATE_IMAGES_UNMATCHED' and object = :o")
                .param("o", "exam:" + reopened.get("examId").asLong()).query(Integer.class).single()).isEqualTo(1);
        // Their files are kept: the rejection deleted only what it rejected.
        for (String key : objectKeys(study.studyInstanceUid(), h.id())) {
            assertThat(Files.exists(store.root().resolve(key))).as(key).isTrue();
        }
        assertThat(objectKeys(study.studyInstanceUid(), h.id())).hasSize(late.size());
    }

    /**
     * The race of issue 18: an image arriving while a coordinator rejects its study. The test holds
     * the exam's lock, so that the rejection waits for it, then the image waits behind the
     * rejection; released, the rejection deletes what it rejected and the image, indexed after it,
     * opens a new unmatched exam instead of being deleted with the rejected ones.
     */
    @Test
    void anImageArrivingDuringTheRejectionIsNeverDeletedWithTheRejectedOnes() throws Exception {
        Hospital h = hospital();
        GeneratedStudy study = send(Door.DICOM, h, SyntheticCt.StudySpec.builder().slices(2).rows(64).columns(64).seed(2191)
                .accession("RIS-COURSE"));
        ApiClient coordinator = as(createAccount(Role.COORDINATOR, null));
        long examId = Await.until("the study unmatched", () -> unmatchedFor(coordinator, study.studyInstanceUid()),
                list -> !list.isEmpty()).get(0).get("examId").asLong();
        List<Path> late = late(study.studyInstanceUid(), 1, 2192);
        ExecutorService background = Executors.newFixedThreadPool(2);
        try (Connection holder = dataSource.getConnection()) {
            holder.setAutoCommit(false);
            try (PreparedStatement lock = holder.prepareStatement("select id from exam where id = ? for update")) {
                lock.setLong(1, examId);
                lock.executeQuery().close();
            }
            Future<ApiClient.Response> rejected = background.submit(() ->
                    coordinator.post("/api/unmatched/" + examId + "/reject", Map.of("text", "Mauvais patient")));
            awaitWaitersOnExamLocks(1);
            Future<Dcmtk.Result> sent = background.submit(() -> Dcmtk.storescu(dicomDoor.port(), h.ae(), "RELAIS", late));
            awaitWaitersOnExamLocks(2);

            holder.rollback();

            assertThat(rejected.get(60, TimeUnit.SECONDS).status()).isEqualTo(204);
            Dcmtk.Result result = sent.get(60, TimeUnit.SECONDS);
            assertThat(result.exitCode()).as(result.output()).isZero();
        } finally {
            background.shutdownNow();
        }
        assertThat(state(examId)).isEqualTo("CANCELLED");
        JsonNode reopened = Await.until("the late image unmatched", () -> unmatchedFor(coordinator, study.studyInstanceUid()),
                list -> !list.isEmpty()).get(0);
        assertThat(reopened.get("instanceCount").asInt()).isEqualTo(1);
        assertThat(objectKeys(study.studyInstanceUid(), h.id())).singleElement()
                .satisfies(key -> assertThat(Files.exists(store.root().resolve(key))).isTrue());
    }

    /** Sessions waiting for a row lock on an exam (the rejection's, then the intake's). */
    private void awaitWaitersOnExamLocks(int waiters) {
        Await.until(waiters + " sessions waiting for the exam's lock", () -> jdbc.sql("""
                select count(*) from pg_stat_activity
                where wait_event_type = 'Lock' and query ilike '%from exam where%for update%'""")
                .query(Integer.class).single(), n -> n >= waiters);
    }

    @Test
    void imagesAfterAPurgeOpenANewUnmatchedExamAndWaitWhileThePurgeRuns() throws Exception {
        Signed s = signedExam(Door.STOW, 2141);
        jdbc.sql("update hospital set retention_days = 1 where id = :h").param("h", s.hospital().id()).update();

        // A purge under way: the images are refused for the moment, and nothing changes.
        jdbc.sql("update exam set purge_started_at = now() where id = :e").param("e", s.examId()).update();
        ApiClient.Response refused = Stow.store(s.hospital().technologist(), late(s.study().studyInstanceUid(), 1, 2142));
        assertThat(refused.status()).isNotEqualTo(200);
        assertThat(refused.body()).contains("being purged");
        assertThat(instanceCount(s.examId())).isEqualTo(2);
        jdbc.sql("update exam set purge_started_at = null where id = :e").param("e", s.examId()).update();

        RetentionPurge.Report purged = retention.purge(Instant.now().plus(Duration.ofDays(2)), false);
        assertThat(purged.exams()).isGreaterThanOrEqualTo(1);
        assertThat(state(s.examId())).isEqualTo("PURGED");
        // Back to the usual retention: the new unmatched exam is not for another test's purge.
        jdbc.sql("update hospital set retention_days = 90 where id = :h").param("h", s.hospital().id()).update();

        sendInto(Door.STOW, s.hospital(), s.study().studyInstanceUid(), 2, 2143);

        ApiClient coordinator = as(createAccount(Role.COORDINATOR, null));
        JsonNode reopened = Await.until("the late images unmatched", () -> unmatchedFor(coordinator,
                s.study().studyInstanceUid()), list -> !list.isEmpty()).get(0);
        assertThat(reopened.get("instanceCount").asInt()).isEqualTo(2);
        assertThat(state(s.examId())).isEqualTo("PURGED");
        // The report stays readable to its author after the purge.
        assertThat(as(s.author()).get("/api/exams/" + s.examId() + "/report").status()).isEqualTo(200);
    }

    @Test
    void anOpenTaskKeepsTheImagesFromTheRetentionUntilSomeoneDecides() throws Exception {
        Signed s = signedExam(Door.DICOM, 2151);
        jdbc.sql("update hospital set retention_days = 1 where id = :h").param("h", s.hospital().id()).update();
        sendInto(Door.DICOM, s.hospital(), s.study().studyInstanceUid(), 1, 2152);
        long taskId = Await.until("a late-image task", () -> openTasks(as(s.author()), s.examId()), t -> !t.isEmpty())
                .get(0).get("id").asLong();

        retention.purge(Instant.now().plus(Duration.ofDays(2)), false);
        assertThat(state(s.examId())).isEqualTo("REPORTED");
        assertThat(instanceCount(s.examId())).isEqualTo(3);

        assertThat(as(s.author()).post("/api/late-image-tasks/" + taskId + "/nothing-new", null).status()).isEqualTo(200);
        retention.purge(Instant.now().plus(Duration.ofDays(2)), false);
        assertThat(state(s.examId())).isEqualTo("PURGED");
    }

    @Test
    void imagesForACancelledRequestsExamStayOnTheUnmatchedList() throws Exception {
        Hospital h = hospital();
        ApiClient radiologist = as(onDuty(h));
        // Cancelled with its images: they went to the unmatched list, and the late ones join them there.
        JsonNode filed = RequestFixtures.file(h.physician(), RequestFixtures.headCt(unique("IPP-LCAN"), "PATIENT_SIGNED"));
        long id = filed.get("id").asLong();
        RequestFixtures.accept(jdbc, radiologist, id);
        GeneratedStudy study = send(Door.DICOM, h, RequestFixtures.studyFor(filed).slices(2).rows(64).columns(64).seed(2161));
        awaitState(id, "READY");
        assertThat(h.physician().post("/api/requests/" + id + "/cancel", null).status()).isEqualTo(200);

        sendInto(Door.DICOM, h, study.studyInstanceUid(), 2, 2162);

        ApiClient coordinator = as(createAccount(Role.COORDINATOR, null));
        assertThat(unmatchedFor(coordinator, study.studyInstanceUid())).singleElement()
                .satisfies(u -> assertThat(u.get("instanceCount").asInt()).isEqualTo(4));
        assertThat(state(id)).isEqualTo("CANCELLED");

        // Cancelled before any image came: its images, sent under its accession number, are unmatched.
        JsonNode early = RequestFixtures.file(h.physician(), RequestFixtures.headCt(unique("IPP-LCAN2"), "PATIENT_SIGNED"));
        long earlyId = early.get("id").asLong();
        assertThat(h.physician().post("/api/requests/" + earlyId + "/cancel", null).status()).isEqualTo(200);
        GeneratedStudy orphan = send(Door.STOW, h, RequestFixtures.studyFor(early).slices(1).rows(64).columns(64).seed(2163));
        assertThat(Await.until("the cancelled request's images unmatched", () -> unmatchedFor(coordinator,
                orphan.studyInstanceUid()), list -> !list.isEmpty())).hasSize(1);
        assertThat(state(earlyId)).isEqualTo("CANCELLED");
    }

    // ---- a study that grows after it was complete ---------------------------------------------------

    @Test
    void aStudyCompleteAfterTheStableWindowThatGrowsKeepsItsNewImagesInItsExam() throws Exception {
        Hospital h = hospital();
        ApiClient radiologist = as(onDuty(h));
        JsonNode filed = RequestFixtures.file(h.physician(), RequestFixtures.headCt(unique("IPP-GROW"), "PATIENT_SIGNED"));
        long id = filed.get("id").asLong();
        RequestFixtures.accept(jdbc, radiologist, id);
        GeneratedStudy study = send(Door.DICOM, h, RequestFixtures.studyFor(filed).slices(2).rows(64).columns(64).seed(2171));
        awaitState(id, "READY");

        sendInto(Door.STOW, h, study.studyInstanceUid(), 2, 2172);

        assertThat(state(id)).isEqualTo("READY");
        assertThat(instanceCount(id)).isEqualTo(4);
        ApiClient coordinator = as(createAccount(Role.COORDINATOR, null));
        assertThat(coordinator.get("/dicomweb/studies/" + study.studyInstanceUid() + "/metadata").json()).hasSize(4);
        // Taken and being read, it grows again: the images are the exam's (the viewer says so, ViewerNewImagesBrowserIT).
        ReportFixtures.claim(radiologist, id);
        sendInto(Door.DICOM, h, study.studyInstanceUid(), 1, 2173);
        assertThat(state(id)).isEqualTo("IN_READING");
        assertThat(instanceCount(id)).isEqualTo(5);
        assertThat(jdbc.sql("select count(*) from exam where study_id = (select study_id from exam where id = :e)")
                .param("e", id).query(Integer.class).single()).isEqualTo(1);
    }

    // ---- helpers ----------------------------------------------------------------------------------------

    private Hospital hospital() {
        String ae = uniqueAeTitle("LATE");
        long id = createHospital(unique("CH Tardives"), ae);
        hospitals.add(id);
        return new Hospital(id, ae, as(createAccount(Role.HOSPITAL_PHYSICIAN, id)),
                as(createAccount(Role.HOSPITAL_TECHNOLOGIST, id)));
    }

    private TestAccount onDuty(Hospital h) {
        TestAccount account = createAccount(Role.RADIOLOGIST, null);
        ReadableStudies.onDuty(jdbc, account.id(), h.id(), ReadableStudies.center(jdbc, unique("Centre Tardives")));
        return account;
    }

    /** A two-image exam read and signed through the API by a radiologist on duty. */
    private Signed signedExam(Door door, int seed) throws Exception {
        Hospital h = hospital();
        TestAccount author = onDuty(h);
        ApiClient reader = as(author);
        JsonNode filed = RequestFixtures.file(h.physician(), RequestFixtures.headCt(unique("IPP-LATE"), "PATIENT_SIGNED"));
        long id = filed.get("id").asLong();
        RequestFixtures.accept(jdbc, reader, id);
        GeneratedStudy study = send(door, h, RequestFixtures.studyFor(filed).slices(2).rows(64).columns(64).seed(seed));
        awaitState(id, "READY");
        ReportFixtures.claim(reader, id);
        ApiClient.Response saved = reader.put("/api/exams/" + id + "/report",
                ReportFixtures.draft(0, "Pas d’hémorragie.", "Pas d’anomalie intracrânienne aiguë."));
        assertThat(saved.status()).as(saved.body()).isEqualTo(200);
        ApiClient.Response signed = reader.post("/api/exams/" + id + "/report/sign",
                Map.of("version", saved.json().get("version").asInt()));
        assertThat(signed.status()).as(signed.body()).isEqualTo(200);
        assertThat(state(id)).isEqualTo("REPORTED");
        return new Signed(h, id, study, author);
    }

    /** New instances (a new series) of a study already received, as a technologist sends them late. */
    private List<Path> late(String studyUid, int slices, int seed) throws Exception {
        GeneratedStudy extra = SyntheticCt.generate(SyntheticCt.StudySpec.builder().slices(slices).rows(64).columns(64)
                .seed(seed).build(), Files.createTempDirectory(work, "late"));
        Dcmtk.intoStudy(studyUid, extra.files());
        return extra.files();
    }

    private List<String> sendInto(Door door, Hospital h, String studyUid, int slices, int seed) throws Exception {
        List<Path> files = late(studyUid, slices, seed);
        send(door, h, files);
        return files.stream().map(Path::toString).toList();
    }

    private GeneratedStudy send(Door door, Hospital h, SyntheticCt.Builder spec) throws Exception {
        GeneratedStudy study = SyntheticCt.generate(spec.build(), Files.createTempDirectory(work, "study"));
        send(door, h, study.files());
        return study;
    }

    private void send(Door door, Hospital h, List<Path> files) throws Exception {
        if (door == Door.DICOM) {
            Dcmtk.Result sent = Dcmtk.storescu(dicomDoor.port(), h.ae(), "RELAIS", files);
            assertThat(sent.exitCode()).as(sent.output()).isZero();
            assertThat(sent.output()).doesNotContain("Out of Resources");
        } else {
            ApiClient.Response stored = Stow.store(h.technologist(), files);
            assertThat(stored.status()).as(stored.body()).isEqualTo(200);
        }
    }

    private List<JsonNode> openTasks(ApiClient user, long examId) {
        return tasksOf(user.get("/api/late-image-tasks"), examId);
    }

    private List<JsonNode> allTasks(ApiClient user, long examId) {
        return tasksOf(user.get("/api/late-image-tasks?all=true"), examId);
    }

    private static List<JsonNode> tasksOf(ApiClient.Response response, long examId) {
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        return StreamSupport.stream(response.json().spliterator(), false)
                .filter(t -> t.get("examId").asLong() == examId).toList();
    }

    /** The sweep's answer as it would be with no task accounting for anything (rolled back). */
    private List<ImageSweep.LostImage> lostWithoutTasks(long hospitalId) {
        return tx.execute(status -> {
            jdbc.sql("delete from late_image_task where hospital_id = :h").param("h", hospitalId).update();
            List<ImageSweep.LostImage> lost = ImageSweep.lostImages(jdbc, hospitalId);
            status.setRollbackOnly();
            return lost;
        });
    }

    private List<JsonNode> unmatchedFor(ApiClient coordinator, String studyUid) {
        return StreamSupport.stream(coordinator.get("/api/unmatched").json().spliterator(), false)
                .filter(u -> studyUid.equals(u.get("studyInstanceUid").asText())).toList();
    }

    private void awaitState(long id, String state) {
        Await.until("exam " + id + " " + state, () -> state(id), state::equals);
    }

    private String state(long id) {
        return ReadableStudies.state(jdbc, id);
    }

    private int instanceCount(long examId) {
        return jdbc.sql("""
                select count(*) from instance i join series x on x.id = i.series_id
                join exam e on e.study_id = x.study_id where e.id = :e""")
                .param("e", examId).query(Integer.class).single();
    }

    private int instancesOfStudy(String studyUid, long hospitalId) {
        return objectKeys(studyUid, hospitalId).size();
    }

    private List<String> objectKeys(String studyUid, long hospitalId) {
        return jdbc.sql("""
                select i.object_key from instance i join series x on x.id = i.series_id join study s on s.id = x.study_id
                where s.study_uid = :uid and s.hospital_id = :h""")
                .param("uid", studyUid).param("h", hospitalId).query(String.class).list();
    }

    private int audits(String action, long examId) {
        return jdbc.sql("select count(*) from audit_event where action = :a and object = :o")
                .param("a", action).param("o", "exam:" + examId).query(Integer.class).single();
    }
}
