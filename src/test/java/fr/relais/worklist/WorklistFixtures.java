package fr.relais.worklist;

import fr.relais.exam.ExamLifecycle;
import fr.relais.request.RequestService;
import fr.relais.request.Urgency;
import fr.relais.storage.Sealer;
import org.springframework.jdbc.core.simple.JdbcClient;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/** READY exams, authorisations and seats written straight into the database, for worklist tests. */
public final class WorklistFixtures {

    private static final AtomicLong ACCESSION = new AtomicLong(System.nanoTime() % 1_000_000);

    private final JdbcClient jdbc;
    private final Sealer sealer;

    public WorklistFixtures(JdbcClient jdbc, Sealer sealer) {
        this.jdbc = jdbc;
        this.sealer = sealer;
    }

    /** A READY exam with its request, not yet placed in the queue. */
    public long readyExam(long hospitalId, long requestedBy, Urgency urgency, Instant readyAt) {
        return readyExam(hospitalId, requestedBy, urgency, readyAt, "CT_HEAD", "Saignement ?");
    }

    /** The same, of the given exam type and with the given clinical question. */
    public long readyExam(long hospitalId, long requestedBy, Urgency urgency, Instant readyAt, String examTypeCode,
                          String question) {
        long id = jdbc.sql("""
                insert into exam (hospital_id, state, state_changed_at, created_at)
                values (:h, 'READY', :at, :at) returning id""")
                .param("h", hospitalId).param("at", ExamLifecycle.utc(readyAt)).query(Long.class).single();
        jdbc.sql("""
                insert into exam_request (exam_id, hospital_id, accession_number, patient_key, family_name_sealed,
                    given_name_sealed, birth_date_sealed, sex, exam_type_code, clinical_context, question, urgency,
                    requesting_physician, callback_phone, requested_by, requested_at, consent, protocol)
                values (:id, :h, :acc, :pid, :fam, :giv, :birth, 'F', :type, 'Chute', :question, :urgency,
                    'Dr Test', '0559000000', :by, :at, 'PATIENT_SIGNED', 'Crâne sans injection')""")
                .param("id", id).param("h", hospitalId).param("acc", "WL" + ACCESSION.incrementAndGet())
                .param("pid", "IPP-WL-" + id)
                .param("fam", sealer.seal("request.family_name", "NOMPATIENT"))
                .param("giv", sealer.seal("request.given_name", "Zephyrine"))
                .param("birth", sealer.seal(RequestService.BIRTH_DATE, "1940-05-01"))
                .param("urgency", urgency.name()).param("by", requestedBy)
                .param("type", examTypeCode).param("question", question)
                .param("at", ExamLifecycle.utc(readyAt.minus(Duration.ofMinutes(20))))
                .update();
        return id;
    }

    /** A new exam type of the catalogue (a head CT's act and reading time); returns its code. */
    public String examType(String labelFr) {
        String code = "WL_" + ACCESSION.incrementAndGet();
        jdbc.sql("""
                insert into exam_type (code, label_fr, body_region, contrast, ccam_code, reading_minutes)
                values (:code, :label, 'HEAD', false, 'ACQK001', 12)""")
                .param("code", code).param("label", labelFr).update();
        return code;
    }

    public long center(String name, int seats) {
        return jdbc.sql("insert into reading_center (name, seats, created_at) values (:n, :s, now()) returning id")
                .param("n", name).param("s", seats).query(Long.class).single();
    }

    public void authorise(long userId, long hospitalId) {
        jdbc.sql("insert into radiologist_hospital (user_id, hospital_id) values (:u, :h) on conflict do nothing")
                .param("u", userId).param("h", hospitalId).update();
    }

    public void checkIn(long userId, long centerId) {
        jdbc.sql("""
                insert into seat_presence (user_id, center_id, checked_in_at, shift_ends_at)
                values (:u, :c, now() - interval '1 minute', now() + interval '12 hours')""")
                .param("u", userId).param("c", centerId).update();
    }
}
