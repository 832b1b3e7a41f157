package fr.relais.report;

import fr.relais.request.RequestView;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

/**
 * Everything a signed report says and is about, for the documents that carry it to the hospital
 * (the text download today; PDF, HL7 ORU, DICOM encapsulated PDF and FHIR DiagnosticReport next).
 * request holds the patient's identity, opened from its seal: never log it.
 */
public record SignedReport(long reportId, long examId, RequestView request, String studyInstanceUid,
                           String indication, String technique, String findings, String conclusion,
                           boolean critical, CriticalCategory criticalCategory, Instant signedAt, long signedById,
                           String signedByName, Long turnaroundSeconds, List<Addendum> addenda, Reading reading) {

    /**
     * Where and when the exam was read, for the documents: the study's date, when its first image
     * reached Relais, the reading center the radiologist was seated at when signing (null when none
     * was recorded) and the radiologist's RPPS (null when unknown).
     */
    public record Reading(LocalDate studyDate, Instant imagesAt, String readingCenter, String signerRpps) {}

    /** The same report with only these addenda (a document as it stood at one revision). */
    public SignedReport withAddenda(List<Addendum> upTo) {
        return new SignedReport(reportId, examId, request, studyInstanceUid, indication, technique, findings, conclusion,
                critical, criticalCategory, signedAt, signedById, signedByName, turnaroundSeconds, List.copyOf(upTo),
                reading);
    }
}
