package fr.relais.roster;

import java.time.LocalDate;
import java.time.OffsetDateTime;

/** A radiologist's name down for one seat of a center on the night starting on {@code night}. */
public record PlannedShift(long id, long centerId, String centerName, LocalDate night, int seat, long userId,
                           String username, String displayName, OffsetDateTime startsAt, OffsetDateTime endsAt) {}
