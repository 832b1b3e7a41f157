package fr.relais.intake;

import fr.relais.ApiClient;
import fr.relais.BaseIntegrationTest;
import fr.relais.security.Role;
import fr.relais.sim.SyntheticCt;
import fr.relais.sim.SyntheticCt.GeneratedStudy;
import fr.relais.support.Await;
import fr.relais.support.Dcmtk;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Intake audits a reception once per study and association (or STOW-RS request), not once per
 * image, and every instance still names the entry that recorded its reception.
 */
class ReceptionAuditIT extends BaseIntegrationTest {

    private static final String BOUNDARY = "relais-audit-boundary";

    @TempDir
    Path work;

    @Test
    void anAssociationOfTwoStudiesMakesOneEntryPerStudyAndEachInstanceIsTracedToIt() throws Exception {
        String ae = uniqueAeTitle("AUD");
        long hospital = createHospital(unique("CH Audit"), ae);
        GeneratedStudy head = SyntheticCt.generate(SyntheticCt.StudySpec.builder().slices(7).seed(71).build(),
                Files.createDirectories(work.resolve("head")));
        GeneratedStudy chest = SyntheticCt.generate(SyntheticCt.StudySpec.builder().slices(5).seed(72).build(),
                Files.createDirectories(work.resolve("chest")));
        List<Path> files = new ArrayList<>(head.files());
        files.addAll(chest.files());

        Dcmtk.Result sent = Dcmtk.storescu(dicomDoor.port(), ae, "RELAIS", files);
        assertThat(sent.exitCode()).as(sent.output()).isZero();

        // Written when the association ends, just after storescu hears its release.
        List<Map<String, Object>> entries = Await.until("the reception's audit entries", () -> received(hospital),
                rows -> rows.size() == 2);
        assertThat(entries).extracting(r -> r.get("actor")).containsOnly("dicom:" + ae);
        assertThat(entries).extracting(r -> r.get("outcome")).containsOnly("SUCCESS");
        assertTraced(hospital, head, entries, 7);
        assertTraced(hospital, chest, entries, 5);
        assertThat(jdbc.sql("select count(*) from audit_event where hospital_id = :h and action in ('DICOM_RECEIVED', 'STOW_RS')")
                .param("h", hospital).query(Long.class).single()).as("nothing refused, no entry for refusals").isZero();

        // Sent again: a new entry says so, and each instance keeps the entry of its first reception.
        assertThat(Dcmtk.storescu(dicomDoor.port(), ae, "RELAIS", head.files()).exitCode()).isZero();
        List<Map<String, Object>> again = Await.until("the second reception's entry", () -> received(hospital),
                rows -> rows.size() == 3);
        assertThat((String) again.get(2).get("detail")).startsWith("0 instances stored, 7 already stored, by DICOM association from " + ae);
        assertTraced(hospital, head, entries, 7);
    }

    @Test
    void aStowRequestMakesOneEntryForItsStudyAndEachInstanceIsTracedToIt() throws Exception {
        long hospital = createHospital(unique("CH Audit Web"), uniqueAeTitle("AUW"));
        TestAccount technologist = createAccount(Role.HOSPITAL_TECHNOLOGIST, hospital);
        GeneratedStudy study = SyntheticCt.generate(SyntheticCt.StudySpec.builder().slices(4).seed(73).build(), work);
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (Path file : study.files()) {
            body.writeBytes(("--" + BOUNDARY + "\r\nContent-Type: application/dicom\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            body.writeBytes(Files.readAllBytes(file));
            body.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        body.writeBytes(("--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.US_ASCII));

        ApiClient.Response stored = as(technologist).postBytes("/dicomweb/studies",
                "multipart/related; type=\"application/dicom\"; boundary=" + BOUNDARY, body.toByteArray());
        assertThat(stored.status()).as(stored.body()).isEqualTo(200);

        List<Map<String, Object>> entries = received(hospital);
        assertThat(entries).hasSize(1);
        assertThat(entries.get(0).get("actor")).isEqualTo(technologist.username());
        assertTraced(hospital, study, entries, 4);
        assertThat((String) entries.get(0).get("detail")).endsWith("by STOW-RS request");
    }

    /** The study has one entry among those, counting its instances, and each of its instances names it. */
    private void assertTraced(long hospital, GeneratedStudy study, List<Map<String, Object>> entries, int instances) {
        long studyId = jdbc.sql("select id from study where hospital_id = :h and study_uid = :uid")
                .param("h", hospital).param("uid", study.studyInstanceUid()).query(Long.class).single();
        List<Map<String, Object>> own = entries.stream().filter(e -> ("study:" + studyId).equals(e.get("object"))).toList();
        assertThat(own).hasSize(1);
        assertThat((String) own.get(0).get("detail")).startsWith(instances + " instances stored");
        long entry = ((Number) own.get(0).get("id")).longValue();
        List<String> traced = jdbc.sql("""
                select i.sop_instance_uid from instance i join series se on se.id = i.series_id
                where se.study_id = :s and i.received_audit_id = :e""")
                .param("s", studyId).param("e", entry).query(String.class).list();
        assertThat(traced).containsExactlyInAnyOrderElementsOf(study.sopInstanceUids());
    }

    private List<Map<String, Object>> received(long hospital) {
        return jdbc.sql("""
                select id, actor, object, outcome, detail from audit_event
                where hospital_id = :h and action = 'STUDY_RECEIVED' order by id""")
                .param("h", hospital).query().listOfRows();
    }
}
