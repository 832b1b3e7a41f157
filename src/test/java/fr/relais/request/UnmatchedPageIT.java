package fr.relais.request;

import fr.relais.ApiClient;
import fr.relais.BaseIntegrationTest;
import fr.relais.Browser;
import fr.relais.security.Role;
import fr.relais.sim.SyntheticCt;
import fr.relais.sim.SyntheticCt.GeneratedStudy;
import fr.relais.support.Await;
import fr.relais.support.Dcmtk;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class UnmatchedPageIT extends BaseIntegrationTest {

    @TempDir
    Path work;

    @Test
    void aCoordinatorAttachesAnUnmatchedStudyFromThePage() throws Exception {
        String ae = uniqueAeTitle("UNM");
        long hospital = createHospital(unique("CH Unmatched"), ae);
        ApiClient physician = as(createAccount(Role.HOSPITAL_PHYSICIAN, hospital));
        long requestId = RequestFixtures.file(physician, RequestFixtures.headCt("IPP-U1", "PATIENT_SIGNED")).get("id").asLong();
        String accession = RequestFixtures.accept(jdbc, as(createAccount(Role.RADIOLOGIST, null)), requestId)
                .get("accessionNumber").asText();
        GeneratedStudy study = SyntheticCt.generate(SyntheticCt.StudySpec.builder().slices(2).patientId("<b>IPP</b>")
                .accession("WRONG").seed(71).build(), work);
        assertThat(Dcmtk.storescu(dicomDoor.port(), ae, "RELAIS", study.files()).exitCode()).isZero();
        long placeholder = awaitPlaceholder(study.studyInstanceUid());
        TestAccount coordinator = createAccount(Role.COORDINATOR, null);
        Browser browser = browser().loggedInAs(coordinator.username(), coordinator.password());

        HttpResponse<String> page = browser.get("/coordination/unmatched");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains(accession).contains("&lt;b&gt;IPP&lt;/b&gt;").doesNotContain("<b>IPP</b>");

        HttpResponse<String> attached = browser.postForm("/coordination/unmatched/" + placeholder + "/attach",
                List.of(Map.entry("requestId", String.valueOf(requestId))));
        assertThat(attached.statusCode()).isEqualTo(302);
        assertThat(jdbc.sql("select study_id from exam where id = :id").param("id", requestId).query(Long.class).single())
                .isNotNull();
        // Its header names another patient: the page now asks to check the identity, beside the request's.
        String checking = browser.get("/coordination/unmatched").body();
        assertThat(checking).contains("mismatch-" + requestId).contains(accession).contains("MARTIN Paul")
                .contains("&lt;b&gt;IPP&lt;/b&gt;").doesNotContain("<b>IPP</b>");

        HttpResponse<String> confirmed = browser.postForm("/coordination/unmatched/mismatches/" + requestId + "/confirm",
                List.of());
        assertThat(confirmed.statusCode()).isEqualTo(302);
        assertThat(browser.get("/coordination/unmatched").body()).contains(accession).doesNotContain("&lt;b&gt;IPP")
                .doesNotContain("mismatch-" + requestId);
        Await.until("request " + requestId + " READY", () -> jdbc.sql("select state from exam where id = :id")
                .param("id", requestId).query(String.class).single(), "READY"::equals);
    }

    @Test
    void theUnmatchedPageIsForCoordinators() {
        TestAccount radiologist = createAccount(Role.RADIOLOGIST, null);
        HttpResponse<String> page = browser().loggedInAs(radiologist.username(), radiologist.password())
                .get("/coordination/unmatched");
        assertThat(page.statusCode()).isEqualTo(403);
    }

    private long awaitPlaceholder(String studyUid) {
        return Await.until("an unmatched exam for " + studyUid, () -> jdbc.sql("""
                select e.id from exam e join study s on s.id = e.study_id
                where s.study_uid = :uid and e.state = 'UNMATCHED'""").param("uid", studyUid).query(Long.class)
                .optional().orElse(null), id -> true);
    }
}
