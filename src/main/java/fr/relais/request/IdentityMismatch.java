package fr.relais.request;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

/**
 * An accepted request whose images name someone else (MISMATCHED): both identities side by side,
 * and which fields differ, for the coordinator who confirms or detaches the images.
 */
public record IdentityMismatch(long examId, long hospitalId, String hospitalName, String accessionNumber,
                               String examTypeLabel, Urgency urgency, PatientIdentity request, PatientIdentity images,
                               List<String> differences, LocalDate studyDate, String studyDescription,
                               int instanceCount, Instant firstImageAt) {}
