package fr.relais.platform;

import fr.relais.ApiClient;
import fr.relais.BaseIntegrationTest;
import fr.relais.Browser;
import fr.relais.request.RequestFixtures;
import fr.relais.security.Role;
import fr.relais.sim.SyntheticCt;
import fr.relais.support.Await;
import fr.relais.support.Dcmtk;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Times in the zone of the place they concern: a hospital's exams on its clock (with its offset
 * when it is not the centers'), what belongs to no hospital (the audit trail) on the centers'
 * clock, never the server's UTC.
 */
class PlaceTimesIT extends BaseIntegrationTest {

    private static final ZoneId PARIS = ZoneId.of("Europe/Paris");
    private static final DateTimeFormatter SHORT = DateTimeFormatter.ofPattern("dd/MM/yyyy HH:mm");

    @TempDir
    Path work;

    @Test
    void anUnmatchedStudyShowsItsFirstImageOnItsHospitalsClockNotUtc() throws Exception {
        String ae = uniqueAeTitle("MTQ");
        long hospital = hospital(unique("CHU Martinique"), "America/Martinique", ae);
        SyntheticCt.GeneratedStudy study = SyntheticCt.generate(SyntheticCt.StudySpec.builder().slices(2)
                .accession("NO-SUCH-REQUEST").seed(81).build(), work);
        assertThat(Dcmtk.storescu(dicomDoor.port(), ae, "RELAIS", study.files()).exitCode()).isZero();
        Await.until("the study unmatched", () -> jdbc.sql("""
                select count(*) from exam e join study s on s.id = e.study_id
                where s.study_uid = :uid and e.state = 'UNMATCHED'""").param("uid", study.studyInstanceUid())
                .query(Integer.class).single(), n -> n == 1);
        // 02:00 UTC on 15 January: 22:00 the evening before in Martinique (UTC-4), 03:00 in Paris.
        jdbc.sql("update study set first_received_at = :at where study_uid = :uid")
                .param("at", OffsetDateTime.parse("2026-01-15T02:00:00Z")).param("uid", study.studyInstanceUid()).update();
        TestAccount coordinator = createAccount(Role.COORDINATOR, null);

        Browser browser = browser().loggedInAs(coordinator.username(), coordinator.password());
        String page = browser.get("/coordination/unmatched").body();

        assertThat(page.substring(page.indexOf(hospitalName(hospital)))).contains("14/01/2026 22:00 (UTC-4)");
        assertThat(page).doesNotContain("15/01 02:00").doesNotContain("15/01/2026 02:00").doesNotContain("15/01/2026 03:00");

        // The hospital's zone corrected by an administrator shows at once.
        Map<String, Object> corrected = new LinkedHashMap<>();
        corrected.put("name", hospitalName(hospital));
        corrected.put("finess", jdbc.sql("select finess from hospital where id = :id").param("id", hospital)
                .query(String.class).single());
        corrected.put("timeZone", "Indian/Reunion");
        corrected.put("aeTitles", new String[] {ae});
        assertThat(admin().put("/api/hospitals/" + hospital, corrected).status()).isEqualTo(200);
        page = browser.get("/coordination/unmatched").body();
        assertThat(page.substring(page.indexOf(hospitalName(hospital)))).contains("15/01/2026 06:00 (UTC+4)");
    }

    @Test
    void theAuditTrailShowsTheCentersClockNotUtc() {
        Browser admin = browser().loggedInAs("admin", ADMIN_PASSWORD);
        admin.get("/admin/audit?action=AUDIT_SEARCHED");
        Instant searched = jdbc.sql("select at from audit_event where action = 'AUDIT_SEARCHED' order by id desc limit 1")
                .query(OffsetDateTime.class).single().toInstant();

        String page = admin.get("/admin/audit?action=AUDIT_SEARCHED").body();

        assertThat(page).contains(DateTimeFormatter.ofPattern("dd/MM/yyyy HH:mm:ss").format(searched.atZone(PARIS)))
                .contains("Europe/Paris")
                .doesNotContain(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").format(searched.atOffset(ZoneOffset.UTC)));
    }

    @Test
    void anApiTokensLastUseShowsOnTheCentersClockNotAsAnUtcInstant() {
        long hospital = hospital(unique("CH Jeton"), "Europe/Paris", uniqueAeTitle("TOK"));
        ApiClient.Response created = admin().post("/api/tokens",
                Map.of("hospitalId", hospital, "role", "HOSPITAL_PHYSICIAN", "name", unique("RIS")));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        jdbc.sql("update api_token set last_used_at = :at where id = :id")
                .param("at", OffsetDateTime.parse("2026-01-15T02:00:00Z"))
                .param("id", created.json().get("token").get("id").asLong()).update();

        String page = browser().loggedInAs("admin", ADMIN_PASSWORD).get("/admin/tokens").body();

        assertThat(page).contains("15/01/2026 03:00").doesNotContain("2026-01-15T02:00");
    }

    @Test
    void aRequestShowsOnItsHospitalsClockToTheHospitalAndToTheRegulatingRadiologist() {
        long reunion = hospital(unique("CHU Réunion"), "Indian/Reunion", uniqueAeTitle("RUN"));
        long paris = hospital(unique("CH Paris"), "Europe/Paris", uniqueAeTitle("PAR"));
        TestAccount physician = createAccount(Role.HOSPITAL_PHYSICIAN, reunion);
        TestAccount parisPhysician = createAccount(Role.HOSPITAL_PHYSICIAN, paris);
        long far = RequestFixtures.file(as(physician), RequestFixtures.headCt("IPP-RUN", "PATIENT_SIGNED")).get("id").asLong();
        long near = RequestFixtures.file(as(parisPhysician), RequestFixtures.headCt("IPP-PAR", "PATIENT_SIGNED")).get("id").asLong();
        TestAccount regulator = createAccount(Role.RADIOLOGIST, null);
        authorise(regulator, reunion);
        authorise(regulator, paris);

        Instant farAt = requestedAt(far);
        Instant nearAt = requestedAt(near);
        // Réunion is UTC+4 all year; Paris UTC+1 or +2: the hours always differ.
        String onReunionsClock = SHORT.format(farAt.atZone(ZoneId.of("Indian/Reunion"))) + " (UTC+4)";
        String farOnParisClock = SHORT.format(farAt.atZone(PARIS));
        String hospitalPage = browser().loggedInAs(physician.username(), physician.password()).get("/portal/requests").body();
        assertThat(hospitalPage).contains(onReunionsClock).doesNotContain(farOnParisClock);
        String queue = browser().loggedInAs(regulator.username(), regulator.password()).get("/regulation").body();
        assertThat(queue).contains(onReunionsClock)
                // the centers' own hospitals need no offset
                .contains(SHORT.format(nearAt.atZone(PARIS))).doesNotContain(SHORT.format(nearAt.atZone(PARIS)) + " (UTC");
    }

    private Instant requestedAt(long examId) {
        return jdbc.sql("select requested_at from exam_request where exam_id = :id").param("id", examId)
                .query(OffsetDateTime.class).single().toInstant();
    }

    private String hospitalName(long id) {
        return jdbc.sql("select name from hospital where id = :id").param("id", id).query(String.class).single();
    }

    private long hospital(String name, String zone, String ae) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", name);
        body.put("finess", uniqueFiness());
        body.put("timeZone", zone);
        body.put("aeTitles", new String[] {ae});
        ApiClient.Response created = admin().post("/api/hospitals", body);
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        return created.json().get("id").asLong();
    }
}
