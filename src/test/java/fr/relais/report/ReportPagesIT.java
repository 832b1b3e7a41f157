package fr.relais.report;

import fr.relais.BaseIntegrationTest;
import fr.relais.Browser;
import fr.relais.security.Role;
import fr.relais.storage.Sealer;
import fr.relais.worklist.WorklistService;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static fr.relais.report.ReportFixtures.draft;
import static org.assertj.core.api.Assertions.assertThat;

/** The report pages over HTTP: the editor, its refusals, addenda, the hospital portal and its download. */
class ReportPagesIT extends BaseIntegrationTest {

    @Autowired
    Sealer sealer;

    @Autowired
    WorklistService worklist;

    private ReportFixtures fixtures;
    private long hospital;
    private long center;
    private TestAccount physician;
    private TestAccount radiologist;

    @BeforeEach
    void setUp() {
        fixtures = new ReportFixtures(jdbc, sealer, worklist);
        hospital = createHospital(unique("CH Pages CR"), uniqueAeTitle("PCR"));
        center = fixtures.center(unique("Centre Pages CR"));
        physician = createAccount(Role.HOSPITAL_PHYSICIAN, hospital);
        radiologist = createAccount(Role.RADIOLOGIST, null);
        fixtures.onDuty(radiologist.id(), hospital, center);
    }

    private long claimedExam() {
        long exam = fixtures.readyExam(hospital, physician.id(), Instant.now().minus(Duration.ofMinutes(10)));
        ReportFixtures.claim(as(radiologist), exam);
        return exam;
    }

    private Browser loggedIn(TestAccount account) {
        return browser().loggedInAs(account.username(), account.password());
    }

    private static List<Map.Entry<String, String>> sections(String version, String findings, String conclusion) {
        List<Map.Entry<String, String>> form = new ArrayList<>();
        form.add(Map.entry("version", version));
        form.add(Map.entry("indication", "Chute"));
        form.add(Map.entry("technique", "Crâne sans injection"));
        form.add(Map.entry("findings", findings));
        form.add(Map.entry("conclusion", conclusion));
        return form;
    }

    @Test
    void theEditorShowsTheRequestTheTemplateAndThePhrasesOfTheExamsRegion() {
        long exam = claimedExam();

        String page = loggedIn(radiologist).get("/reading/exams/" + exam + "/report").body();

        assertThat(page).contains("Scanner cérébral sans injection", "Dr Test", "0559000000",
                "Pas d’hémorragie intra- ou extra-axiale.", "Pas d’anomalie intracrânienne aiguë.",
                "Rédigé à partir du modèle", "data-draft-url=\"/reading/exams/" + exam + "/report/draft\"");
        // Head phrases, not abdominal ones; every critical category.
        assertThat(page).contains(">Hématome sous-dural<", ">Pas d’anomalie aiguë<").doesNotContain(">Pneumopéritoine<");
        assertThat(page).contains("value=\"PULMONARY_EMBOLISM\"", ">embolie pulmonaire<", ">fracture instable<");
        // One editor on the page, one script.
        assertThat(page.split("id=\"report-form\"", -1)).hasSize(2);
        assertThat(page.split("/js/report-editor.js", -1)).hasSize(2);
    }

    @Test
    void aRadiologistWhoDoesNotHoldTheExamGetsNoEditor() {
        long exam = claimedExam();
        TestAccount colleague = createAccount(Role.RADIOLOGIST, null);
        fixtures.onDuty(colleague.id(), hospital, center);

        assertThat(loggedIn(colleague).get("/reading/exams/" + exam + "/report").statusCode()).isEqualTo(404);
        assertThat(loggedIn(physician).get("/reading/exams/" + exam + "/report").statusCode()).isEqualTo(403);
    }

