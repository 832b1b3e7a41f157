package fr.relais.intake;

import com.fasterxml.jackson.databind.JsonNode;
import fr.relais.ApiClient;
import fr.relais.BaseIntegrationTest;
import fr.relais.request.RequestFixtures;
import fr.relais.security.Role;
import fr.relais.sim.SyntheticCt;
import fr.relais.storage.ObjectStore;
import fr.relais.support.Await;
import fr.relais.support.Dcmtk;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Images go after the hospital's retention; requests, reports and the audit stay; legal hold keeps them. */
class RetentionIT extends BaseIntegrationTest {

    @TempDir
    static Path work;

    @Autowired
    RetentionPurge retention;
    @Autowired
    ObjectStore store;

    @Test
    void imagesPastRetentionGoAndTheRestStaysEvenAfterACrashHalfWay() throws Exception {
        String ae = uniqueAeTitle("RT");
        long hospital = createHospital(unique("CH rétention"), ae);
        ApiClient physician = as(createAccount(Role.HOSPITAL_PHYSICIAN, hospital));
        ApiClient radiologist = as(createAccount(Role.RADIOLOGIST, null));
        long[] exams = new long[4];
        for (int k = 0; k < 4; k++) {
            JsonNode filed = RequestFixtures.file(physician, RequestFixtures.headCt(unique("IPP-RT"), "PATIENT_SIGNED"));
            exams[k] = filed.get("id").asLong();
            RequestFixtures.accept(jdbc, radiologist, exams[k]);
            SyntheticCt.GeneratedStudy study = SyntheticCt.generate(SyntheticCt.StudySpec.builder().slices(2).rows(64)
                    .columns(64).accession(filed.get("accessionNumber").asText()).seed(800 + k).build(), work.resolve("s" + k));
            assertThat(Dcmtk.storescu(dicomDoor.port(), ae, "RELAIS", study.files()).exitCode()).isZero();
            long exam = exams[k];
            Await.until("ready", () -> state(exam), "READY"::equals);
            // Delivered 100 days ago (the last one 10 days ago: still within the 90 days).
            jdbc.sql("update exam set state = 'DELIVERED' where id = :id").param("id", exam).update();
            jdbc.sql("""
                    insert into exam_event (exam_id, from_state, to_state, at, actor)
                    values (:id, 'REPORTED', 'DELIVERED', now() - make_interval(days => :days), 'test')""")
                    .param("id", exam).param("days", k == 3 ? 10 : 100).update();
        }
        assertThat(admin().put("/api/exams/" + exams[1] + "/legal-hold", Map.of("hold", true, "reason", "Contentieux")).status())
                .isEqualTo(200);
        List<String> keysOfFirst = keys(exams[0]);
        List<String> keysOfThird = keys(exams[2]);
        assertThat(keysOfFirst).hasSize(2);

        // The dry run counts and changes nothing.
        JsonNode dry = admin().post("/api/retention/purge?dryRun=true", null).json();
        assertThat(dry.get("dryRun").asBoolean()).isTrue();
        assertThat(dry.get("exams").asInt()).isGreaterThanOrEqualTo(2);
        assertThat(dry.get("onLegalHold").asInt()).isGreaterThanOrEqualTo(1);
        assertThat(keys(exams[0])).hasSize(2);
        assertThat(Files.exists(store.root().resolve(keysOfFirst.get(0)))).isTrue();

        // A run killed after deleting the third exam's files, before its index changed.
        for (String key : keysOfThird) {
            store.delete(key);
        }

        RetentionPurge.Report report = retention.purge(Instant.now(), false);

        assertThat(report.exams()).isGreaterThanOrEqualTo(2);
        for (String key : keysOfFirst) {
            assertThat(Files.exists(store.root().resolve(key))).isFalse();
        }
        assertThat(state(exams[0])).isEqualTo("PURGED");
        assertThat(state(exams[2])).isEqualTo("PURGED");
        assertThat(keys(exams[0])).isEmpty();
        assertThat(state(exams[1])).isEqualTo("DELIVERED"); // legal hold
        assertThat(keys(exams[1])).hasSize(2);
        assertThat(state(exams[3])).isEqualTo("DELIVERED"); // within retention
        // The request stays, readable by its hospital; the audit counts the run.
        assertThat(physician.get("/api/requests/" + exams[0]).status()).isEqualTo(200);
        assertThat(jdbc.sql("select count(*) from audit_event where action = 'RETENTION_PURGED' and detail like '%instances%'")
                .query(Integer.class).single()).isPositive();
        assertThat(jdbc.sql("select count(*) from audit_event where action = 'LEGAL_HOLD_SET' and object = :o")
                .param("o", "exam:" + exams[1]).query(Integer.class).single()).isEqualTo(1);

        // Run again: nothing left to do for these exams.
        retention.purge(Instant.now(), false);
        assertThat(state(exams[1])).isEqualTo("DELIVERED");

        // Released from hold, it goes at the next run.
        admin().put("/api/exams/" + exams[1] + "/legal-hold", Map.of("hold", false));
        retention.purge(Instant.now(), false);
        assertThat(state(exams[1])).isEqualTo("PURGED");
    }

    @Test
    void onlyAdministratorsPurgeOrHoldAndAHoldNeedsAReason() {
        TestAccount coordinator = createAccount(Role.COORDINATOR, null);
        assertThat(as(coordinator).post("/api/retention/purge?dryRun=true", null).status()).isEqualTo(403);
        assertThat(as(coordinator).put("/api/exams/1/legal-hold", Map.of("hold", true, "reason", "x")).status()).isEqualTo(403);
        assertThat(admin().put("/api/exams/1/legal-hold", Map.of("hold", true)).status()).isEqualTo(400);
        assertThat(admin().put("/api/exams/999999999/legal-hold", Map.of("hold", true, "reason", "x")).status()).isEqualTo(404);
    }

    private String state(long examId) {
        return jdbc.sql("select state from exam where id = :id").param("id", examId).query(String.class).single();
    }

    private List<String> keys(long examId) {
        return jdbc.sql("""
                        select i.object_key from instance i join series x on x.id = i.series_id
                        join exam e on e.study_id = x.study_id where e.id = :id""")
                .param("id", examId).query(String.class).list();
    }
}
