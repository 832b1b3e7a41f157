package fr.relais.report;

import fr.relais.ApiClient;
import fr.relais.exam.ExamLifecycle;
import fr.relais.exam.ExamReady;
import fr.relais.request.Urgency;
import fr.relais.storage.Sealer;
import fr.relais.worklist.WorklistFixtures;
import fr.relais.worklist.WorklistService;
import org.springframework.jdbc.core.simple.JdbcClient;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** Exams ready to report: a READY exam with its request and study, in the queue, claimed by a radiologist on duty. */
public final class ReportFixtures {

    private final JdbcClient jdbc;
    private final WorklistFixtures worklist;
    private final WorklistService worklistService;

    public ReportFixtures(JdbcClient jdbc, Sealer sealer, WorklistService worklistService) {
        this.jdbc = jdbc;
        this.worklist = new WorklistFixtures(jdbc, sealer);
        this.worklistService = worklistService;
    }

    public long center(String name) {
        return worklist.center(name, 7);
    }

    /** The radiologist is authorised for the hospital and sits in the center. */
    public void onDuty(long userId, long hospitalId, long centerId) {
        worklist.authorise(userId, hospitalId);
        worklist.checkIn(userId, centerId);
    }

    /**
     * A READY head CT of the hospital (request by the physician, protocol "Crâne sans injection",
     * context "Chute", question "Saignement ?"), whose study's first image arrived at firstImageAt,
     * placed in the common worklist.
     */
    public long readyExam(long hospitalId, long physicianId, Instant firstImageAt) {
        Instant readyAt = firstImageAt.plusSeconds(60);
        long examId = worklist.readyExam(hospitalId, physicianId, Urgency.P2, readyAt);
        long patient = jdbc.sql("""
                insert into patient (hospital_id, patient_key, created_at) values (:h, :key, :at) returning id""")
                .param("h", hospitalId).param("key", "IPP-RP-" + examId).param("at", ExamLifecycle.utc(firstImageAt))
                .query(Long.class).single();
        long study = jdbc.sql("""
                insert into study (hospital_id, patient_id, study_uid, accession_number, first_received_at,
                                   last_received_at, instance_count)
                values (:h, :p, :uid, (select accession_number from exam_request where exam_id = :exam), :first, :last, 120)
                returning id""")
                .param("h", hospitalId).param("p", patient).param("uid", "1.2.826.0.1.3680043.10.999." + examId)
                .param("exam", examId).param("first", ExamLifecycle.utc(firstImageAt))
                .param("last", ExamLifecycle.utc(firstImageAt.plusSeconds(30)))
                .query(Long.class).single();
        jdbc.sql("update exam set study_id = :s where id = :e").param("s", study).param("e", examId).update();
        worklistService.onReady(new ExamReady(examId, hospitalId, study, readyAt));
        return examId;
    }

    /** The radiologist takes the exam from the worklist, as the "Prendre" button does. */
    public static void claim(ApiClient radiologist, long examId) {
        ApiClient.Response claimed = radiologist.post("/api/worklist/" + examId + "/claim", null);
        if (claimed.status() != 200) {
            throw new AssertionError("claim refused: " + claimed.status() + " " + claimed.body());
        }
    }

    /** The whole draft as the editor sends it. */
    public static Map<String, Object> draft(int version, String findings, String conclusion) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("version", version);
        d.put("indication", "Chute\nQuestion : Saignement ?");
        d.put("technique", "Crâne sans injection");
        d.put("findings", findings);
        d.put("conclusion", conclusion);
        d.put("critical", false);
        d.put("criticalCategory", null);
        return d;
    }

    /** The claimant saves and signs the report; a critical one (haemorrhage) with its call documented. */
    public static void sign(ApiClient radiologist, long examId, boolean critical) {
        Map<String, Object> draft = draft(0, critical ? "Hématome sous-dural aigu droit." : "Normal.",
                critical ? "Hématome sous-dural aigu." : "Pas d’anomalie.");
        Map<String, Object> sign = new LinkedHashMap<>();
        if (critical) {
            draft.put("critical", true);
            draft.put("criticalCategory", "HAEMORRHAGE");
            Map<String, Object> call = new LinkedHashMap<>();
            call.put("calledName", "Dr Urgentiste");
            call.put("calledPhone", "05 59 00 00 00");
            call.put("calledAt", java.time.OffsetDateTime.now(java.time.ZoneOffset.UTC).minusMinutes(1).toString());
            call.put("readBackConfirmed", true);
            sign.put("callback", call);
        }
        ApiClient.Response saved = radiologist.put("/api/exams/" + examId + "/report", draft);
        if (saved.status() != 200) {
            throw new AssertionError("draft refused: " + saved.status() + " " + saved.body());
        }
        sign.put("version", saved.json().get("version").asInt());
        ApiClient.Response signed = radiologist.post("/api/exams/" + examId + "/report/sign", sign);
        if (signed.status() != 200) {
            throw new AssertionError("signature refused: " + signed.status() + " " + signed.body());
        }
    }
}
