package fr.relais.request;

import java.time.Instant;
import java.time.LocalDate;

/**
 * A study that matched no request, as a coordinator sees it to decide: the identity and the study
 * its own header gave, beside the hospital's requests that could take it.
 */
public record UnmatchedStudy(long examId, long hospitalId, String hospitalName, String studyInstanceUid,
                             String accessionNumber, String patientId, String patientName, LocalDate birthDate,
                             String sex, LocalDate studyDate, String studyDescription, int instanceCount,
                             Instant firstImageAt, Instant lastImageAt) {}
