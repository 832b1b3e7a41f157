package fr.relais.billing;

import fr.relais.ApiClient;
import fr.relais.exam.ExamLifecycle;
import fr.relais.request.Urgency;
import fr.relais.storage.Sealer;
import fr.relais.worklist.WorklistFixtures;
import org.springframework.jdbc.core.simple.JdbcClient;

import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** Hospitals in a time zone, valid RPPS numbers, and reports signed in the past written straight to the database. */
final class BillingFixtures {

    private static final AtomicLong RPPS = new AtomicLong(1_000_000_000L + System.nanoTime() % 800_000_000L);

    private final JdbcClient jdbc;
    private final WorklistFixtures worklist;

    BillingFixtures(JdbcClient jdbc, Sealer sealer) {
        this.jdbc = jdbc;
        this.worklist = new WorklistFixtures(jdbc, sealer);
    }

    static long hospital(ApiClient admin, String name, String finess, String timeZone, String aeTitle) {
        ApiClient.Response created = admin.post("/api/hospitals",
                Map.of("name", name, "finess", finess, "timeZone", timeZone, "aeTitles", new String[] {aeTitle}));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        return created.json().get("id").asLong();
    }

    /** A fresh RPPS number: ten digits and their Luhn check digit. */
    static String rpps() {
        String ten = Long.toString(RPPS.incrementAndGet());
        for (int check = 0; check <= 9; check++) {
            if (luhn(ten + check)) {
                return ten + check;
            }
        }
        throw new AssertionError();
    }

    static boolean luhn(String digits) {
        int sum = 0;
        for (int i = 0; i < digits.length(); i++) {
            int d = digits.charAt(digits.length() - 1 - i) - '0';
            if (i % 2 == 1) {
                d = d * 2 > 9 ? d * 2 - 9 : d * 2;
            }
            sum += d;
        }
        return sum % 10 == 0;
    }

    /** An exam of the hospital whose report was signed at {@code signedAt} by the radiologist, written as it is stored. */
    long signedInThePast(long hospitalId, long physicianId, long radiologistId, Instant signedAt, String examState) {
        long exam = worklist.readyExam(hospitalId, physicianId, Urgency.P2, signedAt.minusSeconds(1800));
        jdbc.sql("update exam set state = :state where id = :id").param("state", examState).param("id", exam).update();
        jdbc.sql("""
                insert into report (exam_id, state, indication, technique, findings, conclusion, author_id, created_at,
                                    updated_at, signed_at, signed_by)
                values (:exam, 'SIGNED', 'Chute', 'Crâne', 'Rien.', 'Normal.', :by, :at, :at, :at, :by)""")
                .param("exam", exam).param("by", radiologistId).param("at", ExamLifecycle.utc(signedAt)).update();
        return exam;
    }
}
