package fr.relais.reading;

import fr.relais.BaseIntegrationTest;
import fr.relais.Browser;
import fr.relais.reading.ReadableStudies.ReadyExam;
import fr.relais.security.Role;
import fr.relais.sim.SyntheticCt;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The viewer page over HTTP: who opens it (the claim holder, a coordinator, an admin), who gets the
 * 404 page (another radiologist, a hospital user), what it hands to the viewer, and its audit.
 */
class ViewerPageIT extends BaseIntegrationTest {

    @TempDir
    static Path work;

    private record Setup(ReadyExam exam, long hospital, long center, String ae, TestAccount physician,
                         TestAccount holder, TestAccount other) {}

    private static Setup setup;

    @BeforeEach
    void claimedExam() throws Exception {
        if (setup != null) {
            return;
        }
        String ae = uniqueAeTitle("VW");
        long hospital = createHospital(unique("CH Visionneuse"), ae);
        TestAccount physician = createAccount(Role.HOSPITAL_PHYSICIAN, hospital);
        TestAccount holder = createAccount(Role.RADIOLOGIST, null);
        TestAccount other = createAccount(Role.RADIOLOGIST, null);
        ReadyExam exam = ReadableStudies.sendReadyExam(jdbc, dicomDoor.port(), ae, as(physician), as(holder), "IPP-VW-1",
                SyntheticCt.StudySpec.builder().slices(2).rows(64).columns(64).seed(601), work.resolve("s601"));
        long center = ReadableStudies.center(jdbc, unique("Centre Visionneuse"));
        for (TestAccount r : List.of(holder, other)) {
            ReadableStudies.onDuty(jdbc, r.id(), hospital, center);
        }
        assertThat(as(holder).post("/api/worklist/" + exam.examId() + "/claim", null).status()).isEqualTo(200);
        setup = new Setup(exam, hospital, center, ae, physician, holder, other);
    }

    private String viewerPath() {
        return "/reading/exams/" + setup.exam().examId() + "/viewer";
    }

    private Browser loggedIn(TestAccount account) {
        return browser().loggedInAs(account.username(), account.password());
    }

    private int audits(String action, String actor) {
        return jdbc.sql("select count(*) from audit_event where action = :a and actor = :u")
                .param("a", action).param("u", actor).query(Integer.class).single();
    }

    @Test
    void theHolderOpensTheViewerWithThePatientAndStudyFromTheIndexAndTheOpeningIsAudited() {
        int before = audits("STUDY_OPENED", setup.holder().username());

        HttpResponse<String> page = loggedIn(setup.holder()).get(viewerPath());

        assertThat(page.statusCode()).isEqualTo(200);
        String html = page.body();
        assertThat(html).contains("data-exam-id=\"" + setup.exam().examId() + "\"",
                "data-study-uid=\"" + setup.exam().study().studyInstanceUid() + "\"",
                "data-patient-name=\"MARTIN Paul\"", "data-patient-id=\"IPP-VW-1\"", "data-patient-sex=\"Homme\"",
                "data-patient-birth-date=\"14/03/1950\"", "data-exam-type=\"Scanner cérébral sans injection\"",
                "data-holder=\"true\"", "data-dicomweb=\"/dicomweb\"", "data-api=\"/api\"");
        assertThat(html).containsPattern("data-patient-age=\"\\d+ ans\"");
        assertThat(html).containsPattern("data-hospital=\"CH Visionneuse \\d+\"");
        assertThat(html).containsPattern("data-study-date=\"\\d{2}/\\d{2}/\\d{4}\"");
        assertThat(html).containsPattern("data-accession=\"[A-Z0-9]+\"");
        assertThat(html).contains("src=\"/viewer/viewer.js\"", "href=\"/viewer/viewer.css\"", "id=\"report-panel\"",
                "name=\"_csrf\"");
        assertThat(audits("STUDY_OPENED", setup.holder().username())).isEqualTo(before + 1);
        assertThat(jdbc.sql("""
                select detail from audit_event where action = 'STUDY_OPENED' and actor = :u order by id desc limit 1""")
                .param("u", setup.holder().username()).query(String.class).single())
                .isEqualTo("viewer, exam " + setup.exam().examId());
    }

