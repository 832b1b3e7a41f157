package fr.relais.report;

import fr.relais.request.RequestView;

import java.time.Instant;
import java.util.List;

/**
 * Everything a signed report says and is about, for the documents that carry it to the hospital
 * (the text download today; PDF, HL7 ORU, DICOM encapsulated PDF and FHIR DiagnosticReport next).
 * request holds the patient's identity, opened from its seal: never log it.
 */
public record SignedReport(long reportId, long examId, RequestView request, String studyInstanceUid,
                           String indication, String technique, String findings, String conclusion,
                           boolean critical, CriticalCategory criticalCategory, Instant signedAt, long signedById,
                           String signedByName, Long turnaroundSeconds, List<Addendum> addenda) {}
