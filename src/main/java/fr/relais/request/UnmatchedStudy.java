package fr.relais.request;

import java.time.Instant;

/** A study that matched no request, as a coordinator sees it to decide. */
public record UnmatchedStudy(long examId, long hospitalId, String hospitalName, String studyInstanceUid,
                             String accessionNumber, String patientId, int instanceCount,
                             Instant firstImageAt, Instant lastImageAt) {}
