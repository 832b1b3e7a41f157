package fr.relais.report;

import fr.relais.BaseIntegrationTest;
import fr.relais.Browser;
import fr.relais.security.Role;
import fr.relais.storage.Sealer;
import fr.relais.ApiClient;
import fr.relais.worklist.WorklistService;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The requesting service is told: a signed report is new on every portal page of its hospital
 * until the user opens it; a critical result stays on top, and in the coordinators' list, until a
 * named person of that hospital acknowledges it (once, audited); nobody else can.
 */
class CriticalResultsIT extends BaseIntegrationTest {

    @Autowired
    Sealer sealer;

    @Autowired
    WorklistService worklist;

    /** What createAccount names a hospital physician. */
    private static final String PHYSICIAN_NAME = displayNameOf(Role.HOSPITAL_PHYSICIAN);

    private ReportFixtures fixtures;
    private long hospital;
    private TestAccount physician;
    private TestAccount radiologist;

    @BeforeEach
    void setUp() {
        fixtures = new ReportFixtures(jdbc, sealer, worklist);
        hospital = createHospital(unique("CH Critique"), uniqueAeTitle("CRIT"));
        physician = createAccount(Role.HOSPITAL_PHYSICIAN, hospital);
        radiologist = createAccount(Role.RADIOLOGIST, null);
        fixtures.onDuty(radiologist.id(), hospital, fixtures.center(unique("Centre critique")));
    }

    @Test
    void aCriticalResultIsOnEveryPortalPageUntilANamedPersonAcknowledgesIt() {
        long exam = signed(true);
        String accession = accession(exam);
        Browser portal = browser().loggedInAs(physician.username(), physician.password());

        String notices = portal.get("/portal/notices").body();
        assertThat(notices).contains("data-exam-id=\"" + exam + "\"", "data-critical=\"true\"", accession,
                "Résultat critique (hémorragie) à acquitter", "Voir et acquitter");
        assertThat(row(portal.get("/portal/requests").body(), exam)).contains("report-critical", "Résultat critique à acquitter");
        // Every portal page carries the notices region.
        assertThat(portal.get("/portal/technologist").body()).contains("id=\"portal-notices\"", "/js/notices.js");

        // The coordinators see it, with the number to call.
        TestAccount coordinator = createAccount(Role.COORDINATOR, null);
        assertThat(as(coordinator).get("/api/critical-results/unacknowledged").json().findValuesAsText("examId"))
                .contains(String.valueOf(exam));
        Browser coordination = browser().loggedInAs(coordinator.username(), coordinator.password());
        assertThat(coordination.get("/coordination/callbacks").body()).contains("Résultats critiques non acquittés", accession);

        // Opening the request does not acknowledge it: only the button does.
        String page = portal.get("/portal/requests/" + exam).body();
        assertThat(page).contains("id=\"acknowledge-critical\"", PHYSICIAN_NAME);
        assertThat(portal.get("/portal/notices").body()).contains("data-critical=\"true\"");

        // Another hospital's physician can neither see nor acknowledge it.
        TestAccount stranger = createAccount(Role.HOSPITAL_PHYSICIAN, createHospital(unique("CH Autre"), uniqueAeTitle("OTH")));
        assertThat(as(stranger).post(ackPath(exam), null).status()).isEqualTo(404);
        assertThat(acknowledgements(exam)).isZero();

        portal.get("/portal/requests/" + exam);
        assertThat(portal.postForm("/portal/requests/" + exam + "/critical-acknowledgement", List.of()).statusCode())
                .isEqualTo(302);

        assertThat(acknowledgements(exam)).isOne();
        assertThat(audited(exam)).isOne();
        assertThat(portal.get("/portal/requests/" + exam).body())
                .contains("Résultat critique acquitté par " + PHYSICIAN_NAME);
        assertThat(portal.get("/portal/notices").body()).doesNotContain("data-exam-id=\"" + exam + "\"");
        assertThat(row(portal.get("/portal/requests").body(), exam)).doesNotContain("report-critical");
        assertThat(as(coordinator).get("/api/critical-results/unacknowledged").json().findValuesAsText("examId"))
                .doesNotContain(String.valueOf(exam));
        // A second acknowledgement (another physician, the API) keeps the first.
        TestAccount colleague = createAccount(Role.HOSPITAL_PHYSICIAN, hospital);
        ApiClient.Response again = as(colleague).post(ackPath(exam), null);
        assertThat(again.status()).isEqualTo(200);
        assertThat(jdbc.sql("select a.acknowledged_by from critical_acknowledgement a join report r on r.id = a.report_id"
                + " where r.exam_id = :e").param("e", exam).query(Long.class).single()).isEqualTo(physician.id());
        assertThat(acknowledgements(exam)).isOne();
        assertThat(audited(exam)).isOne();
    }

    @Test
    void aSignedReportIsNewForEachUserUntilTheyOpenItAndANormalOneNeedsNoAcknowledgement() {
        long exam = signed(false);
        TestAccount colleague = createAccount(Role.HOSPITAL_PHYSICIAN, hospital);
        Browser portal = browser().loggedInAs(physician.username(), physician.password());

        assertThat(portal.get("/portal/notices").body()).contains("data-exam-id=\"" + exam + "\"", "data-critical=\"false\"",
                "Compte rendu signé");
        assertThat(row(portal.get("/portal/requests").body(), exam)).contains("report-new", "Nouveau compte rendu");
        assertThat(as(physician).post(ackPath(exam), null).status()).isEqualTo(409);

        portal.get("/portal/requests/" + exam);

        assertThat(portal.get("/portal/notices").body()).doesNotContain("data-exam-id=\"" + exam + "\"");
        assertThat(row(portal.get("/portal/requests").body(), exam)).doesNotContain("report-new");
        // Still new for the colleague who has not opened it.
        Browser other = browser().loggedInAs(colleague.username(), colleague.password());
        assertThat(other.get("/portal/notices").body()).contains("data-exam-id=\"" + exam + "\"");
    }

    /** An exam of the hospital, read and signed by the radiologist; critical with the call documented. */
    private long signed(boolean critical) {
        long exam = fixtures.readyExam(hospital, physician.id(), Instant.now().minus(Duration.ofMinutes(10)));
        ReportFixtures.claim(as(radiologist), exam);
        ReportFixtures.sign(as(radiologist), exam, critical);
        return exam;
    }

    private static String ackPath(long exam) {
        return "/api/exams/" + exam + "/report/critical-acknowledgement";
    }

    private String accession(long exam) {
        return jdbc.sql("select accession_number from exam_request where exam_id = :e").param("e", exam)
                .query(String.class).single();
    }

    private long acknowledgements(long exam) {
        return jdbc.sql("select count(*) from critical_acknowledgement a join report r on r.id = a.report_id where r.exam_id = :e")
                .param("e", exam).query(Long.class).single();
    }

    private long audited(long exam) {
        return jdbc.sql("select count(*) from audit_event where action = 'CRITICAL_RESULT_ACKNOWLEDGED' and object = :o")
                .param("o", "exam:" + exam).query(Long.class).single();
    }

    /** The table row of one request on the portal's list. */
    private static String row(String page, long exam) {
        int start = page.indexOf("data-exam-id=\"" + exam + "\"");
        assertThat(start).as("row of exam " + exam).isPositive();
        int open = page.lastIndexOf("<tr", start);
        return page.substring(open, page.indexOf("</tr>", start));
    }
}
