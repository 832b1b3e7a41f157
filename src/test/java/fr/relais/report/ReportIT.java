package fr.relais.report;

import com.fasterxml.jackson.databind.JsonNode;
import fr.relais.ApiClient;
import fr.relais.BaseIntegrationTest;
import fr.relais.Browser;
import fr.relais.platform.ForbiddenException;
import fr.relais.security.AccountPrincipal;
import fr.relais.security.AccountService;
import fr.relais.security.Role;
import fr.relais.storage.Sealer;
import fr.relais.worklist.WorklistService;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.dao.DataAccessException;
import org.springframework.test.context.event.ApplicationEvents;
import org.springframework.test.context.event.RecordApplicationEvents;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static fr.relais.report.ReportFixtures.draft;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The report's life over the API: drafts, signature, immutability, addenda, critical findings, hospital reads. */
@RecordApplicationEvents
class ReportIT extends BaseIntegrationTest {

    @Autowired
    Sealer sealer;

    @Autowired
    WorklistService worklist;

    @Autowired
    ReportService reports;

    @Autowired
    ReportSettings settings;

    @Autowired
    AccountService accounts;

    @Autowired
    ApplicationEvents events;

    private ReportFixtures fixtures;
    private long hospital;
    private long center;
    private TestAccount physician;
    private TestAccount radiologist;

    @BeforeEach
    void setUp() {
        fixtures = new ReportFixtures(jdbc, sealer, worklist);
        hospital = createHospital(unique("CH Compte rendu"), uniqueAeTitle("CR"));
        center = fixtures.center(unique("Centre CR"));
        physician = createAccount(Role.HOSPITAL_PHYSICIAN, hospital);
        radiologist = radiologistOnDuty();
    }

    private TestAccount radiologistOnDuty() {
        TestAccount r = createAccount(Role.RADIOLOGIST, null);
        fixtures.onDuty(r.id(), hospital, center);
        return r;
    }

    /** An exam whose first image came 14 minutes ago, claimed by the radiologist. */
    private long claimedExam() {
        long exam = fixtures.readyExam(hospital, physician.id(), Instant.now().minus(Duration.ofMinutes(14)));
        ReportFixtures.claim(as(radiologist), exam);
        return exam;
    }

    private static String path(long exam) {
        return "/api/exams/" + exam + "/report";
    }

    /** Saves a draft over version 0 and returns its version. */
    private int saved(long exam, Map<String, Object> draft) {
        ApiClient.Response response = as(radiologist).put(path(exam), draft);
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        return response.json().get("version").asInt();
    }

    private ApiClient.Response sign(long exam, int version, Map<String, Object> extra) {
        Map<String, Object> body = new LinkedHashMap<>(extra);
        body.put("version", version);
        return as(radiologist).post(path(exam) + "/sign", body);
    }

    private long signedExam() {
        long exam = claimedExam();
        int version = saved(exam, draft(0, "Pas d’hémorragie.", "Pas d’anomalie intracrânienne aiguë."));
        assertThat(sign(exam, version, Map.of()).status()).isEqualTo(200);
        return exam;
    }

    private Map<String, Object> criticalDraft(int version) {
        Map<String, Object> d = draft(version, "Hématome sous-dural aigu droit de 12 mm.", "Hématome sous-dural aigu.");
        d.put("critical", true);
        d.put("criticalCategory", "HAEMORRHAGE");
        return d;
    }

