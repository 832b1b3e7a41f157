package fr.relais.worklist;

import fr.relais.BaseIntegrationTest;
import fr.relais.Browser;
import fr.relais.exam.ExamReady;
import fr.relais.request.Urgency;
import fr.relais.security.Role;
import fr.relais.storage.Sealer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The worklist pages over HTTP: the radiologist's /worklist and the coordinator's /coordination/worklist. */
class WorklistPagesIT extends BaseIntegrationTest {

    @Autowired
    WorklistService worklist;

    @Autowired
    Sealer sealer;

    private WorklistFixtures fixtures;
    private long hospital;
    private long center;
    private String centerName;
    private TestAccount physician;

    @BeforeEach
    void setUp() {
        fixtures = new WorklistFixtures(jdbc, sealer);
        // A hospital of its own: no other test's exams in these queues.
        hospital = createHospital(unique("CH Pages WL"), uniqueAeTitle("PW"));
        centerName = unique("Centre Pages");
        center = fixtures.center(centerName, 7);
        physician = createAccount(Role.HOSPITAL_PHYSICIAN, hospital);
    }

    private TestAccount radiologistOnDuty() {
        TestAccount r = createAccount(Role.RADIOLOGIST, null);
        fixtures.authorise(r.id(), hospital);
        fixtures.checkIn(r.id(), center);
        return r;
    }

    private long ready(Urgency urgency, Instant readyAt) {
        long id = fixtures.readyExam(hospital, physician.id(), urgency, readyAt);
        worklist.onReady(new ExamReady(id, hospital, 0, readyAt));
        return id;
    }

    private Browser loggedIn(TestAccount account) {
        return browser().loggedInAs(account.username(), account.password());
    }

    /** The part of the page between two markers, e.g. the "Mes examens" region. */
    private static String region(String page, String id) {
        int start = page.indexOf("id=\"" + id + "\"");
        assertThat(start).as("region " + id).isNotNegative();
        int end = page.indexOf("</section>", start);
        return page.substring(start, end < 0 ? page.length() : end);
    }

    private static String followed(Browser browser, HttpResponse<String> redirect) {
        assertThat(redirect.statusCode()).isEqualTo(302);
        String location = redirect.headers().firstValue("Location").orElseThrow();
        return browser.get(location.replaceFirst("^https?://[^/]+", "")).body();
    }

    @Test
    void eachRoleSeesItsOwnWorklistPageAndNoOther() {
        TestAccount radiologist = radiologistOnDuty();
        TestAccount coordinator = createAccount(Role.COORDINATOR, null);
        Browser r = loggedIn(radiologist);
        Browser c = loggedIn(coordinator);
        Browser doctor = loggedIn(physician);

        assertThat(r.get("/worklist").statusCode()).isEqualTo(200);
        assertThat(r.get("/coordination/worklist").statusCode()).isEqualTo(403);
        assertThat(c.get("/coordination/worklist").statusCode()).isEqualTo(200);
        assertThat(c.get("/worklist").statusCode()).isEqualTo(403);
        assertThat(browser().loggedInAs("admin", ADMIN_PASSWORD).get("/coordination/worklist").statusCode()).isEqualTo(200);
        assertThat(doctor.get("/worklist").statusCode()).isEqualTo(403);
        assertThat(doctor.get("/coordination/worklist").statusCode()).isEqualTo(403);
        assertThat(r.get("/").body()).contains("href=\"/worklist\"", "Liste de travail").doesNotContain("/coordination/worklist");
        assertThat(c.get("/").body()).contains("href=\"/coordination/worklist\"", "Supervision");
    }

    @Test
    void aRadiologistNotOnASeatIsToldSoAndSentToThePresencePage() {
        ready(Urgency.P1, Instant.now());
        TestAccount offDuty = createAccount(Role.RADIOLOGIST, null);
        fixtures.authorise(offDuty.id(), hospital);

        String page = loggedIn(offDuty).get("/worklist").body();
        assertThat(page).contains("id=\"not-checked-in\"", "Vous n’êtes pas en poste", "href=\"/presence\"")
                .doesNotContain("data-exam-id=", "id=\"next-form\"", "data-live=");
    }

    @Test
    void theRowsComeInQueueOrderWithTheirClassClocksAndNoPatientName() {
        Instant now = Instant.now();
        long deferrable = ready(Urgency.P3, now.minus(Duration.ofMinutes(70)));   // deadline 10 min ago: late
        long urgent = ready(Urgency.P2, now);
        long vital = ready(Urgency.P1, now);
        TestAccount radiologist = radiologistOnDuty();

        String page = loggedIn(radiologist).get("/worklist").body();
        int d = page.indexOf("data-exam-id=\"" + deferrable + "\"");
        int v = page.indexOf("data-exam-id=\"" + vital + "\"");
        int u = page.indexOf("data-exam-id=\"" + urgent + "\"");
        assertThat(d).isPositive();
        assertThat(d).isLessThan(v);
        assertThat(v).isLessThan(u);
        assertThat(page).contains("data-live=\"/live/worklist\"", "Suivant", "Prendre", "Mes examens",
                "class=\"wl-red\"", "class=\"wl-orange\"", "class=\"wl-grey\"", "data-deadline=\"", "data-since=\"",
                "clock sla late", "86 ans", "Femme")
                .doesNotContain("NOMPATIENT", "Zephyrine");
    }

