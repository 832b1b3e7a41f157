package fr.relais.delivery;

import java.time.Instant;

/**
 * A delivery as coordinators and the hospital see it; late: refused, or not acknowledged in time
 * (never a cancelled one); unreached: cancelled, and no other destination of the hospital got or
 * still owes this text; cancelled*: who disabled the destination, when, and why in words.
 */
public record DeliveryStatus(long id, long reportId, long examId, String accessionNumber, String hospitalName,
                             String destination, Destination.Kind kind, String state, int attempts, Instant createdAt,
                             Instant nextAttemptAt, Instant deliveredAt, String lastError, Long addendumId, boolean late,
                             Instant cancelledAt, String cancelledBy, String cancelReason, boolean unreached,
                             boolean destinationEnabled) {

    /** A coordinator may send it again: refused or waiting, or cancelled by a destination that is back. */
    public boolean resendable() {
        return "REJECTED".equals(state) || "PENDING".equals(state) || "CANCELLED".equals(state) && destinationEnabled;
    }
}
