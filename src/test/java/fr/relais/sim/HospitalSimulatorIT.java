package fr.relais.sim;

import fr.relais.BaseIntegrationTest;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The hospital simulator against the test server: its exams arrive, match their requests and become READY. */
class HospitalSimulatorIT extends BaseIntegrationTest {

    @Test
    void aHandfulOfSimulatedExamsArriveAsReadyExams() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Map<String, String> env = Map.of("RELAIS_URL", "http://localhost:" + port, "RELAIS_ADMIN_PASSWORD", ADMIN_PASSWORD,
                "RELAIS_DICOM_PORT", String.valueOf(dicomDoor.port()));

        // At least one hospital with an AE title; the simulator takes the first two and creates one when missing.
        createHospital(unique("CH Simulateur"), uniqueAeTitle("SIMA"));
        int code = SimulateHospitalsCommand.run(new String[] {"--hospitals", "2", "--exams", "4", "--speed", "100000",
                "--slices", "3", "--matrix", "64", "--seed", "5"}, env,
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));

        assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("4/4 sent", "4 exams sent, 0 failed");

        // Each request was filed and accepted; the study matched it by accession and became READY once stable.
        List<String> accessions = jdbc.sql("""
                select r.accession_number from exam_request r
                where r.patient_key like 'SIM-%' and r.requested_at > :since""")
                .param("since", java.time.OffsetDateTime.now().minusMinutes(5)).query(String.class).list();
        assertThat(accessions).hasSizeGreaterThanOrEqualTo(4);
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        List<String> states;
        do {
            Thread.sleep(300);
            states = jdbc.sql("""
                    select e.state from exam e join exam_request r on r.exam_id = e.id
                    where r.accession_number in (:accessions)""")
                    .param("accessions", accessions).query(String.class).list();
        } while (!states.stream().allMatch("READY"::equals) && Instant.now().isBefore(deadline));
        assertThat(states).hasSize(accessions.size()).containsOnly("READY");
        assertThat(jdbc.sql("""
                select count(*) from exam e join exam_request r on r.exam_id = e.id join study s on s.id = e.study_id
                where r.accession_number in (:accessions) and s.instance_count = 3""")
                .param("accessions", accessions).query(Long.class).single()).isEqualTo(accessions.size());
    }

    @Test
    void withoutTheAdministratorsPasswordItSaysWhatToSet() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = SimulateHospitalsCommand.run(new String[0], Map.of(), new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(code).isEqualTo(GenerateStudyCommand.USAGE);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("RELAIS_ADMIN_PASSWORD");
        assertThat(SimulateHospitalsCommand.bar(5, 10, 1)).isEqualTo("[###############...............]    5/10 sent  1 failed");
    }
}
