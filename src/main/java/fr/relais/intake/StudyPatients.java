package fr.relais.intake;

import fr.relais.storage.Sealer;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import java.util.Optional;

/**
 * The patient of a study as the hospital's images named him: the sealed name and birth date
 * opened for whoever already passed the access rule of the caller (viewer overlay, DICOMweb
 * metadata). Callers decide who may see; this only reads.
 */
@Component
public class StudyPatients {

    /** As in the images: the name in DICOM PN form (FAMILY^GIVEN), the birth date as YYYYMMDD. */
    public record StudyPatient(String patientId, String name, String birthDate, String sex) {}

    private final JdbcClient jdbc;
    private final Sealer sealer;

    StudyPatients(JdbcClient jdbc, Sealer sealer) {
        this.jdbc = jdbc;
        this.sealer = sealer;
    }

    public Optional<StudyPatient> ofStudy(long studyId) {
        return jdbc.sql("""
                        select p.patient_key, p.name_sealed, p.birth_date_sealed, p.sex
                        from study s join patient p on p.id = s.patient_id where s.id = :study""")
                .param("study", studyId)
                .query((rs, n) -> new StudyPatient(
                        rs.getString("patient_key").startsWith(StudyIndex.NO_ID_PREFIX) ? null : rs.getString("patient_key"),
                        sealer.open(StudyIndex.NAME_PURPOSE, rs.getBytes("name_sealed")),
                        sealer.open(StudyIndex.BIRTH_DATE_PURPOSE, rs.getBytes("birth_date_sealed")),
                        rs.getString("sex")))
                .optional();
    }
}