    private static Map<String, Object> call(boolean readBack) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("calledName", "Dr Urgentiste");
        c.put("calledPhone", "05 59 00 00 00");
        c.put("calledAt", OffsetDateTime.now(ZoneOffset.UTC).minusMinutes(2).toString());
        c.put("readBackConfirmed", readBack);
        return c;
    }

    private String examState(long exam) {
        return jdbc.sql("select state from exam where id = :id").param("id", exam).query(String.class).single();
    }

    private long audits(String action, long exam, String actor) {
        return jdbc.sql("select count(*) from audit_event where action = :a and object = :o and actor = :u")
                .param("a", action).param("o", "exam:" + exam).param("u", actor).query(Long.class).single();
    }

    private static void assertProblem(ApiClient.Response response, int status, String detailFragment) {
        assertThat(response.status()).as(response.body()).isEqualTo(status);
        assertThat(response.contentType()).startsWith("application/problem+json");
        assertThat(response.json().get("detail").asText()).contains(detailFragment);
    }

    // ---- drafts --------------------------------------------------------------------------------

    @Test
    void theClaimantGetsTheTemplatePrefilledFromTheRequestAndSavesDraftsWithVersions() {
        long exam = claimedExam();

        JsonNode proposal = as(radiologist).get(path(exam)).json();
        assertThat(proposal.get("version").asInt()).isZero();
        assertThat(proposal.get("state").asText()).isEqualTo("DRAFT");
        assertThat(proposal.get("indication").asText()).contains("Chute", "Question : Saignement ?");
        assertThat(proposal.get("technique").asText()).startsWith("Crâne sans injection\nAcquisition hélicoïdale");
        assertThat(proposal.get("findings").asText()).contains("Pas d’hémorragie intra- ou extra-axiale.");
        assertThat(proposal.get("conclusion").asText()).isEqualTo("Pas d’anomalie intracrânienne aiguë.");

        assertThat(saved(exam, draft(0, "Première version.", "Conclusion 1"))).isEqualTo(1);
        assertThat(saved(exam, draft(1, "Deuxième version.", "Conclusion 2"))).isEqualTo(2);

        // A tab still at version 1 cannot overwrite version 2.
        ApiClient.Response stale = as(radiologist).put(path(exam), draft(1, "Écrasement", "Écrasement"));
        assertProblem(stale, 409, "version 2");
        // Nor can a second "first save".
        assertThat(as(radiologist).put(path(exam), draft(0, "Encore", "Encore")).status()).isEqualTo(409);

        JsonNode stored = as(radiologist).get(path(exam)).json();
        assertThat(stored.get("version").asInt()).isEqualTo(2);
        assertThat(stored.get("findings").asText()).isEqualTo("Deuxième version.");
        assertThat(stored.get("authorName").asText()).isEqualTo("Test Radiologist");
        // Saving a draft is activity: the claim's idle clock started again.
        assertThat(jdbc.sql("select last_activity_at > claimed_at from exam where id = :id").param("id", exam)
                .query(Boolean.class).single()).isTrue();
    }

    @Test
    void onlyTheRadiologistHoldingTheClaimMayReadOrEditTheDraft() {
        long exam = claimedExam();
        saved(exam, draft(0, "Brouillon.", "Conclusion."));
        TestAccount colleague = radiologistOnDuty();
        TestAccount coordinator = createAccount(Role.COORDINATOR, null);

        assertProblem(as(colleague).get(path(exam)), 404, "n° " + exam);
        assertProblem(as(colleague).put(path(exam), draft(1, "Pris", "Pris")), 404, "Vous ne détenez pas l’examen");
        assertProblem(as(colleague).post(path(exam) + "/sign", Map.of("version", 1)), 404, "Vous ne détenez pas");
        // The hospital does not see a draft.
        assertThat(as(physician).get(path(exam)).status()).isEqualTo(404);
        // Coordinators read, they do not write.
        assertThat(as(coordinator).get(path(exam)).status()).isEqualTo(200);
        assertThat(as(coordinator).put(path(exam), draft(1, "X", "X")).status()).isEqualTo(403);

        assertThat(as(radiologist).get(path(exam)).json().get("findings").asText()).isEqualTo("Brouillon.");
    }

    // ---- signature -----------------------------------------------------------------------------

    @Test
    void signingMovesTheExamToReportedReleasesTheClaimAndRecordsTheTurnaround() {
        long exam = claimedExam();
        int version = saved(exam, draft(0, "Pas d’hémorragie.", "Pas d’anomalie intracrânienne aiguë."));

        ApiClient.Response signed = sign(exam, version, Map.of());

        assertThat(signed.status()).as(signed.body()).isEqualTo(200);
        assertThat(signed.json().get("state").asText()).isEqualTo("SIGNED");
        assertThat(signed.json().get("signedByName").asText()).isEqualTo("Test Radiologist");
        assertThat(examState(exam)).isEqualTo("REPORTED");
        assertThat(jdbc.sql("select claimed_by is null from exam where id = :id").param("id", exam)
                .query(Boolean.class).single()).isTrue();
        assertThat(jdbc.sql("select string_agg(action, ',' order by id) from claim_event where exam_id = :id")
                .param("id", exam).query(String.class).single()).isEqualTo("CLAIMED,REPORTED");
        assertThat(jdbc.sql("""
                select count(*) from exam_event where exam_id = :id and from_state = 'IN_READING' and to_state = 'REPORTED'
                  and actor = :actor""")
                .param("id", exam).param("actor", radiologist.username()).query(Long.class).single()).isEqualTo(1);
        assertThat(as(radiologist).get("/api/worklist/mine").json()).noneMatch(r -> r.get("examId").asLong() == exam);
        // First image 14 minutes before the signature.
        long turnaround = signed.json().get("turnaroundSeconds").asLong();
        assertThat(turnaround).isBetween(14 * 60L - 5, 14 * 60L + 60);
        assertThat(jdbc.sql("select turnaround_seconds from report where exam_id = :id").param("id", exam)
                .query(Long.class).single()).isEqualTo(turnaround);
        assertThat(audits("REPORT_SIGNED", exam, radiologist.username())).isEqualTo(1);
    }

    @Test
    void aSignatureNeedsTheVersionOfTheDraftAndAConclusion() {
        long exam = claimedExam();
        assertProblem(sign(exam, 0, Map.of()), 409, "enregistrez-le d’abord");
        int version = saved(exam, draft(0, "Des résultats.", "   "));

        assertProblem(sign(exam, version + 1, Map.of()), 409, "rechargez la page");
        ApiClient.Response empty = sign(exam, version, Map.of());
        assertProblem(empty, 400, "conclusion");
        assertThat(empty.json().get("errors").get(0).get("field").asText()).isEqualTo("conclusion");
        assertThat(examState(exam)).isEqualTo("IN_READING");
    }

    @Test
    void aSignedReportCannotBeChangedThroughTheApi() {
        long exam = signedExam();
        int version = as(radiologist).get(path(exam)).json().get("version").asInt();

        assertProblem(as(radiologist).put(path(exam), draft(version, "Modifié", "Modifié")), 409, "est signé");
        assertProblem(sign(exam, version, Map.of()), 409, "est signé");
        assertThat(as(radiologist).get(path(exam)).json().get("findings").asText()).isEqualTo("Pas d’hémorragie.");
    }

    @Test
    void theDatabaseRefusesAnUpdateOrDeleteOfASignedReportAndOfItsAddenda() {
        long exam = signedExam();
        assertThat(as(radiologist).post(path(exam) + "/addenda", Map.of("text", "Précision.")).status()).isEqualTo(201);

        assertThatThrownBy(() -> jdbc.sql("update report set findings = 'Falsifié' where exam_id = :id")
                .param("id", exam).update())
                .isInstanceOf(DataAccessException.class).hasMessageContaining("is signed");
        assertThatThrownBy(() -> jdbc.sql("update report set state = 'DRAFT', signed_at = null, signed_by = null where exam_id = :id")
                .param("id", exam).update())
                .isInstanceOf(DataAccessException.class).hasMessageContaining("is signed");
        assertThatThrownBy(() -> jdbc.sql("delete from report where exam_id = :id").param("id", exam).update())
                .isInstanceOf(DataAccessException.class).hasMessageContaining("cannot be deleted");
        assertThatThrownBy(() -> jdbc.sql("""
                update report_addendum set body = 'Falsifié'
                where report_id = (select id from report where exam_id = :id)""").param("id", exam).update())
                .isInstanceOf(DataAccessException.class).hasMessageContaining("cannot be changed");
        assertThatThrownBy(() -> jdbc.sql("""
                delete from report_addendum where report_id = (select id from report where exam_id = :id)""")
                .param("id", exam).update())
                .isInstanceOf(DataAccessException.class).hasMessageContaining("cannot be deleted");

        assertThat(jdbc.sql("select findings || '|' || state from report where exam_id = :id").param("id", exam)
                .query(String.class).single()).isEqualTo("Pas d’hémorragie.|SIGNED");
        assertThat(jdbc.sql("select body from report_addendum where report_id = (select id from report where exam_id = :id)")
                .param("id", exam).query(String.class).single()).isEqualTo("Précision.");
    }

    @Test
    void aDraftIsStillAnOrdinaryRowForTheDatabase() {
        long exam = claimedExam();
        saved(exam, draft(0, "Brouillon.", "Conclusion."));
        assertThat(jdbc.sql("update report set findings = 'Changé' where exam_id = :id").param("id", exam).update())
                .isEqualTo(1);
        // An addendum belongs to a signed report only.
        assertThatThrownBy(() -> jdbc.sql("""
                insert into report_addendum (report_id, body, author_id, signed_at)
                select id, 'x', author_id, now() from report where exam_id = :id""").param("id", exam).update())
                .isInstanceOf(DataAccessException.class).hasMessageContaining("is not signed");
    }

    @Test
    void correctionsAreSignedTimedAddendaThatTheHospitalSees() {
        long exam = claimedExam();
        saved(exam, draft(0, "Pas d’hémorragie.", "Normal."));
        assertProblem(as(radiologist).post(path(exam) + "/addenda", Map.of("text", "Trop tôt.")), 409, "modifiez le brouillon");
        assertThat(sign(exam, 1, Map.of()).status()).isEqualTo(200);

        ApiClient.Response added = as(radiologist).post(path(exam) + "/addenda",
                Map.of("text", "Petite lame d’hématome sous-dural frontal gauche, 3 mm, sans effet de masse."));

        assertThat(added.status()).as(added.body()).isEqualTo(201);
        assertThat(added.json().get("authorName").asText()).isEqualTo("Test Radiologist");
        assertThat(Instant.parse(added.json().get("signedAt").asText())).isBetween(Instant.now().minusSeconds(60), Instant.now());
        JsonNode seen = as(physician).get(path(exam)).json();
        assertThat(seen.get("addenda")).hasSize(1);
        assertThat(seen.get("addenda").get(0).get("body").asText()).startsWith("Petite lame");
        assertThat(audits("REPORT_ADDENDUM_SIGNED", exam, radiologist.username())).isEqualTo(1);
        // Another radiologist authorised for the hospital may correct too; one without authorisation may not.
        TestAccount colleague = radiologistOnDuty();
        assertThat(as(colleague).post(path(exam) + "/addenda", Map.of("text", "Relu.")).status()).isEqualTo(201);
        TestAccount stranger = createAccount(Role.RADIOLOGIST, null);
        assertThat(as(stranger).post(path(exam) + "/addenda", Map.of("text", "Non.")).status()).isEqualTo(404);
        assertProblem(as(radiologist).post(path(exam) + "/addenda", Map.of("text", " ")), 400, "Écrivez l’addendum");
    }

    // ---- critical findings ---------------------------------------------------------------------

    @Test
    void aCriticalReportWithoutADocumentedCallOrATaskIsRefused() {
        long exam = claimedExam();
        int version = saved(exam, criticalDraft(0));

        ApiClient.Response refused = sign(exam, version, Map.of());

        assertProblem(refused, 409, "Un résultat critique se signe avec l’appel documenté");
        assertThat(examState(exam)).isEqualTo("IN_READING");
        assertThat(as(radiologist).get(path(exam)).json().get("state").asText()).isEqualTo("DRAFT");
        // A call not read back does not count.
        ApiClient.Response notReadBack = sign(exam, version, Map.of("callback", call(false)));
        assertProblem(notReadBack, 400, "relu le résultat");
        assertThat(notReadBack.json().get("errors").get(0).get("field").asText()).isEqualTo("callback.readBackConfirmed");
    }

    @Test
    void aCriticalReportIsSignedWithTheCallDocumented() {
        long exam = claimedExam();
        int version = saved(exam, criticalDraft(0));

        ApiClient.Response signed = sign(exam, version, Map.of("callback", call(true)));

        assertThat(signed.status()).as(signed.body()).isEqualTo(200);
        assertThat(signed.json().get("critical").asBoolean()).isTrue();
        assertThat(signed.json().get("criticalCategory").asText()).isEqualTo("HAEMORRHAGE");
        JsonNode calls = signed.json().get("callbacks");
        assertThat(calls).hasSize(1);
        assertThat(calls.get(0).get("calledName").asText()).isEqualTo("Dr Urgentiste");
        assertThat(calls.get(0).get("calledPhone").asText()).isEqualTo("05 59 00 00 00");
        assertThat(calls.get(0).get("readBackConfirmed").asBoolean()).isTrue();
        assertThat(signed.json().get("callbackTask").isNull()).isTrue();
        assertThat(audits("CRITICAL_CALLBACK_RECORDED", exam, radiologist.username())).isEqualTo(1);
    }

    @Test
    void aCallDocumentedWhileDraftingIsEnoughToSign() {
        long exam = claimedExam();
        int version = saved(exam, criticalDraft(0));
        assertThat(as(radiologist).post(path(exam) + "/callbacks", call(true)).status()).isEqualTo(201);

        assertThat(sign(exam, version, Map.of()).status()).isEqualTo(200);
        assertThat(examState(exam)).isEqualTo("REPORTED");
    }

    @Test
    void aCriticalReportIsSignedWithAnOpenTaskThatCoordinatorsSeeAndCloseWithTheCall() {
        long exam = claimedExam();
        int version = saved(exam, criticalDraft(0));

        ApiClient.Response signed = sign(exam, version, Map.of("openCallbackTask", true));

        assertThat(signed.status()).as(signed.body()).isEqualTo(200);
        assertThat(signed.json().get("callbackTask").asText()).isEqualTo("OPEN");
        TestAccount coordinator = createAccount(Role.COORDINATOR, null);
        JsonNode task = openTask(coordinator, exam);
        assertThat(task).isNotNull();
        assertThat(task.get("criticalCategory").asText()).isEqualTo("HAEMORRHAGE");
        assertThat(task.get("callbackPhone").asText()).isEqualTo("0559000000");
        // The radiologists do not see the coordinators' list.
        assertThat(as(radiologist).get("/api/callback-tasks").status()).isEqualTo(403);

        // The coordinator's page lists it; the call documented there closes it.
        Browser page = browser().loggedInAs(coordinator.username(), coordinator.password());
        String list = page.get("/coordination/callbacks").body();
        assertThat(list).contains("data-task-id=\"" + task.get("taskId").asLong() + "\"", "hémorragie");
        // The task says whom it is about and what to read back, and links to the signed report.
        assertThat(task.get("conclusion").asText()).isEqualTo("Hématome sous-dural aigu.");
        assertThat(list).contains("NOMPATIENT", "Zephyrine", "né(e) le 01/05/1940", "Hématome sous-dural aigu.",
                "href=\"/reports/exams/" + exam + "/report.pdf\"");
        assertThat(page.get("/reports/exams/" + exam + "/report.pdf").statusCode()).isEqualTo(200);
        assertThat(jdbc.sql("select count(*) from audit_event where action = 'CALLBACK_TASKS_LISTED' and actor = :a")
                .param("a", coordinator.username()).query(Long.class).single()).isPositive();
        HttpResponse<String> done = page.postForm("/coordination/callbacks/" + task.get("taskId").asLong() + "/done",
                List.of(Map.entry("calledName", "Dr Garde"), Map.entry("calledPhone", "05 59 11 11 11"),
                        Map.entry("calledAt", "00:00"), Map.entry("readBackConfirmed", "true")));
        assertThat(done.statusCode()).isEqualTo(302);
        assertThat(page.get("/coordination/callbacks").body()).contains("Appel documenté ; la tâche est close.")
                .doesNotContain("data-task-id=\"" + task.get("taskId").asLong() + "\"");

        assertThat(openTask(coordinator, exam)).isNull();
        JsonNode report = as(coordinator).get(path(exam)).json();
        assertThat(report.get("callbackTask").asText()).isEqualTo("DONE");
        assertThat(report.get("callbacks").get(0).get("calledName").asText()).isEqualTo("Dr Garde");
        assertThat(report.get("callbacks").get(0).get("recordedByName").asText()).isEqualTo("Test Coordinator");
    }

    @Test
    void aTaskIsNotClosedByACallThatWasNotReadBack() {
        long exam = claimedExam();
        sign(exam, saved(exam, criticalDraft(0)), Map.of("openCallbackTask", true));
        TestAccount coordinator = createAccount(Role.COORDINATOR, null);

        assertProblem(as(coordinator).post(path(exam) + "/callbacks", call(false)), 400, "relu le résultat");
        assertThat(openTask(coordinator, exam)).isNotNull();
        assertThat(as(coordinator).post(path(exam) + "/callbacks", call(true)).status()).isEqualTo(201);
        assertThat(openTask(coordinator, exam)).isNull();
    }

    private JsonNode openTask(TestAccount coordinator, long exam) {
        for (JsonNode t : as(coordinator).get("/api/callback-tasks").json()) {
            if (t.get("examId").asLong() == exam) {
                return t;
            }
        }
        return null;
    }

    // ---- re-authentication ---------------------------------------------------------------------

    @Test
    void signingAsksForThePasswordAgainOnceTheLoginIsOlderThanTheConfiguredDelay() {
        assertThat(settings.reauthenticateAfter()).isEqualTo(Duration.ofHours(12));
        long exam = claimedExam();
        int version = saved(exam, draft(0, "Pas d’hémorragie.", "Normal."));
        AccountPrincipal me = accounts.findPrincipal(radiologist.username()).orElseThrow();
        Instant justTooOld = Instant.now().minus(settings.reauthenticateAfter()).minusSeconds(60);
        Instant recentEnough = Instant.now().minus(settings.reauthenticateAfter()).plusSeconds(60);

        assertThat(reports.reauthenticationNeeded(recentEnough)).isFalse();
        assertThat(reports.reauthenticationNeeded(justTooOld)).isTrue();
        assertThatThrownBy(() -> reports.sign(exam, new SignRequest(version, null, null, null), me, justTooOld, "test"))
                .isInstanceOf(ForbiddenException.class)
                .satisfies(e -> assertThat(((ForbiddenException) e).code()).isEqualTo("report.reauthenticate"));
        assertThatThrownBy(() -> reports.sign(exam, new SignRequest(version, "not-my-password", null, null), me,
                justTooOld, "test"))
                .isInstanceOf(ForbiddenException.class)
                .satisfies(e -> assertThat(((ForbiddenException) e).code()).isEqualTo("report.password.wrong"));
        assertThat(audits("REPORT_SIGN_REAUTHENTICATION", exam, radiologist.username())).isEqualTo(1);
        assertThat(examState(exam)).isEqualTo("IN_READING");

        ReportView signed = reports.sign(exam, new SignRequest(version, radiologist.password(), null, null), me,
                justTooOld, "test");
        assertThat(signed.state()).isEqualTo(ReportState.SIGNED);
    }

    @Test
    void aLoginOfThePagesIsRecentEnoughToSignWithoutThePassword() {
        long exam = claimedExam();
        Browser page = browser().loggedInAs(radiologist.username(), radiologist.password());
        String editor = page.get("/reading/exams/" + exam + "/report").body();
        assertThat(editor).contains("id=\"report-form\"").doesNotContain("id=\"password\"");

        HttpResponse<String> signed = page.postForm("/reading/exams/" + exam + "/report/sign", List.of(
                Map.entry("version", "0"), Map.entry("indication", "Chute"), Map.entry("technique", "Crâne"),
                Map.entry("findings", "Pas d’hémorragie."), Map.entry("conclusion", "Normal.")));

        assertThat(signed.statusCode()).as(signed.body()).isEqualTo(302);
        assertThat(signed.headers().firstValue("Location").orElse("")).endsWith("/worklist");
        assertThat(examState(exam)).isEqualTo("REPORTED");
    }

    // ---- the hospital --------------------------------------------------------------------------

    @Test
    void theHospitalSeesItsSignedReportOnlyAndEachOpeningIsAudited() {
        long exam = claimedExam();
        saved(exam, draft(0, "Pas d’hémorragie.", "Pas d’anomalie intracrânienne aiguë."));
        assertThat(as(physician).get(path(exam)).status()).isEqualTo(404);
        assertThat(sign(exam, 1, Map.of()).status()).isEqualTo(200);

        ApiClient.Response seen = as(physician).get(path(exam));
        assertThat(seen.status()).isEqualTo(200);
        assertThat(seen.json().get("conclusion").asText()).isEqualTo("Pas d’anomalie intracrânienne aiguë.");
        as(physician).get(path(exam));
        assertThat(audits("REPORT_OPENED", exam, physician.username())).isEqualTo(2);

        ApiClient.Response text = as(physician).get(path(exam) + "/text");
        assertThat(text.status()).isEqualTo(200);
        assertThat(text.contentType()).startsWith("text/plain");
        assertThat(text.header("Content-Disposition")).contains("attachment", "compte-rendu-");
        assertThat(text.body()).contains("COMPTE RENDU D’EXAMEN", "NOMPATIENT Zephyrine", "CONCLUSION",
                "Pas d’anomalie intracrânienne aiguë.", "Signé électroniquement par Test Radiologist");
        assertThat(audits("REPORT_DOWNLOADED", exam, physician.username())).isEqualTo(1);

        long otherHospital = createHospital(unique("CH Autre CR"), uniqueAeTitle("CO"));
        TestAccount outsider = createAccount(Role.HOSPITAL_PHYSICIAN, otherHospital);
        assertThat(as(outsider).get(path(exam)).status()).isEqualTo(404);
        assertThat(as(outsider).get(path(exam) + "/text").status()).isEqualTo(404);
        assertThat(audits("REPORT_ACCESS_DENIED", exam, outsider.username())).isEqualTo(1);
    }

    @Test
    void theReportTextIsDatedOnItsHospitalsClock() {
        jdbc.sql("update hospital set time_zone = 'America/Martinique' where id = :id").param("id", hospital).update();
        long exam = signedExam();
        Instant signedAt = jdbc.sql("select signed_at from report where exam_id = :e").param("e", exam)
                .query(OffsetDateTime.class).single().toInstant();

        String text = as(physician).get(path(exam) + "/text").body();

        // Martinique is UTC-4 all year, five or six hours behind Paris: the hospital files its own time.
        assertThat(text).contains("le " + DateTimeFormatter.ofPattern("dd/MM/yyyy 'à' HH:mm")
                .format(signedAt.atZone(ZoneId.of("America/Martinique"))) + " (heure de America/Martinique)");
    }

    @Test
    void signingPublishesReportSignedAndTheDeliveryHookGivesTheWholeReport() {
        long exam = claimedExam();
        int version = saved(exam, draft(0, "Pas d’hémorragie.", "Pas d’anomalie intracrânienne aiguë."));
        AccountPrincipal me = accounts.findPrincipal(radiologist.username()).orElseThrow();

        ReportView signed = reports.sign(exam, new SignRequest(version, null, null, null), me, Instant.now(), "test");

        long reportId = signed.reportId();
        assertThat(events.stream(ReportSigned.class).filter(e -> e.examId() == exam).toList())
                .singleElement()
                .satisfies(e -> {
                    assertThat(e.reportId()).isEqualTo(reportId);
                    assertThat(e.hospitalId()).isEqualTo(hospital);
                    assertThat(e.critical()).isFalse();
                });
        SignedReport report = reports.signedReport(reportId);

        assertThat(report.examId()).isEqualTo(exam);
        assertThat(report.request().accessionNumber()).startsWith("WL");
        assertThat(report.request().familyName()).isEqualTo("NOMPATIENT");
        assertThat(report.studyInstanceUid()).isEqualTo("1.2.826.0.1.3680043.10.999." + exam);
        assertThat(report.conclusion()).isEqualTo("Pas d’anomalie intracrânienne aiguë.");
        assertThat(report.signedById()).isEqualTo(radiologist.id());
    }

    // ---- hostile input -------------------------------------------------------------------------

    @Test
    void badDraftsAreRefusedWithAProblemNamingTheFieldAndChangeNothing() {
        long exam = claimedExam();
        saved(exam, draft(0, "Intact.", "Intact."));

        ApiClient.Response tooLong = as(radiologist).put(path(exam), draft(1, "x".repeat(20_001), "ok"));
        assertProblem(tooLong, 400, "20000");
        assertThat(tooLong.json().get("errors").get(0).get("field").asText()).isEqualTo("findings");
        assertProblem(as(radiologist).put(path(exam), draft(1, "ok", "y".repeat(4001))), 400, "4000");

        Map<String, Object> noFindings = draft(1, "ok", "ok");
        noFindings.remove("findings");
        assertProblem(as(radiologist).put(path(exam), noFindings), 400, "Les résultats manquent");
        Map<String, Object> noVersion = draft(1, "ok", "ok");
        noVersion.remove("version");
        assertProblem(as(radiologist).put(path(exam), noVersion), 400, "version");
        Map<String, Object> noCategory = draft(1, "ok", "ok");
        noCategory.put("critical", true);
        assertProblem(as(radiologist).put(path(exam), noCategory), 400, "catégorie");
        assertProblem(as(radiologist).put(path(exam), draft(1, "nul\u0000", "ok")), 400, "caractère de contrôle");

        Map<String, Object> unknownCategory = draft(1, "ok", "ok");
        unknownCategory.put("critical", true);
        unknownCategory.put("criticalCategory", "GREMLINS");
        assertProblem(as(radiologist).put(path(exam), unknownCategory), 400, "JSON");
        assertProblem(as(radiologist).put(path(exam), "{\"version\": 1, \"findings\": "), 400, "JSON");
        assertProblem(as(radiologist).post(path(exam) + "/sign", "not json"), 400, "JSON");
        assertProblem(as(radiologist).post(path(exam) + "/sign", Map.of()), 400, "version");

        JsonNode stored = as(radiologist).get(path(exam)).json();
        assertThat(stored.get("version").asInt()).isEqualTo(1);
        assertThat(stored.get("findings").asText()).isEqualTo("Intact.");
    }

    @Test
    void aTemplatesChoiceNotMadeOrAGapNotFilledBlocksTheSignatureWithThePlaceNamed() {
        long exam = claimedExam();
        int version = saved(exam, draft(0, "Hématome sous-dural [droite / gauche] de 8 mm.", "Hématome sous-dural."));
        ApiClient.Response refused = sign(exam, version, Map.of());
        assertProblem(refused, 400, "« Résultats » contient encore « [droite / gauche] »");
        assertThat(examState(exam)).isEqualTo("IN_READING");
        version = saved(exam, draft(version, "Hématome sous-dural droit de 8 mm.", "Hématome sous-dural [...]."));
        assertProblem(sign(exam, version, Map.of()), 400, "« Conclusion » contient encore « [...] »");
        version = saved(exam, draft(version, "Hématome sous-dural droit de [x] mm.", "Hématome sous-dural."));
        assertProblem(sign(exam, version, Map.of()), 400, "« Résultats » contient encore « [x] »");
        // A bracket of the radiologist's own words is not a placeholder.
        version = saved(exam, draft(version, "Hématome sous-dural droit de 8 mm [mesuré en coronal].", "Hématome sous-dural."));
        assertThat(sign(exam, version, Map.of()).status()).isEqualTo(200);
    }

    @Test
    void theReportApiCarriesTheExamsAiResultsForTheirReviewersButNotForTheHospital() {
        long exam = claimedExam();
        long result = jdbc.sql("""
                        insert into ai_result (exam_id, engine_id, engine_version, finding, score, positive, received_at)
                        values (:exam, (select id from ai_engine where kind = 'BUILTIN' order by id limit 1), '1', 'ICH', 0.12,
                                false, now()) returning id""")
                .param("exam", exam).query(Long.class).single();
        JsonNode draft = as(radiologist).get(path(exam)).json();
        assertThat(draft.get("aiResults")).hasSize(1);
        JsonNode ai = draft.get("aiResults").get(0);
        assertThat(ai.get("id").asLong()).isEqualTo(result);
        assertThat(ai.get("finding").asText()).isEqualTo("ICH");
        assertThat(ai.get("score").asDouble()).isEqualTo(0.12);
        assertThat(ai.get("positive").asBoolean()).isFalse();
        int version = saved(exam, draft(0, "Pas d’hémorragie.", "Pas d’anomalie intracrânienne aiguë."));
        assertThat(sign(exam, version, Map.of()).status()).isEqualTo(200);
        // The hospital reads the signed report, without the engines' answers.
        JsonNode forHospital = as(physician).get(path(exam)).json();
        assertThat(forHospital.get("aiResults")).isEmpty();
    }

    @Test
    void theAuthorLooksAgainAtTheImagesReadOnlyForADayAndNobodyElseDoes() {
        long exam = signedExam();
        Browser author = browser().loggedInAs(radiologist.username(), radiologist.password());
        java.net.http.HttpResponse<String> viewer = author.get("/reading/exams/" + exam + "/viewer");
        assertThat(viewer.statusCode()).isEqualTo(200);
        assertThat(viewer.body()).contains("id=\"read-only\"", "lecture seule").contains("data-holder=\"false\"");
        assertThat(jdbc.sql("select count(*) from audit_event where action = 'STUDY_OPENED' and actor = :u and detail like :d")
                .param("u", radiologist.username()).param("d", "viewer, exam " + exam).query(Long.class).single()).isEqualTo(1);
        // Another radiologist on duty for the hospital has no such right.
        TestAccount other = radiologistOnDuty();
        assertThat(browser().loggedInAs(other.username(), other.password()).get("/reading/exams/" + exam + "/viewer")
                .statusCode()).isEqualTo(404);
        // A day after the signature, the author's window has closed.
        jdbc.sql("update exam_event set at = at - interval '25 hours' where exam_id = :e and to_state = 'REPORTED'")
                .param("e", exam).update();
        assertThat(author.get("/reading/exams/" + exam + "/viewer").statusCode()).isEqualTo(404);
    }

    @Test
    void someoneElsesOrAMissingExamAnswers404() {
        long exam = claimedExam();
        TestAccount stranger = createAccount(Role.RADIOLOGIST, null);

        assertProblem(as(stranger).put(path(exam), draft(0, "x", "x")), 404, "Vous ne détenez pas");
        assertProblem(as(stranger).get(path(exam)), 404, "Aucun compte rendu");
        assertProblem(as(radiologist).get(path(999_999_999L)), 404, "Aucun compte rendu");
        assertProblem(as(radiologist).put(path(999_999_999L), draft(0, "x", "x")), 404, "Aucun compte rendu");
        assertThat(as(physician).put(path(exam), draft(0, "x", "x")).status()).isEqualTo(403);
        assertThat(anonymous().get(path(exam)).status()).isEqualTo(401);
    }
}
