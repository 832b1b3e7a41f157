package fr.relais.request;

import fr.relais.exam.ExamState;

import java.time.Instant;
import java.time.LocalDate;

/** A request as the people allowed to see it see it; patient identity opened from its seal. */
public record RequestView(
        long id, ExamState state, long hospitalId, String hospitalName, String accessionNumber,
        String patientId, String familyName, String givenName, LocalDate birthDate, String sex,
        String examTypeCode, String examTypeLabel, boolean contrast,
        String clinicalContext, String question, Urgency urgency,
        Integer creatinineUmolPerL, Boolean contrastAllergy, Pregnancy pregnancy,
        String requestingPhysician, String callbackPhone, ConsentStatus consent,
        Instant requestedAt, String requestedBy,
        String protocol, Instant decidedAt, String decidedBy, String refusalReason,
        Long studyId, Integer seriesCount, Integer instanceCount, Instant lastImageAt) {

    /** The patient the request names, to compare with a study's header. */
    public PatientIdentity identity() {
        return new PatientIdentity(patientId, familyName + " " + givenName, birthDate, sex);
    }
}
