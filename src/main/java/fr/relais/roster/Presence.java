package fr.relais.roster;

import java.time.OffsetDateTime;

/** A radiologist on a seat of a reading center until the end of the shift (table seat_presence). */
public record Presence(long id, long userId, String username, String displayName, long centerId, String centerName,
                       OffsetDateTime checkedInAt, OffsetDateTime shiftEndsAt, OffsetDateTime checkedOutAt) {}