    @Test
    void aCriticalReportSignedFromThePageWithoutTheCallIsRefusedInWordsAndKeepsTheText() {
        long exam = claimedExam();
        Browser page = loggedIn(radiologist);
        page.get("/reading/exams/" + exam + "/report");
        List<Map.Entry<String, String>> form = sections("0", "Hématome sous-dural aigu droit.", "Hématome sous-dural.");
        form.add(Map.entry("critical", "true"));
        form.add(Map.entry("criticalCategory", "HAEMORRHAGE"));

        HttpResponse<String> refused = page.postForm("/reading/exams/" + exam + "/report/sign", form);

        assertThat(refused.statusCode()).isEqualTo(200);
        assertThat(refused.body()).contains("Un résultat critique se signe avec l’appel documenté",
                "Hématome sous-dural aigu droit.");
        assertThat(jdbc.sql("select state from exam where id = :id").param("id", exam).query(String.class).single())
                .isEqualTo("IN_READING");

        List<Map.Entry<String, String>> withTask = sections("1", "Hématome sous-dural aigu droit.", "Hématome sous-dural.");
        withTask.add(Map.entry("critical", "true"));
        withTask.add(Map.entry("criticalCategory", "HAEMORRHAGE"));
        withTask.add(Map.entry("callbackMode", "TASK"));
        HttpResponse<String> signed = page.postForm("/reading/exams/" + exam + "/report/sign", withTask);
        assertThat(signed.statusCode()).as(signed.body()).isEqualTo(302);
        assertThat(jdbc.sql("""
                select t.state from callback_task t join report r on r.id = t.report_id where r.exam_id = :id""")
                .param("id", exam).query(String.class).single()).isEqualTo("OPEN");
    }

    @Test
    void theSignedReportPageShowsTheReportAndTakesAnAddendum() {
        long exam = claimedExam();
        as(radiologist).put("/api/exams/" + exam + "/report", draft(0, "Pas d’hémorragie.", "Normal."));
        as(radiologist).post("/api/exams/" + exam + "/report/sign", Map.of("version", 1));
        Browser page = loggedIn(radiologist);

        String signed = page.get("/reading/exams/" + exam + "/report").body();
        assertThat(signed).contains("report-document", "Signé par Test Radiologist", "id=\"addendum-form\"")
                .doesNotContain("id=\"report-form\"", "/js/report-editor.js");

        HttpResponse<String> added = page.postForm("/reading/exams/" + exam + "/report/addenda",
                List.of(Map.entry("text", "Lame sous-durale frontale gauche de 2 mm.")));
        assertThat(added.statusCode()).isEqualTo(302);
        assertThat(page.get("/reading/exams/" + exam + "/report").body())
                .contains("Addendum signé.", "Lame sous-durale frontale gauche de 2 mm.", "Addendum de Test Radiologist");
    }

    @Test
    void theHospitalPortalShowsTheSignedReportWithADownloadAndAuditsEachOpening() {
        long exam = claimedExam();
        Browser portal = loggedIn(physician);
        assertThat(portal.get("/portal/requests/" + exam).body()).doesNotContain("report-download");
        assertThat(portal.get("/portal/requests/" + exam + "/report.txt").statusCode()).isEqualTo(404);

        as(radiologist).put("/api/exams/" + exam + "/report", draft(0, "Pas d’hémorragie.", "Pas d’anomalie aiguë."));
        as(radiologist).post("/api/exams/" + exam + "/report/sign", Map.of("version", 1));

        String page = portal.get("/portal/requests/" + exam).body();
        assertThat(page).contains("id=\"report-download\"", "Pas d’anomalie aiguë.", "Signé par Test Radiologist",
                "Compte rendu signé");
        HttpResponse<String> file = portal.get("/portal/requests/" + exam + "/report.txt");
        assertThat(file.statusCode()).isEqualTo(200);
        assertThat(file.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
        assertThat(file.headers().firstValue("Content-Disposition").orElse("")).contains("attachment", ".txt");
        assertThat(file.body()).contains("CONCLUSION\nPas d’anomalie aiguë.");
        assertThat(jdbc.sql("""
                select count(*) from audit_event where object = :o and actor = :u and action in ('REPORT_OPENED', 'REPORT_DOWNLOADED')""")
                .param("o", "exam:" + exam).param("u", physician.username()).query(Long.class).single()).isEqualTo(2);

        long otherHospital = createHospital(unique("CH Pages autre"), uniqueAeTitle("PCO"));
        TestAccount outsider = createAccount(Role.HOSPITAL_PHYSICIAN, otherHospital);
        Browser elsewhere = loggedIn(outsider);
        assertThat(elsewhere.get("/portal/requests/" + exam).statusCode()).isEqualTo(404);
        assertThat(elsewhere.get("/portal/requests/" + exam + "/report.txt").statusCode()).isEqualTo(404);
    }
}
