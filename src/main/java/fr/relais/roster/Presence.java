package fr.relais.roster;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.time.OffsetDateTime;

/**
 * A radiologist on a seat of a reading center until the end of the shift (table seat_presence),
 * with the planned shift it fulfils; none means a check-in outside the planning, which is allowed
 * and flagged.
 */
public record Presence(long id, long userId, String username, String displayName, long centerId, String centerName,
                       OffsetDateTime checkedInAt, OffsetDateTime shiftEndsAt, OffsetDateTime checkedOutAt,
                       Long plannedShiftId) {

    @JsonProperty
    public boolean planned() {
        return plannedShiftId != null;
    }
}
