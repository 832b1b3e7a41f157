package fr.relais.reading;

import com.fasterxml.jackson.databind.JsonNode;
import fr.relais.ApiClient;
import fr.relais.request.RequestFixtures;
import fr.relais.sim.SyntheticCt;
import fr.relais.sim.SyntheticCt.GeneratedStudy;
import fr.relais.support.Await;
import fr.relais.support.Dcmtk;
import org.springframework.jdbc.core.simple.JdbcClient;

import java.nio.file.Path;

/**
 * Exams with real images, the way they arrive: a request filed by the hospital and accepted by a
 * regulator, a generated study sent with storescu under its accession number, READY once stable.
 * Then radiologists on duty for the hospital, so that they may claim it.
 */
public final class ReadableStudies {

    /** A READY exam with its study. */
    public record ReadyExam(long examId, long studyId, GeneratedStudy study) {}

    private ReadableStudies() {}

    public static ReadyExam sendReadyExam(JdbcClient jdbc, int dicomPort, String callingAe, ApiClient physician,
                                          ApiClient regulator, String patientId, SyntheticCt.Builder spec,
                                          Path folder) throws Exception {
        JsonNode filed = RequestFixtures.file(physician, RequestFixtures.headCt(patientId, "PATIENT_SIGNED"));
        long examId = filed.get("id").asLong();
        RequestFixtures.accept(jdbc, regulator, examId);
        GeneratedStudy study = SyntheticCt.generate(RequestFixtures.matching(filed, spec).build(), folder);
        Dcmtk.Result sent = Dcmtk.storescu(dicomPort, callingAe, "RELAIS", study.files());
        if (sent.exitCode() != 0) {
            throw new AssertionError("storescu failed: " + sent.output());
        }
        Await.until("exam " + examId + " READY", () -> state(jdbc, examId), "READY"::equals);
        long studyId = jdbc.sql("select study_id from exam where id = :id").param("id", examId).query(Long.class).single();
        return new ReadyExam(examId, studyId, study);
    }

    public static String state(JdbcClient jdbc, long examId) {
        return jdbc.sql("select state from exam where id = :id").param("id", examId).query(String.class).single();
    }

    public static long center(JdbcClient jdbc, String name) {
        return jdbc.sql("insert into reading_center (name, seats, created_at) values (:n, 7, now()) returning id")
                .param("n", name).query(Long.class).single();
    }

    /** The radiologist is authorised for the hospital and on a seat of the center for 12 hours. */
    public static void onDuty(JdbcClient jdbc, long userId, long hospitalId, long centerId) {
        jdbc.sql("insert into radiologist_hospital (user_id, hospital_id) values (:u, :h) on conflict do nothing")
                .param("u", userId).param("h", hospitalId).update();
        jdbc.sql("""
                insert into seat_presence (user_id, center_id, checked_in_at, shift_ends_at)
                values (:u, :c, now() - interval '1 minute', now() + interval '12 hours')""")
                .param("u", userId).param("c", centerId).update();
    }
}