    @Test
    void takingAnExamThroughTheFormPutsItUnderMyExamsAndASecondTakerIsToldItIsGone() {
        long exam = ready(Urgency.P2, Instant.now());
        TestAccount first = radiologistOnDuty();
        TestAccount second = radiologistOnDuty();
        Browser one = loggedIn(first);
        Browser two = loggedIn(second);
        assertThat(one.get("/worklist").body()).contains("data-exam-id=\"" + exam + "\"");
        assertThat(two.get("/worklist").body()).contains("data-exam-id=\"" + exam + "\"");

        // Taking it leads to its viewer, which says so.
        String viewer = followed(one, one.postForm("/worklist/" + exam + "/claim", List.of()));
        assertThat(viewer).contains("Vous lisez l’examen " + accession(exam) + ".", "id=\"viewer\"");
        String after = one.get("/worklist").body();
        assertThat(region(after, "mine-region")).contains("data-mine-id=\"" + exam + "\"");
        assertThat(after).doesNotContain("data-exam-id=\"" + exam + "\"");

        // The second radiologist's page still shows it (no reload); taking it is refused, in words.
        String refused = followed(two, two.postForm("/worklist/" + exam + "/claim", List.of()));
        assertThat(refused).contains("class=\"failure\"", "Cet examen n’est plus disponible.");
        assertThat(region(refused, "mine-region")).doesNotContain("data-mine-id=\"" + exam + "\"");

        // "Je suis toujours là" keeps it; only its holder may say so.
        assertThat(followed(one, one.postForm("/worklist/" + exam + "/activity", List.of())))
                .contains("L’examen " + accession(exam) + " vous reste attribué.");
        assertThat(followed(two, two.postForm("/worklist/" + exam + "/activity", List.of())))
                .contains("class=\"failure\"", "Vous ne détenez pas l’examen n°");

        // Giving it back puts it in the queue again.
        String released = followed(one, one.postForm("/worklist/" + exam + "/release", List.of()));
        assertThat(released).contains("L’examen " + accession(exam) + " est retourné dans la file.")
                .contains("data-exam-id=\"" + exam + "\"");
    }

    @Test
    void nextTakesTheTopExamAndSaysSoWhenThereIsNothingLeft() {
        long urgent = ready(Urgency.P2, Instant.now());
        long vital = ready(Urgency.P1, Instant.now());
        TestAccount radiologist = radiologistOnDuty();
        Browser b = loggedIn(radiologist);
        b.get("/worklist");

        // Each exam taken opens in the viewer; the nothing-left notice stays on the worklist.
        HttpResponse<String> taken = b.postForm("/worklist/next", List.of());
        assertThat(taken.headers().firstValue("Location").orElse("")).endsWith("/reading/exams/" + vital + "/viewer");
        assertThat(followed(b, taken)).contains("Vous lisez l’examen " + accession(vital) + ".");
        taken = b.postForm("/worklist/next", List.of());
        assertThat(taken.headers().firstValue("Location").orElse("")).endsWith("/reading/exams/" + urgent + "/viewer");
        followed(b, taken);
        assertThat(region(b.get("/worklist").body(), "mine-region"))
                .contains("data-mine-id=\"" + vital + "\"", "data-mine-id=\"" + urgent + "\"");
        String page = followed(b, b.postForm("/worklist/next", List.of()));
        assertThat(page).contains("Aucun examen à prendre pour l’instant.");
        // Without the CSRF token, refused.
        assertThat(b.postRaw("/worklist/next", List.of()).statusCode()).isEqualTo(403);
    }

    @Test
    void theCoordinatorSeesWhoReadsWhatAndReassignsThroughTheForm() {
        long exam = ready(Urgency.P1, Instant.now());
        TestAccount reader = radiologistOnDuty();
        TestAccount other = radiologistOnDuty();
        TestAccount notAuthorised = createAccount(Role.RADIOLOGIST, null);
        fixtures.checkIn(notAuthorised.id(), center);
        worklist.claim(exam, new fr.relais.security.AccountPrincipal(reader.id(), reader.username(), "x",
                Role.RADIOLOGIST, null, "Test Radiologist", true, false), "test");
        Browser c = loggedIn(createAccount(Role.COORDINATOR, null));

        String page = c.get("/coordination/worklist").body();
        assertThat(page).contains("data-live=\"/live/worklist\"", centerName, "Postes occupés : 3 / 7");
        String row = page.substring(page.indexOf("data-exam-id=\"" + exam + "\""));
        row = row.substring(0, row.indexOf("</tr>"));
        assertThat(row).contains("data-state=\"IN_READING\"", "Test Radiologist", "Remettre dans la file",
                "value=\"" + other.id() + "\"").doesNotContain("value=\"" + notAuthorised.id() + "\"",
                "value=\"" + reader.id() + "\"");

        String after = followed(c, c.postForm("/coordination/worklist/" + exam + "/reassign",
                List.of(Map.entry("toUserId", String.valueOf(other.id())))));
        assertThat(after).contains("L’examen " + accession(exam) + " a été confié.");
        assertThat(region(loggedIn(other).get("/worklist").body(), "mine-region")).contains("data-mine-id=\"" + exam + "\"");

        after = followed(c, c.postForm("/coordination/worklist/" + exam + "/release", List.of()));
        assertThat(after).contains("L’examen " + accession(exam) + " est retourné dans la file.");
        assertThat(loggedIn(reader).get("/worklist").body()).contains("data-exam-id=\"" + exam + "\"");

        // A radiologist not authorised for the hospital: refused, in words.
        after = followed(c, c.postForm("/coordination/worklist/" + exam + "/reassign",
                List.of(Map.entry("toUserId", String.valueOf(notAuthorised.id())))));
        assertThat(after).contains("class=\"failure\"", "pas en poste ou pas habilité");
    }

    /** The accession number pages name the exam by. */
    private String accession(long examId) {
        return jdbc.sql("select accession_number from exam_request where exam_id = :e").param("e", examId)
                .query(String.class).single();
    }
}
