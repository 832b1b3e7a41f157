package fr.relais.billing;

import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;

/** The network's clock, and the night an act belongs to. */
final class Nights {

    /** The network's wall clock: the night shifts run 20:00–08:00, Paris time. */
    static final ZoneId NETWORK = ZoneId.of("Europe/Paris");
    private static final LocalTime NOON = LocalTime.NOON;

    private Nights() {}

    /** The date the night started on: an act read before noon belongs to the night before. */
    static LocalDate nightOf(ZonedDateTime local) {
        return local.toLocalTime().isBefore(NOON) ? local.toLocalDate().minusDays(1) : local.toLocalDate();
    }
}
