package fr.relais.report;

import java.time.Instant;
import java.time.LocalDate;

/**
 * A critical finding still to be phoned, as coordinators see it: whom to call, about whom (the
 * patient, to be named on the phone) and what to read back (the report's conclusion).
 */
public record OpenCallbackTask(long taskId, long reportId, long examId, String accessionNumber, long hospitalId,
                               String hospitalName, String examTypeLabel, CriticalCategory criticalCategory,
                               String requestingPhysician, String callbackPhone, String signedByName,
                               Instant signedAt, Instant openedAt, String conclusion, String patientFamilyName,
                               String patientGivenName, LocalDate patientBirthDate) {

    /** The task with the patient's identity, opened from the request. */
    OpenCallbackTask withPatient(String familyName, String givenName, LocalDate birthDate) {
        return new OpenCallbackTask(taskId, reportId, examId, accessionNumber, hospitalId, hospitalName, examTypeLabel,
                criticalCategory, requestingPhysician, callbackPhone, signedByName, signedAt, openedAt, conclusion,
                familyName, givenName, birthDate);
    }
}
