package fr.relais.hospital;

import java.time.OffsetDateTime;
import java.util.List;

/**
 * A client hospital with the calling AE titles that identify it on the DICOM door, the client
 * certificates it may show on the TLS port (SHA-256 fingerprints, subjects) and the networks it may
 * call from (none: any).
 */
public record Hospital(long id, String name, String finess, String timeZone, int retentionDays,
                       List<String> aeTitles, List<String> certificateFingerprints, List<String> certificateSubjects,
                       List<String> networks, OffsetDateTime createdAt, PacsSettings pacs) {}
