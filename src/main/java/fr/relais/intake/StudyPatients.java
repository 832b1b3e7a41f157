package fr.relais.intake;

import fr.relais.request.PatientIdentity;
import fr.relais.storage.Sealer;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import java.util.Optional;

/**
 * The patient of a study as its own images named him (not the first study under the same ID):
 * the sealed name and birth date
 * opened for whoever already passed the access rule of the caller (viewer overlay, DICOMweb
 * metadata). Callers decide who may see; this only reads.
 */
@Component
public class StudyPatients {

    /** As in the images: the name in DICOM PN form (FAMILY^GIVEN), the birth date as YYYYMMDD. */
    public record StudyPatient(String patientId, String name, String birthDate, String sex) {
        public PatientIdentity identity() {
            return new PatientIdentity(patientId, name, PatientIdentity.dicomDate(birthDate), sex);
        }
    }

    private final JdbcClient jdbc;
    private final Sealer sealer;

    StudyPatients(JdbcClient jdbc, Sealer sealer) {
        this.jdbc = jdbc;
        this.sealer = sealer;
    }

    public Optional<StudyPatient> ofStudy(long studyId) {
        return jdbc.sql("""
                        select p.patient_key, s.patient_name_sealed, s.patient_birth_date_sealed, s.patient_sex
                        from study s join patient p on p.id = s.patient_id where s.id = :study""")
                .param("study", studyId)
                .query((rs, n) -> new StudyPatient(
                        PatientIdentity.headerPatientId(rs.getString("patient_key")),
                        sealer.open(StudyIndex.NAME_PURPOSE, rs.getBytes("patient_name_sealed")),
                        sealer.open(StudyIndex.BIRTH_DATE_PURPOSE, rs.getBytes("patient_birth_date_sealed")),
                        rs.getString("patient_sex")))
                .optional();
    }
}
