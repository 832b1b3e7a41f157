package fr.relais.hospital;

import java.time.OffsetDateTime;
import java.util.List;

/** A client hospital with the calling AE titles that identify it on the DICOM door. */
public record Hospital(long id, String name, String finess, String timeZone, int retentionDays,
                       List<String> aeTitles, OffsetDateTime createdAt) {}