    @Test
    void anotherRadiologistAndAHospitalUserGetTheNotFoundPageAndTheAttemptIsAudited() {
        TestAccount sameHospitalTechnologist = createAccount(Role.HOSPITAL_TECHNOLOGIST, setup.hospital());
        for (TestAccount stranger : List.of(setup.other(), setup.physician(), sameHospitalTechnologist)) {
            int denied = audits("VIEWER_DENIED", stranger.username());
            int opened = audits("STUDY_OPENED", stranger.username());
            HttpResponse<String> page = loggedIn(stranger).get(viewerPath());
            assertThat(page.statusCode()).as(stranger.role().name()).isEqualTo(404);
            assertThat(page.body()).doesNotContain("MARTIN", "data-study-uid", "viewer.js");
            assertThat(audits("VIEWER_DENIED", stranger.username())).as(stranger.role().name()).isEqualTo(denied + 1);
            assertThat(audits("STUDY_OPENED", stranger.username())).isEqualTo(opened);
        }
        // An exam that does not exist answers the same, without an audit line about it.
        assertThat(loggedIn(setup.other()).get("/reading/exams/999999999/viewer").statusCode()).isEqualTo(404);
        // Nobody logged in is sent to the login page.
        HttpResponse<String> anonymous = browser().get(viewerPath());
        assertThat(anonymous.statusCode()).isEqualTo(302);
        assertThat(anonymous.headers().firstValue("Location").orElse("")).endsWith("/login");
    }

    @Test
    void aCoordinatorAndAnAdministratorMayOpenItWithoutHoldingTheClaim() {
        TestAccount coordinator = createAccount(Role.COORDINATOR, null);
        HttpResponse<String> page = loggedIn(coordinator).get(viewerPath());
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("data-holder=\"false\"", "data-patient-name=\"MARTIN Paul\"");
        assertThat(audits("STUDY_OPENED", coordinator.username())).isEqualTo(1);
        assertThat(browser().loggedInAs("admin", ADMIN_PASSWORD).get(viewerPath()).statusCode()).isEqualTo(200);
    }

    @Test
    void takingAnExamOnTheWorklistPageLeadsToItsViewerAndMyExamsOfferToOpenIt() throws Exception {
        ReadyExam next = ReadableStudies.sendReadyExam(jdbc, dicomDoor.port(), setup.ae(), as(setup.physician()),
                as(setup.other()), "IPP-VW-2", SyntheticCt.StudySpec.builder().slices(1).rows(64).columns(64).seed(602),
                work.resolve("s602"));
        Browser other = loggedIn(setup.other());
        assertThat(other.get("/worklist").body()).contains("data-exam-id=\"" + next.examId() + "\"");

        HttpResponse<String> claimed = other.postForm("/worklist/" + next.examId() + "/claim", List.of());

        assertThat(claimed.statusCode()).isEqualTo(302);
        String viewer = "/reading/exams/" + next.examId() + "/viewer";
        assertThat(claimed.headers().firstValue("Location").orElse("")).endsWith(viewer);
        String page = other.get(viewer).body();
        assertThat(page).contains("Vous lisez l’examen " + accession(next.examId()) + ".",
                "data-study-uid=\"" + next.study().studyInstanceUid() + "\"");
        assertThat(other.get("/worklist").body()).contains("href=\"" + viewer + "\"", ">Ouvrir</a>");
        // The first holder's exam is still not the second radiologist's to open.
        assertThat(other.get(viewerPath()).statusCode()).isEqualTo(404);
    }

    /** The accession number pages name the exam by. */
    private String accession(long examId) {
        return jdbc.sql("select accession_number from exam_request where exam_id = :e").param("e", examId)
                .query(String.class).single();
    }
}
