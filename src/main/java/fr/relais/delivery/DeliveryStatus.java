package fr.relais.delivery;

import java.time.Instant;

/** A delivery as coordinators and the hospital see it; late: refused, or not acknowledged in time. */
public record DeliveryStatus(long id, long reportId, long examId, String accessionNumber, String hospitalName,
                             String destination, Destination.Kind kind, String state, int attempts, Instant createdAt,
                             Instant nextAttemptAt, Instant deliveredAt, String lastError, Long addendumId, boolean late) {}
