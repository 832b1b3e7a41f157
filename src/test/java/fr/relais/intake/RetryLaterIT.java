package fr.relais.intake;

import fr.relais.BaseIntegrationTest;
import fr.relais.dicom.ReceptionBudget;
import fr.relais.security.Role;
import fr.relais.sim.SyntheticCt;
import fr.relais.sim.SyntheticCt.GeneratedStudy;
import fr.relais.support.Dcmtk;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * When the DICOM door answers "retry later" (A700: the reception memory budget is full), the
 * hospital's own pages say at what time Relais asked; another hospital's pages do not.
 */
class RetryLaterIT extends BaseIntegrationTest {

    @TempDir
    Path work;

    @BeforeAll
    static void dcmtk() {
        Dcmtk.requireDcmtk();
    }

    @Test
    void aHospitalToldToRetryLaterSeesWhenOnItsPages() throws Exception {
        String ae = uniqueAeTitle("RTL");
        long hospital = createHospital(unique("CH Renvoi"), ae);
        TestAccount technologist = createAccount(Role.HOSPITAL_TECHNOLOGIST, hospital);
        TestAccount physician = createAccount(Role.HOSPITAL_PHYSICIAN, hospital);
        TestAccount elsewhere = createAccount(Role.HOSPITAL_TECHNOLOGIST, createHospital(unique("CH Ailleurs"), uniqueAeTitle("AIL")));
        assertThat(as(technologist).get("/portal/technologist").body()).doesNotContain("id=\"retry-later\"");

        GeneratedStudy study = SyntheticCt.generate(SyntheticCt.StudySpec.builder().slices(2).seed(77).build(), work);
        ReceptionBudget budget = dicomDoor.budget();
        Dcmtk.Result sent;
        // The whole budget taken, as by receptions in flight: the next C-STORE is answered A700.
        try (ReceptionBudget.Reservation everything = budget.reserve()) {
            assertThat(everything.grow(budget.capacity() / 4 - budget.reserved() / 4 - 1)).isTrue();
            sent = Dcmtk.storescu(dicomDoor.port(), ae, "RELAIS", study.files());
        }
        // Refused, none kept: storescu reports each refusal and goes on (-nh would not change that).
        assertThat(jdbc.sql("select count(*) from study where hospital_id = :h").param("h", hospital)
                .query(Long.class).single()).as(sent.output()).isZero();

        String page = as(technologist).get("/portal/technologist").body();
        assertThat(page).contains("id=\"retry-later\"", "Relais a demandé de renvoyer plus tard à ");
        assertThat(as(physician).get("/portal/requests").body()).contains("Relais a demandé de renvoyer plus tard à ");
        assertThat(as(elsewhere).get("/portal/technologist").body()).doesNotContain("id=\"retry-later\"");
        assertThat(jdbc.sql("select times from intake_retry_later where hospital_id = :h").param("h", hospital)
                .query(Long.class).single()).isEqualTo(1L);
    }
}
